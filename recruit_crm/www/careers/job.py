import json

import frappe
from frappe import _

from recruit_crm.services.drives import pages
from recruit_crm.services.portal import careers

no_cache = 0
sitemap = 0


def get_context(context):
	opening = careers.opening_for_path(frappe.form_dict.get("company"), frappe.form_dict.get("job"))
	if not opening:
		# The career renderer answers this with a plain 404 page.
		raise frappe.PageDoesNotExistError(_("This position is no longer open."))
	conf = careers.settings()
	job = careers.job_context(opening)
	context.update(
		{
			"title": opening.job_title,
			"conf": conf,
			"opening": opening,
			"description_html": frappe.utils.html_utils.sanitize_html(opening.description or ""),
			"job": job,
			"job_posting_json": json.dumps(job.job_posting, default=str).replace("</", "<\\/"),
			"metatags": job.metatags,
			"stories": job.stories,
			"drive": pages.active_drive_for_opening(opening.name),
			"parents": [{"name": _("Careers"), "route": "/careers"}],
		}
	)
	return context
