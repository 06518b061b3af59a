"""A hiring drive's public landing page: /careers/drives/<route> (also /careers/drive?drive=<route>).

Served from Frappe's page cache like the job pages: the renderer gives each drive its own path,
and saving a published drive or event (or any Job Opening) clears the career site's cache. The
query-string form shares one path for every drive, so it is rendered per request. Unknown,
unpublished and cancelled drives are one and the same plain 404.
"""

import frappe
from frappe import _

from recruit_crm.services.drives import pages
from recruit_crm.services.portal import careers

no_cache = 0
sitemap = 0


def get_context(context):
	page = pages.landing(frappe.form_dict.get("drive"))
	if not page:
		raise frappe.PageDoesNotExistError(_("This page does not exist."))
	request = getattr(frappe.local, "request", None)
	if not (request and request.path.startswith(pages.DRIVES_PATH + "/")):
		context.no_cache = 1
	conf = careers.settings()
	context.update(
		{
			"title": page.drive.title,
			"conf": conf,
			"page": page,
			"metatags": {
				"title": page.drive.title,
				"description": (page.drive.goal or page.drive.title)[:300],
				"image": conf.hero_image or conf.logo,
				"og:type": "website",
			},
			"parents": [{"name": _("Careers"), "route": "/careers"}],
		}
	)
	return context
