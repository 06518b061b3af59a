"""Guest endpoints of hiring events: sign-up (double opt-in) and its confirmation.

They follow the rules of `api/portal.py` (docs/security.md): rate-limited per client address,
every parameter optional at the HTTP level and validated before anybody is looked up, and the
same answer whether or not the address is known or already registered.
"""

import frappe
from frappe import _
from frappe.rate_limiter import rate_limit

from recruit_crm.services.drives import events
from recruit_crm.services.portal.applications import PortalInputError


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=5, seconds=600)
def register_for_event(
	event: str | None = None,
	full_name: str | None = None,
	email: str | None = None,
	consent: str | None = None,
	src: str | None = None,
	website: str | None = None,
) -> dict:
	"""Sign up for a hiring event; a confirmation email with a signed link follows."""
	form = {k: v for k, v in locals().items() if v is not None}
	return events.register(form)


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=20, seconds=600)
def confirm_event_registration(t: str | None = None) -> dict:
	"""Confirm an event sign-up from the emailed link (a POST: link scanners do not confirm)."""
	if not events.confirm(t):
		frappe.throw(_("This link is invalid or has expired."), PortalInputError)
	return {"message": _("You are on the list. See you there!")}
