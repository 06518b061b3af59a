"""Open pixels, click redirects and portal events: signed links that record touchpoints.

Tokens are the portal's signed, expiring tokens (`services.portal.tokens`) with purposes of
their own, so a pixel token cannot be replayed as a click or a preferences link. The guest
endpoints answer identically whatever the token (valid, forged, expired, for a person who no
longer exists) and record after the response has been sent, so neither content nor timing
tells anyone who exists.
"""

import frappe
from frappe.utils import get_url

from recruit_crm.domain import web_input
from recruit_crm.domain.tracking import is_safe_redirect, rewrite_links
from recruit_crm.domain.types import TouchpointChannel, TouchpointDirection, TouchpointType
from recruit_crm.services.candidates.records import find_candidate_by_email
from recruit_crm.services.engagement.touchpoints import record, record_many
from recruit_crm.services.portal import tokens
from recruit_crm.services.portal.deferred import after_response

OPEN = "rc-open"
CLICK = "rc-click"
PORTAL_EVENT = "rc-portal-event"
OPEN_TTL_DAYS = 180
CLICK_TTL_DAYS = 365
TRACKING_FAILED = "recruit_crm: tracking event not recorded"

PORTAL_EVENT_TYPES = frozenset(
	{
		TouchpointType.PORTAL_VISIT.value,
		TouchpointType.FORM_SUBMITTED.value,
		TouchpointType.CONTENT_VIEWED.value,
		TouchpointType.EVENT_ATTENDED.value,
	}
)


def _context(reference_doctype=None, reference_name=None, nurture_campaign=None, job_opening=None) -> dict:
	return {
		k: v
		for k, v in {
			"rd": reference_doctype,
			"rn": reference_name,
			"nc": nurture_campaign,
			"jo": job_opening,
		}.items()
		if v
	}


def open_pixel_url(candidate: str, **context) -> str:
	"""URL of a 1x1 image that records an Email Opened touchpoint for `candidate` when loaded."""
	token = tokens.make_token(candidate, OPEN, OPEN_TTL_DAYS, _context(**context))
	return get_url(f"/api/method/recruit_crm.api.portal.email_open?t={token}")


def click_url(candidate: str, url: str, **context) -> str:
	"""A tracked link to `url`: records Email Clicked, then redirects. Only `url` is reachable through it."""
	if not is_safe_redirect(url):
		frappe.throw(frappe._("Only http(s) links can be tracked."))
	token = tokens.make_token(candidate, CLICK, CLICK_TTL_DAYS, {**_context(**context), "u": url})
	return get_url(f"/api/method/recruit_crm.api.portal.email_click?t={token}")


def track_email_html(html: str, candidate: str, **context) -> str:
	"""Email HTML with every link tracked and an open pixel appended (for one recipient)."""
	tracked = rewrite_links(html, lambda url: click_url(candidate, url, **context))
	return f'{tracked}<img src="{open_pixel_url(candidate, **context)}" width="1" height="1" alt="" style="display:none">'


def portal_event_token(candidate: str, ttl_days: int = 30) -> str:
	"""A token the portal can pass with events from a visitor it knows (e.g. arriving from an email)."""
	return tokens.make_token(candidate, PORTAL_EVENT, ttl_days)


def _read(token: str | None, purpose: str) -> dict | None:
	return tokens.read_token(token, purpose)


def _record_if_candidate(candidate: str, **row) -> None:
	if frappe.db.exists("RC Candidate", {"name": candidate, "is_anonymized": 0}):
		record_many([{"candidate": candidate, **row}])


def _record_email_event(candidate: str, touchpoint_type: str, x: dict, **extra) -> None:
	"""After the response: an inbound email touchpoint carrying the signed context `x`."""
	after_response(
		lambda: _record_if_candidate(
			candidate,
			touchpoint_type=touchpoint_type,
			channel=TouchpointChannel.EMAIL.value,
			direction=TouchpointDirection.INBOUND.value,
			reference_doctype=x.get("rd"),
			reference_name=x.get("rn"),
			nurture_campaign=x.get("nc"),
			job_opening=x.get("jo"),
			**extra,
		),
		title=TRACKING_FAILED,
	)


def handle_open(token: str | None) -> None:
	"""Record an open for a genuine pixel token (at most one per email)."""
	payload = _read(token, OPEN)
	if not payload:
		return
	x = payload.get("x") or {}
	candidate = payload["s"]
	_record_email_event(
		candidate,
		TouchpointType.EMAIL_OPENED.value,
		x,
		dedupe_key=f"open:{candidate}:{x.get('rd')}:{x.get('rn')}:{x.get('nc')}",
	)


def handle_click(token: str | None) -> str:
	"""Where to send the visitor: the signed URL for a genuine token, else the site's home page."""
	payload = _read(token, CLICK)
	x = (payload or {}).get("x") or {}
	url = x.get("u")
	if not payload or not is_safe_redirect(url):
		return "/"
	_record_email_event(
		payload["s"],
		TouchpointType.EMAIL_CLICKED.value,
		x,
		details=web_input.http_url(url, 500) or web_input.site_path(url),
	)
	return url


def record_portal_event(
	candidate: str,
	touchpoint_type: str,
	*,
	path: str | None = None,
	job_opening: str | None = None,
	reference_doctype: str | None = None,
	reference_name: str | None = None,
	details: str | None = None,
) -> None:
	"""Server-side portal code records what a known visitor did (visit, form, content, event)."""
	if touchpoint_type not in PORTAL_EVENT_TYPES:
		frappe.throw(frappe._("Not a portal event: {0}").format(touchpoint_type))

	record(
		candidate,
		touchpoint_type,
		channel=TouchpointChannel.PORTAL.value,
		direction=TouchpointDirection.INBOUND.value,
		job_opening=job_opening,
		reference_doctype=reference_doctype,
		reference_name=reference_name,
		details=details or path,
	)


def handle_portal_event(
	event: str | None, token: str | None, path: str | None, job_opening: str | None
) -> None:
	"""Guest API: record a portal event for the visitor named by a token or their website login."""
	if event not in PORTAL_EVENT_TYPES:
		return
	candidate = None
	payload = _read(token, PORTAL_EVENT) if token else None
	if payload:
		candidate = payload["s"]
	elif frappe.session.user not in ("Guest", "Administrator"):
		candidate = find_candidate_by_email(frappe.session.user)
	if not candidate:
		return
	path = web_input.site_path(path)
	job_opening = web_input.plain_text(job_opening, 140) if isinstance(job_opening, str) else None

	def run():
		if job_opening and not frappe.db.exists("Job Opening", job_opening):
			return
		if frappe.db.exists("RC Candidate", {"name": candidate, "is_anonymized": 0}):
			record_portal_event(candidate, event, path=path, job_opening=job_opening)

	after_response(run, title=TRACKING_FAILED)
