"""Sign-up for a hiring event from the career site, with double opt-in.

Modelled on the talent community (`services/portal/community.py`): every valid sign-up is
stored the same way and the confirmation email goes out after the response, so neither the
answer nor its timing tells whether an address is known or already registered. Only the
emailed, signed link (confirmed by a POST, so link scanners do not confirm) makes the person a
candidate, records their consent with its evidence and counts them as coming. Another signed
link, in that email and on the confirmed page, lets them give their place back ("Can't make it?"),
again only by a POST.
"""

from __future__ import annotations

import io
import json
from urllib.parse import quote

import frappe
from frappe import _
from frappe.query_builder.functions import Count
from frappe.utils import add_days, cint, get_datetime, get_url, now_datetime
from frappe.utils.data import urlencode

from recruit_crm.domain import drives
from recruit_crm.domain.types import TouchpointChannel, TouchpointDirection, TouchpointType
from recruit_crm.services.candidates.records import get_or_create_candidate
from recruit_crm.services.compliance import consent
from recruit_crm.services.engagement import touchpoints
from recruit_crm.services.portal import careers, tokens
from recruit_crm.services.portal.applications import PortalInputError, email_field, person_name
from recruit_crm.services.portal.deferred import after_response
from recruit_crm.services.portal.request_context import request_evidence

EVENT = "RC Hiring Event"
REGISTRATION = "RC Event Registration"
CONFIRM_EVENT = "confirm-event"  # token purpose
CONFIRM_TTL_DAYS = 7
CANCEL_EVENT = "cancel-event"  # token purpose of "Can't make it? Cancel my place"
PAGE = "/careers/event"
EVENTS_PATH = "/careers/events"  # /careers/events/<route>: the public address (website/careers_renderer.py)
CONFIRM_PAGE = "/careers/event-confirm"
CANCEL_PAGE = "/careers/event-cancel"
THANKS = "Almost there: check your inbox and confirm your email to save your place."
REFUSALS = {
	"not-found": "This event is not open for sign-up.",
	"over": "This event is over.",
	"full": "This event is full.",
}


def event_url(route: str, qr: bool = False) -> str:
	"""The public page of an event (the QR code's link carries `src=qr` to credit the source)."""
	path = f"{EVENTS_PATH}/{quote(route, safe='')}"
	return get_url(f"{path}?{urlencode({'src': 'qr'})}" if qr else path)


def public_event(route: str | None) -> dict | None:
	"""A published event by its route, with what its public page shows, or None."""
	if not drives.is_valid_route(route):
		return None
	event = frappe.qb.DocType(EVENT)
	rows = (
		frappe.qb.from_(event)
		.select(
			event.name,
			event.title,
			event.event_type,
			event.starts_at,
			event.ends_at,
			event.capacity,
			event.venue,
			event.online_link,
			event.description,
			event.route,
		)
		.where(event.route == route)
		.where(event.published == 1)
		.run(as_dict=True)
	)
	if not rows:
		return None
	row = rows[0]
	row["taken"] = places_taken(row.name)
	row["places_left"] = drives.places_left(row.capacity, row["taken"])
	return row


def places_taken(event: str) -> int:
	registration = frappe.qb.DocType(REGISTRATION)
	return int(
		frappe.qb.from_(registration)
		.select(Count("*"))
		.where(registration.hiring_event == event)
		.where(registration.status.isin(drives.HOLDS_A_PLACE))
		.run()[0][0]
	)


