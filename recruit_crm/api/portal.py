"""Guest and candidate-facing endpoints. Every one is rate-limited, validates its input,
answers the same for known and unknown people, and never reveals who is a candidate.

Every parameter is optional at the HTTP level: missing input is reported by the service with
a plain 4xx message, never as a 500 from a call with missing arguments. docs/security.md lists
each endpoint, what it accepts and stores, its limit, and the tests that hold it to that.
"""

import frappe
from frappe import _
from frappe.rate_limiter import rate_limit

from recruit_crm.services.compliance import permission, renewal
from recruit_crm.services.engagement import tracking
from recruit_crm.services.pipeline import portal as my_applications
from recruit_crm.services.portal import applications, community, preferences, visits
from recruit_crm.services.portal.request_context import request_evidence


def _form(**values) -> dict:
	return {k: v for k, v in values.items() if v is not None}


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=5, seconds=600)
def apply(
	job_opening: str | None = None,
	applicant_name: str | None = None,
	email: str | None = None,
	phone: str | None = None,
	cover_letter: str | None = None,
	consent_talent_pool: str | None = None,
	website: str | None = None,
	utm_source: str | None = None,
	utm_medium: str | None = None,
	utm_campaign: str | None = None,
	utm_content: str | None = None,
	utm_term: str | None = None,
	ref: str | None = None,
) -> dict:
	"""Apply to an open position with a resume (multipart field `resume`)."""
	form = _form(**locals())
	return applications.apply(form, frappe.request.files.get("resume") if frappe.request else None)


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=30, seconds=60)
def track_visit(
	utm_source: str | None = None,
	utm_medium: str | None = None,
	utm_campaign: str | None = None,
	utm_content: str | None = None,
	utm_term: str | None = None,
	ref: str | None = None,
	landing: str | None = None,
) -> None:
	"""Credit a visit from a tracked share link to its channel and sharer (no personal data)."""
	visits.track_visit(_form(**locals()))


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=5, seconds=600)
def join_community(
	full_name: str | None = None,
	email: str | None = None,
	consent: str | None = None,
	interests: str | None = None,
	skills: str | None = None,
	preferred_locations: str | None = None,
	website: str | None = None,
	utm_source: str | None = None,
	utm_medium: str | None = None,
	utm_campaign: str | None = None,
	ref: str | None = None,
) -> dict:
	"""Sign up for the talent community; a double opt-in email follows."""
	form = _form(**locals())
	return community.join_community(form, frappe.request.files.get("resume") if frappe.request else None)


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=20, seconds=600)
def confirm_community(t: str | None = None) -> dict:
	"""Confirm a talent-community sign-up from the emailed link."""
	if not community.confirm_community(t):
		frappe.throw(_("This link is invalid or has expired."), applications.PortalInputError)
	return {"message": _("Welcome to our talent community!")}


def _candidate_or_throw(t: str | None) -> str:
	candidate = preferences.candidate_from_request(t)
	if not candidate:
		frappe.throw(_("This link is invalid or has expired."), applications.PortalInputError)
	return candidate


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=20, seconds=600)
def update_preferences(
	t: str | None = None,
	full_name: str | None = None,
	phone: str | None = None,
	current_title: str | None = None,
	location: str | None = None,
	interests: str | None = None,
	preferred_locations: str | None = None,
	email_frequency: str | None = None,
	pause_weeks: str | None = None,
) -> dict:
	"""Save the preference centre (signed link, or the logged-in website user)."""
	form = _form(**{k: v for k, v in locals().items() if k != "t"})
	return preferences.update_preferences(_candidate_or_throw(t), form)


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=20, seconds=600)
def unsubscribe(t: str | None = None) -> dict:
	"""Unsubscribe from every email. Also the RFC 8058 one-click target (List-Unsubscribe-Post)."""
	candidate = preferences.candidate_from_unsubscribe_token(t) if t else _candidate_or_throw(None)
	if not candidate:
		frappe.throw(_("This link is invalid or has expired."), applications.PortalInputError)
	return preferences.unsubscribe_everything(candidate, method="Email Link" if t else "Preference Centre")


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=5, seconds=600)
def download_my_data(t: str | None = None) -> None:
	"""Download everything we hold about the candidate as a JSON file."""
	data = preferences.export_my_data(_candidate_or_throw(t))
	frappe.response["type"] = "download"
	frappe.response["filename"] = "my-data.json"
	frappe.response["filecontent"] = frappe.as_json(data)
	frappe.response["content_type"] = "application/json"


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=3, seconds=3600)
def request_erasure(t: str | None = None) -> dict:
	"""Ask for all personal data to be erased; contact stops at once."""
	return preferences.request_erasure(_candidate_or_throw(t))


