"""'My applications': a candidate's applications, interviews and withdraw, by signed link or login."""

import frappe
from frappe import _

from recruit_crm.services.pipeline import portal
from recruit_crm.services.portal import careers

no_cache = 1


def get_context(context):
	token = frappe.form_dict.get("t")
	token = token if isinstance(token, str) and token else None
	candidate = portal.candidate_from_request(token)
	careers.protect_portal_posts()
	context.update(
		{
			"title": _("My applications"),
			"conf": careers.settings(),
			"valid": bool(candidate),
			"mine": portal.page_context(candidate, token) if candidate else {},
			"metatags": {"title": _("My applications")},
		}
	)
	return context