def register(form: dict) -> dict:
	"""Record a sign-up; the double opt-in email follows after the response.

	The whole request is validated before anything is looked up, and the same statements run
	for everyone: whether this address is already registered is decided after the response.
	"""
	if form.get("website"):  # honeypot: bots get the same thanks, nothing is kept
		return {"message": _(THANKS)}
	route = form.get("event")
	if not isinstance(route, str) or not drives.is_valid_route(route):
		frappe.throw(_("Please choose an event."), PortalInputError)
	full_name = person_name(form, "full_name", _("Full name"))
	email = email_field(form)
	if not cint(form.get("consent")):
		frappe.throw(_("Please agree that we may email you about this event."), PortalInputError)
	source = (
		drives.RegistrationSource.QR_CODE
		if form.get("src") == "qr"
		else drives.RegistrationSource.CAREER_SITE
	)
	event = public_event(route)
	now = now_datetime()
	refusal = (
		drives.sign_up_refusal(True, event.ends_at, now, event.capacity, event.taken)
		if event
		else "not-found"
	)
	if refusal:
		frappe.throw(_(REFUSALS[refusal]), PortalInputError)
	evidence = request_evidence()
	doc = frappe.get_doc(
		{
			"doctype": REGISTRATION,
			"hiring_event": event.name,
			"full_name": full_name,
			"email": email,
			"status": drives.RegistrationStatus.REGISTERED.value,
			"source": source.value,
			"registered_at": now,
			"ip_address": evidence["ip_address"],
			"user_agent": evidence["user_agent"],
		}
	).insert(ignore_permissions=True)
	name = doc.name
	after_response(lambda: send_confirmation(name), title="recruit_crm: event confirmation not sent")
	return {"message": _(THANKS)}


def send_confirmation(registration: str) -> bool:
	"""Email the signed confirmation link, unless this address is already registered for the
	event (then the new sign-up is dropped: one place and one email per person)."""
	row = frappe.db.get_value(
		REGISTRATION,
		registration,
		["name", "email", "full_name", "hiring_event", "registered_at"],
		as_dict=True,
	)
	if not row:
		return False
	reg = frappe.qb.DocType(REGISTRATION)
	earlier = (
		frappe.qb.from_(reg)
		.select(reg.name)
		.where(reg.hiring_event == row.hiring_event)
		.where(reg.email == row.email)
		.where(reg.name != row.name)
		.where(
			reg.status.isin(drives.HOLDS_A_PLACE[1:])
			| (
				(reg.status == drives.RegistrationStatus.REGISTERED.value)
				& (reg.registered_at > add_days(row.registered_at, -1))
			)
		)
		.limit(1)
		.run()
	)
	if earlier:
		frappe.delete_doc(REGISTRATION, row.name, ignore_permissions=True, force=True)
		return False
	event = frappe.db.get_value(
		EVENT, row.hiring_event, ["title", "starts_at", "ends_at", "venue", "online_link"], as_dict=True
	)
	token = tokens.make_token(row.name, CONFIRM_EVENT, ttl_days=CONFIRM_TTL_DAYS)
	frappe.sendmail(
		recipients=[row.email],
		subject=_("Confirm your place: {0}").format(event.title),
		template="rc_event_confirm",
		args={
			"full_name": row.full_name,
			"event": event,
			"link": get_url(f"{CONFIRM_PAGE}?t={token}"),
			"cancel_link": cancel_url(row.name, event.ends_at),
			"conf": careers.settings(),
		},
		reference_doctype=REGISTRATION,
		reference_name=row.name,
		now=False,
	)
	return True


def confirm(token: str | None) -> str | None:
	"""Confirm a sign-up from its emailed link: candidate, consent with evidence, a touchpoint.

	Returns the registration (also when it was confirmed before), or None for a link that is
	invalid, expired or of a cancelled sign-up."""
	payload = tokens.read_token(token, CONFIRM_EVENT)
	if not payload:
		return None
	row = frappe.db.get_value(
		REGISTRATION,
		payload["s"],
		["name", "email", "full_name", "hiring_event", "status", "registered_at", "ip_address", "user_agent"],
		as_dict=True,
	)
	if not row or row.status == drives.RegistrationStatus.CANCELLED.value:
		return None
	if row.status != drives.RegistrationStatus.REGISTERED.value:
		return row.name  # confirmed before: the link may be clicked twice
	candidate = get_or_create_candidate(row.email, {"full_name": row.full_name})
	evidence = {
		"form": f"hiring-event:{row.hiring_event}",
		**request_evidence(),
		"note": json.dumps(
			{
				"registration": row.name,
				"signed_up_at": str(row.registered_at),
				"signup_ip_address": row.ip_address,
				"signup_user_agent": row.user_agent,
			}
		),
	}
	consent.give(candidate, "Marketing Email", method="Web Form", evidence=evidence)
	now = now_datetime()
	frappe.db.set_value(
		REGISTRATION,
		row.name,
		{"status": drives.RegistrationStatus.CONFIRMED.value, "candidate": candidate, "confirmed_at": now},
	)
	_event_form_touch(candidate, row, now, _("Registered for a hiring event"), "event-registration")
	return row.name


