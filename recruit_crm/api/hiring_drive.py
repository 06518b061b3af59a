"""Hiring drive and hiring event endpoints for the desk (HR roles only, through the doctypes'
permissions): the drive page's figures, the event's QR code, check-in at the venue,
invitations and follow-up. Each is a thin call into `services/drives`."""

import frappe
from frappe import _
from frappe.utils import add_days, now_datetime

from recruit_crm.permissions import can_see_pool
from recruit_crm.services.drives import attendance, events, stats

DRIVE = "RC Hiring Drive"
EVENT = "RC Hiring Event"
REGISTRATION = "RC Event Registration"


def _doc(doctype: str, name: str | None, ptype: str = "read"):
	if not name or not isinstance(name, str):
		frappe.throw(_("{0} is required.").format(_(doctype)))
	doc = frappe.get_doc(doctype, name)
	doc.check_permission(ptype)
	return doc


@frappe.whitelist()
@frappe.read_only()
def drive_dashboard(drive: str) -> dict:
	"""Progress to target, funnel, spend per applicant and per hire, source mix and events."""
	_doc(DRIVE, drive)
	return stats.dashboard(drive)


@frappe.whitelist()
@frappe.read_only()
def event_qr(event: str) -> dict:
	"""The event's public sign-up link and its QR code (SVG)."""
	doc = _doc(EVENT, event)
	if not doc.route:
		return {"url": None, "svg": None}
	return {
		"url": events.event_url(doc.route),
		"qr_url": events.event_url(doc.route, qr=True),
		"svg": events.qr_svg(doc.name),
	}


@frappe.whitelist()
@frappe.read_only()
def check_in_events() -> list[dict]:
	"""Events from yesterday to a week ahead, soonest first: what the check-in page offers."""
	frappe.has_permission(REGISTRATION, "write", throw=True)
	now = now_datetime()
	event = frappe.qb.DocType(EVENT)
	return (
		frappe.qb.from_(event)
		.select(event.name, event.title, event.starts_at, event.ends_at)
		.where(event.ends_at >= add_days(now, -1))
		.where(event.starts_at <= add_days(now, 7))
		.orderby(event.starts_at)
		.limit(50)
		.run(as_dict=True)
	)


@frappe.whitelist()
@frappe.read_only()
def search_registrations(event: str, query: str | None = None) -> list[dict]:
	"""Registrations of an event matching a name or email, for the check-in page."""
	_doc(EVENT, event)
	frappe.has_permission(REGISTRATION, "read", throw=True)
	return attendance.search(event, query)


@frappe.whitelist(methods=["POST"])
def check_in(registration: str) -> dict:
	"""Check a confirmed person in at the venue (records an Event Attended touchpoint)."""
	_doc(REGISTRATION, registration, "write")
	return attendance.check_in(registration)


@frappe.whitelist(methods=["POST"])
def invite(event: str) -> dict:
	"""Enrol the event's invite pool into its invitation campaign (people we may email only)."""
	doc = _doc(EVENT, event, "write")
	pool = frappe.get_doc("RC Talent Pool", doc.invite_pool) if doc.invite_pool else None
	if pool and not can_see_pool(pool):
		frappe.throw(_("Not permitted"), frappe.PermissionError)
	frappe.has_permission("RC Nurture Enrollment", "create", throw=True)
	return attendance.invite(event)


@frappe.whitelist(methods=["POST"])
def follow_up(event: str) -> dict:
	"""After the event: enrol attendees and no-shows into their follow-up campaigns."""
	_doc(EVENT, event, "write")
	frappe.has_permission("RC Nurture Enrollment", "create", throw=True)
	return attendance.follow_up(event)
