import frappe
from frappe import _

from recruit_crm.services.portal import careers, preferences

no_cache = 1


def get_context(context):
	token = frappe.form_dict.get("t")
	candidate = preferences.candidate_from_request(token if isinstance(token, str) else None)
	careers.protect_portal_posts()
	context.update(
		{
			"title": _("Your preferences"),
			"conf": careers.settings(),
			"valid": bool(candidate),
			"prefs": preferences.preferences_context(candidate) if candidate else {},
			"metatags": {"title": _("Your preferences")},
		}
	)
	return context
