"""At and after a hiring event: finding a registration, checking people in at the venue,
inviting a pool into the event's campaign, and following up attendees and no-shows.

Check-in records an "Event Attended" touchpoint through the one writer
(`services/engagement/touchpoints`), keyed on the registration so a second tap on a phone with
a flaky connection records nothing twice. Invitations and follow-up enrol through
`services/nurture/audience.enroll`, which skips everyone who may not be emailed (consent,
unsubscribes, Do Not Contact), so nothing here decides consent on its own.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import get_datetime, now_datetime

from recruit_crm.domain import drives
from recruit_crm.domain.types import TouchpointChannel, TouchpointDirection, TouchpointType
from recruit_crm.services.engagement import touchpoints
from recruit_crm.services.nurture import audience
from recruit_crm.services.pools import membership

EVENT = "RC Hiring Event"
REGISTRATION = "RC Event Registration"
SEARCH_LIMIT = 20
_FIELDS = ("name", "full_name", "email", "status", "checked_in_at")


def search(event: str, query: str | None = None, limit: int = SEARCH_LIMIT) -> list[dict]:
	"""Registrations of an event whose name or email contains `query` (all, when empty), by name."""
	reg = frappe.qb.DocType(REGISTRATION)
	q = (
		frappe.qb.from_(reg)
		.select(*(getattr(reg, f) for f in _FIELDS))
		.where(reg.hiring_event == event)
		.where(reg.status != drives.RegistrationStatus.CANCELLED.value)
		.orderby(reg.full_name)
		.limit(max(1, min(int(limit), 100)))
	)
	text = (query or "").strip()[:140]
	if text:
		pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
		q = q.where(reg.full_name.like(pattern) | reg.email.like(pattern.lower()))
	return q.run(as_dict=True)


def check_in(registration: str, user: str | None = None) -> dict:
	"""Mark a confirmed registration as attended and record the touchpoint (idempotent)."""
	row = frappe.db.get_value(
		REGISTRATION,
		registration,
		["name", "hiring_event", "candidate", "status", "checked_in_at"],
		as_dict=True,
	)
	if not row:
		frappe.throw(_("Registration not found."), frappe.DoesNotExistError)
	if not drives.may_check_in(row.status) or not row.candidate:
		frappe.throw(
			_("{0} has not confirmed their email yet: ask them to tap the link we sent.").format(row.name)
		)
	user = user or frappe.session.user
	if row.status != drives.RegistrationStatus.ATTENDED.value:
		now = now_datetime()
		frappe.db.set_value(
			REGISTRATION,
			row.name,
			{"status": drives.RegistrationStatus.ATTENDED.value, "checked_in_at": now, "checked_in_by": user},
		)
		title = frappe.db.get_value(EVENT, row.hiring_event, "title")
		touchpoints.record(
			row.candidate,
			TouchpointType.EVENT_ATTENDED.value,
			occurred_at=now,
			channel=TouchpointChannel.EVENT.value,
			direction=TouchpointDirection.INBOUND.value,
			recruiter=user,
			reference_doctype=EVENT,
			reference_name=row.hiring_event,
			details=title,
			dedupe_key=touchpoints.capture_key("event-attended", row.name),
		)
	return frappe.db.get_value(REGISTRATION, row.name, list(_FIELDS), as_dict=True)


def invite(event: str, user: str | None = None) -> dict:
	"""Enrol the event's invite pool into its invitation campaign (only people we may email)."""
	doc = frappe.get_doc(EVENT, event)
	if not doc.invite_pool or not doc.invite_campaign:
		frappe.throw(_("Choose the pool to invite and the invitation campaign first."))
	members = membership.active_members(doc.invite_pool)
	result = audience.enroll(doc.invite_campaign, members, enrolled_by=user or frappe.session.user)
	return {"members": len(members), **result}


def follow_up(event: str, now=None, user: str | None = None) -> dict:
	"""After the event: confirmed people never checked in become no-shows; attendees and no-shows
	are enrolled into their follow-up campaigns (each only if one is chosen)."""
	doc = frappe.get_doc(EVENT, event)
	now = now or now_datetime()
	if get_datetime(doc.ends_at) > now:
		frappe.throw(_("Follow up once the event is over."))
	reg = frappe.qb.DocType(REGISTRATION)
	(
		frappe.qb.update(reg)
		.set(reg.status, drives.RegistrationStatus.NO_SHOW.value)
		.set(reg.modified, now)
		.where(reg.hiring_event == event)
		.where(reg.status == drives.RegistrationStatus.CONFIRMED.value)
	).run()
	rows = frappe.qb.from_(reg).select(reg.status, reg.candidate).where(reg.hiring_event == event).run()
	attendees, no_shows = drives.attendance_split(rows)
	user = user or frappe.session.user
	result = {
		"attendees": len(attendees),
		"no_shows": len(no_shows),
		"attendees_enrolled": 0,
		"no_shows_enrolled": 0,
	}
	if doc.attendee_campaign and attendees:
		result["attendees_enrolled"] = audience.enroll(doc.attendee_campaign, attendees, enrolled_by=user)[
			"enrolled"
		]
	if doc.no_show_campaign and no_shows:
		result["no_shows_enrolled"] = audience.enroll(doc.no_show_campaign, no_shows, enrolled_by=user)[
			"enrolled"
		]
	frappe.db.set_value(EVENT, event, "followed_up_at", now, update_modified=False)
	return result
