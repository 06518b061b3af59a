"""Guest endpoints of hiring events: sign-up (double opt-in), its confirmation and "Can't make it".

They follow the rules of `api/portal.py` (docs/security.md): rate-limited per client address,
every parameter optional at the HTTP level and validated before anybody is looked up, and the
same answer whether or not the address is known or already registered.
"""

import frappe
from frappe import _
from frappe.rate_limiter import rate_limit

from recruit_crm.domain import drives
from recruit_crm.services.drives import events
from recruit_crm.services.portal.applications import PortalInputError

INVALID_LINK = "This link is invalid or has expired."


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
	registration = events.confirm(t)
	if not registration:
		frappe.throw(_(INVALID_LINK), PortalInputError)
	return {
		"message": _("You are on the list. See you there!"),
		"cancel_url": events.cancel_url(registration),
	}


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=20, seconds=600)
def cancel_event_registration(t: str | None = None) -> dict:
	"""Give a place back from the signed "Can't make it?" link (a POST: link scanners do not
	cancel). Cancelling twice answers the same."""
	outcome = events.cancel(t)
	if outcome is None:
		frappe.throw(_(INVALID_LINK), PortalInputError)
	if outcome == drives.CancelOutcome.TOO_LATE:
		frappe.throw(_("This event is over: there is no place left to cancel."), PortalInputError)
	return {"message": _("Your place is cancelled. Thank you for letting us know.")}
