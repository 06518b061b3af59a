"""A hiring event's public page with its sign-up form: /careers/events/<route> (also /careers/event?event=<route>).

Rendered per request (`no_cache`): Frappe's page cache keys on the path alone, so one cached
page would otherwise answer for every event; the places left also change with each sign-up.
An unknown or unpublished event is a plain 404.
"""

import frappe
from frappe import _

from recruit_crm.services.drives import events
from recruit_crm.services.portal import careers

no_cache = 1
sitemap = 0


def get_context(context):
	event = events.public_event(frappe.form_dict.get("event"))
	if not event:
		raise frappe.PageDoesNotExistError(_("This event is not open for sign-up."))
	conf = careers.settings()
	context.update(
		{
			"title": event.title,
			"conf": conf,
			"event": event,
			"over": event.ends_at <= frappe.utils.now_datetime(),
			"src": "qr" if frappe.form_dict.get("src") == "qr" else "",
			"metatags": {
				"title": event.title,
				"description": (event.description or "")[:300],
				"image": conf.hero_image or conf.logo,
				"og:type": "website",
			},
			"parents": [{"name": _("Careers"), "route": "/careers"}],
		}
	)
	return context