def _applications_candidate_or_throw(t: str | None) -> str:
	candidate = my_applications.candidate_from_request(t if isinstance(t, str) else None)
	if not candidate:
		frappe.throw(my_applications.invalid_link(), applications.PortalInputError)
	return candidate


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=10, seconds=600)
def withdraw_application(t: str | None = None, application: str | None = None) -> dict:
	"""Withdraw one of your applications ("My applications": signed link or website login)."""
	return my_applications.withdraw(_applications_candidate_or_throw(t), application)


@frappe.whitelist(allow_guest=True, methods=["GET"])
@rate_limit(limit=30, seconds=60)
def interview_calendar(t: str | None = None, interview: str | None = None) -> None:
	"""One of your upcoming interviews as an iCalendar (.ics) file."""
	filename, text = my_applications.interview_calendar(_applications_candidate_or_throw(t), interview)
	frappe.response["type"] = "download"
	frappe.response["filename"] = filename
	frappe.response["filecontent"] = text
	frappe.response["content_type"] = "text/calendar"


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=30, seconds=60)
def content_viewed(content: str | None = None, t: str | None = None) -> None:
	"""Count a view of a published story or video; a candidate's own link records a touchpoint."""
	visits.content_viewed(content, t)


# ------------------------------------------------------------------ email tracking and consent renewal
# Each answers identically for genuine, forged, expired and unknown tokens, and records after
# the response is sent, so neither the answer nor its timing says whether someone exists.


@frappe.whitelist(allow_guest=True, methods=["GET"])
@rate_limit(limit=120, seconds=60)
def email_open(t: str | None = None) -> None:
	"""1x1 tracking pixel: records an Email Opened touchpoint for a genuine token."""
	tracking.handle_open(t)
	frappe.response.update(frappe.utils.get_imaginary_pixel_response())


@frappe.whitelist(allow_guest=True, methods=["GET"])
@rate_limit(limit=60, seconds=60)
def email_click(t: str | None = None) -> None:
	"""Tracked link: redirects only to the URL signed into the token (else the home page)."""
	frappe.local.response["type"] = "redirect"
	frappe.local.response["location"] = tracking.handle_click(t)


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=60, seconds=60)
def portal_event(
	event: str | None = None,
	t: str | None = None,
	path: str | None = None,
	job_opening: str | None = None,
) -> None:
	"""The portal reports what a known visitor did (Portal Visit, Form Submitted, Content Viewed, Event Attended)."""
	tracking.handle_portal_event(event, t, path, job_opening)


@frappe.whitelist(allow_guest=True, methods=["GET", "POST"])
@rate_limit(limit=10, seconds=600)
def confirm_consent(t: str | None = None) -> None:
	"""Consent renewal and permission request links: GET shows a confirm button (link scanners must
	not consent); POST records it. Each token says which it is; the answer is the same for all."""
	if frappe.request and frappe.request.method == "POST":
		evidence = request_evidence()
		renewal.confirm_renewal(t, evidence) or permission.confirm(t, evidence)
		frappe.respond_as_web_page(
			_("Thank you"),
			_("If your link was still valid, your choice is recorded. You can change it at any time."),
			http_status_code=200,
			indicator_color="green",
		)
		return
	frappe.respond_as_web_page(
		_("Keep in touch?"),
		f"""<p>{_("Please confirm that we may keep your details and contact you about opportunities.")}</p>
		<form method="post" action="/api/method/recruit_crm.api.portal.confirm_consent">
			<input type="hidden" name="t" value="{frappe.utils.escape_html(t or "")}">
			<button type="submit" class="btn btn-primary">{_("Yes, keep my details")}</button>
		</form>""",
		http_status_code=200,
	)