def cancel_url(registration: str, ends_at=None) -> str:
	"""The signed "Can't make it?" link of a registration, valid until a day after its event ends."""
	if ends_at is None:
		event = frappe.db.get_value(REGISTRATION, registration, "hiring_event")
		ends_at = frappe.db.get_value(EVENT, event, "ends_at")
	days_left = (get_datetime(ends_at) - now_datetime()).total_seconds() / 86400
	token = tokens.make_token(registration, CANCEL_EVENT, ttl_days=max(days_left, 0) + 1)
	return get_url(f"{CANCEL_PAGE}?t={token}")


def registration_to_cancel(token: str | None) -> frappe._dict | None:
	"""The registration and event a valid cancel link names (for the page's GET), or None."""
	payload = tokens.read_token(token, CANCEL_EVENT)
	if not payload:
		return None
	reg = frappe.qb.DocType(REGISTRATION)
	event = frappe.qb.DocType(EVENT)
	rows = (
		frappe.qb.from_(reg)
		.join(event)
		.on(event.name == reg.hiring_event)
		.select(
			reg.name, reg.status, reg.candidate, reg.hiring_event, event.title, event.starts_at, event.ends_at
		)
		.where(reg.name == payload["s"])
		.run(as_dict=True)
	)
	return rows[0] if rows else None


def cancel(token: str | None) -> drives.CancelOutcome | None:
	"""Give a place back from the signed link (a POST): status Cancelled, the place is free again,
	a touchpoint for a confirmed person. None for an invalid or expired link (nothing changes).

	Idempotent: a second POST finds the registration cancelled and answers the same."""
	row = registration_to_cancel(token)
	if not row:
		return None
	now = now_datetime()
	outcome = drives.cancel_outcome(row.status, get_datetime(row.ends_at), now)
	if outcome != drives.CancelOutcome.CANCEL:
		return outcome
	reg = frappe.qb.DocType(REGISTRATION)
	(
		frappe.qb.update(reg)
		.set(reg.status, drives.RegistrationStatus.CANCELLED.value)
		.set(reg.modified, now)
		.where(reg.name == row.name)
		.where(reg.status == row.status)
	).run()
	if row.candidate:
		_event_form_touch(
			row.candidate, row, now, _("Cancelled their place at a hiring event"), "event-cancelled"
		)
	return outcome


def qr_svg(event: str, scale: int = 4) -> str:
	"""An SVG QR code of the event's sign-up link (for posters and the stand at the venue)."""
	import pyqrcode

	route = frappe.db.get_value(EVENT, event, "route")
	if not route:
		frappe.throw(_("Give the event a route first."))
	buffer = io.BytesIO()
	pyqrcode.create(event_url(route, qr=True), error="M").svg(
		buffer, scale=scale, xmldecl=False, svgclass="rc-qr", omithw=False
	)
	return buffer.getvalue().decode()


def expire_unconfirmed(days: int = CONFIRM_TTL_DAYS) -> int:
	"""Sign-ups never confirmed are deleted once their link has expired: no consent, no data
	(also those cancelled before they were confirmed)."""
	reg = frappe.qb.DocType(REGISTRATION)
	stale = (
		frappe.qb.from_(reg)
		.select(reg.name)
		.where(
			(reg.status == drives.RegistrationStatus.REGISTERED.value)
			| ((reg.status == drives.RegistrationStatus.CANCELLED.value) & reg.candidate.isnull())
		)
		.where(reg.registered_at < add_days(now_datetime(), -days))
		.limit(5000)
		.run(pluck=True)
	)
	if stale:
		frappe.qb.from_(reg).delete().where(reg.name.isin(stale)).run()
	return len(stale)


def _event_form_touch(candidate: str, row, now, details: str, kind: str) -> None:
	"""The touchpoint of a guest's own step on an event's page (signing up, giving the place back),
	once per registration and kind."""
	touchpoints.record(
		candidate,
		TouchpointType.FORM_SUBMITTED.value,
		occurred_at=now,
		channel=TouchpointChannel.WEB.value,
		direction=TouchpointDirection.INBOUND.value,
		reference_doctype=EVENT,
		reference_name=row.hiring_event,
		details=details,
		dedupe_key=touchpoints.capture_key(kind, row.name),
	)
