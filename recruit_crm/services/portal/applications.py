"""Applications from the career site: received the same way for everyone, processed afterwards.

`receive_application` runs inside the guest's request. It validates the whole form, then stores
the submission and its resume, and does nothing that depends on who the applicant is: no
candidate lookup, no "already applied" check, so every valid submission costs the same and gets
the same answer. `process_application` runs after the response (or from the sweep, when a worker
died first): it turns the submission into an HRMS Job Applicant linked to its candidate, moves
the resume onto it, records consent and talent-community membership, and deletes the
submission. A submission that cannot be processed stays, marked Failed with the reason, and is
retried; nothing a candidate sent is lost.
"""

import html
import json
import re

import frappe
from frappe import _
from frappe.utils import add_to_date, cint, now_datetime

from recruit_crm.domain.candidates import InvalidEmail, normalize_email
from recruit_crm.domain.careers import clean_attribution
from recruit_crm.domain.redaction import redact_personal_data
from recruit_crm.domain.uploads import RejectedUpload, sniff_resume
from recruit_crm.domain.web_input import plain_text
from recruit_crm.services.compliance import consent
from recruit_crm.services.pools import membership, system
from recruit_crm.services.portal import careers, tokens
from recruit_crm.services.portal.deferred import after_response
from recruit_crm.services.portal.request_context import request_evidence

SUBMISSION = "RC Application Submission"
APPLY_THANKS = "Thank you! Your application has been received. We will be in touch by email."
MAX_ATTEMPTS = 5
PENDING, FAILED = "Pending", "Failed"


class PortalInputError(frappe.ValidationError):
	"""Bad input from a visitor; the message is safe to show and says nothing about anyone."""


# ------------------------------------------------------------------ validation (no lookups of people)


def text_field(
	form: dict, key: str, max_length: int, required: bool = False, label: str | None = None
) -> str:
	"""A trimmed text value from the form, checked for presence and length."""
	value = form.get(key)
	value = value.strip() if isinstance(value, str) else ""
	if required and not value:
		frappe.throw(_("{0} is required.").format(label or key), PortalInputError)
	if len(value) > max_length:
		frappe.throw(
			_("{0} is too long (at most {1} characters).").format(label or key, max_length), PortalInputError
		)
	return value


def person_name(form: dict, key: str, label: str) -> str:
	"""A person's name as it will be stored: markup removed the way Frappe's sanitiser would.

	Checked here, before anything else happens, so a name that is nothing but markup is refused
	with one message for everyone instead of failing later on whichever record is saved first.
	"""
	raw = text_field(form, key, 140, required=True, label=label)
	if "<" in raw or ">" in raw:
		# Tags and comments go, with what the sanitiser would drop; what is left must be a name.
		raw = html.unescape(frappe.utils.strip_html_tags(re.sub(r"<!--.*?(-->|$)", "", raw, flags=re.S)))
	name = plain_text(raw, 140)
	if not name:
		frappe.throw(_("{0} is required.").format(label), PortalInputError)
	return name


def email_field(form: dict) -> str:
	"""The normalised email address, or a plain error."""
	try:
		return normalize_email(form.get("email"))
	except InvalidEmail:
		frappe.throw(_("Please enter a valid email address."), PortalInputError)


def check_resume(upload, required: bool) -> tuple[bytes, str] | None:
	"""The resume's bytes and kind, checked by content and size; None if optional and absent."""
	if upload is None or not getattr(upload, "filename", None):
		if required:
			frappe.throw(_("Please attach your resume."), PortalInputError)
		return None
	limit = careers.settings().max_resume_mb * 1024 * 1024
	content = upload.stream.read(limit + 1)
	try:
		kind = sniff_resume(content, limit)
	except RejectedUpload as e:
		frappe.throw(_(str(e)), PortalInputError)
	return content, kind


def save_resume(content: bytes, kind: str, doctype: str, name: str, fieldname: str | None) -> tuple[str, str]:
	"""Store a checked resume as a private file under a generated name. Returns (File name, URL)."""
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"resume-{frappe.generate_hash(length=12)}.{kind}",
			"attached_to_doctype": doctype,
			"attached_to_name": name,
			"attached_to_field": fieldname,
			"is_private": 1,
			"content": content,
		}
	)
	file.flags.ignore_permissions = True
	file.insert(ignore_permissions=True)
	return file.name, file.file_url


def referrer_employee(ref: str | None) -> str | None:
	"""The Employee behind a referral token from a share link, if the token is genuine."""
	payload = tokens.read_token(ref, tokens.REFERRAL) if ref else None
	if payload and frappe.db.exists("Employee", payload["s"]):
		return payload["s"]
	return None


def open_opening(name: str) -> str:
	"""The name of an open, published Job Opening, or a plain error."""
	opening = frappe.db.get_value("Job Opening", {"name": name, "status": "Open", "publish": 1}, "name")
	if not opening:
		frappe.throw(_("This position is no longer open."), PortalInputError)
	return opening


# ------------------------------------------------------------------ in the request


def receive_application(form: dict, resume_upload) -> str:
	"""Validate an application and store it with its resume; process it after the response.

	Does the same work whoever the applicant is. Returns the submission's name.
	"""
	opening = open_opening(text_field(form, "job_opening", 140, required=True, label=_("Job opening")))
	full_name = person_name(form, "applicant_name", _("Full name"))
	email = email_field(form)
	phone = plain_text(text_field(form, "phone", 40, label=_("Phone")), 40)
	cover_letter = text_field(form, "cover_letter", 10000, label=_("Cover letter"))
	resume = check_resume(resume_upload, required=True)
	attribution = clean_attribution(form)
	evidence = request_evidence()
	submission = frappe.get_doc(
		{
			"doctype": SUBMISSION,
			"status": PENDING,
			"job_opening": opening,
			"applicant_name": full_name,
			"email": email,
			"phone": phone,
			"cover_letter": cover_letter,
			"join_community": 1 if cint(form.get("consent_talent_pool")) else 0,
			"attribution": json.dumps(attribution, sort_keys=True),
			"referrer_employee": referrer_employee(attribution.get("ref")),
			"submitted_at": now_datetime(),
			"ip_address": evidence["ip_address"],
			"user_agent": evidence["user_agent"],
		}
	)
	submission.flags.ignore_links = True
	submission.insert(ignore_permissions=True)
	_file, url = save_resume(*resume, SUBMISSION, submission.name, "resume")
	frappe.db.set_value(SUBMISSION, submission.name, "resume", url, update_modified=False)
	name = submission.name
	after_response(lambda: process_application(name), title="recruit_crm: application not processed yet")
	return name


# ------------------------------------------------------------------ after the response


def process_application(name: str) -> str:
	"""Turn a submission into a Job Applicant, or into nothing if this person already applied.

	Idempotent and safe to run twice at once: the submission row is locked first and deleted when
	done. On failure the submission is kept, marked Failed with the (redacted) reason, for the
	sweep to retry. Returns "created", "duplicate", "failed" or "gone" (already processed).
	"""
	rows = frappe.db.sql(f"select * from `tab{SUBMISSION}` where name = %s for update", name, as_dict=True)
	if not rows:
		return "gone"
	row = rows[0]
	frappe.db.savepoint("rc_application")
	try:
		applicant = _create_applicant(row)
	except Exception as e:
		frappe.db.rollback(save_point="rc_application")
		_mark_failed(row, e)
		frappe.log_error(
			title="recruit_crm: application could not be processed",
			reference_doctype=SUBMISSION,
			reference_name=row.name,
		)
		return "failed"
	_discard_submission(row, keep_file=bool(applicant))
	return "created" if applicant else "duplicate"


def _create_applicant(row) -> str | None:
	existing = frappe.db.get_value(
		"Job Applicant", {"email_id": row.email, "job_title": row.job_opening}, "name"
	)
	if existing:
		return None  # applying twice changes nothing
	attribution = json.loads(row.attribution or "{}")
	referrer = row.referrer_employee
	source = "Employee Referral" if referrer else _pick_source(attribution)
	applicant = frappe.get_doc(
		{
			"doctype": "Job Applicant",
			"applicant_name": row.applicant_name,
			"email_id": row.email,
			"phone_number": row.phone,
			"job_title": row.job_opening,
			"status": "Open",
			"cover_letter": row.cover_letter,
			"source": source,
			"source_name": referrer,
			"rc_utm_source": attribution.get("utm_source"),
			"rc_utm_medium": attribution.get("utm_medium"),
			"rc_utm_campaign": attribution.get("utm_campaign"),
		}
	)
	applicant.flags.ignore_permissions = True
	applicant.insert(ignore_permissions=True)
	if row.resume:
		frappe.db.set_value(
			"File",
			{"attached_to_doctype": SUBMISSION, "attached_to_name": row.name, "file_url": row.resume},
			{
				"attached_to_doctype": "Job Applicant",
				"attached_to_name": applicant.name,
				"attached_to_field": "resume_attachment",
			},
			update_modified=False,
		)
		applicant.db_set("resume_attachment", row.resume, update_modified=False)
	candidate = applicant.get("rc_candidate")
	if candidate:
		fill_attribution(candidate, attribution, referrer, resume_url=row.resume)
		if row.join_community:
			_join_talent_community(candidate, row)
	return applicant.name


def _join_talent_community(candidate: str, row) -> None:
	"""The applicant ticked "keep me in your talent community": consent with evidence, and the pool."""
	evidence = {
		"form": "careers-apply",
		"ip_address": row.ip_address,
		"user_agent": row.user_agent,
		"note": json.dumps({"job_opening": row.job_opening, "submitted_at": str(row.submitted_at)}),
	}
	consent.give(candidate, "Talent Pool", method="Web Form", evidence=evidence)
	membership.add_members(
		system.system_pool("Talent Community"),
		[candidate],
		reason=_("Asked to join the talent community when applying"),
		added_by="Guest",
	)


def _pick_source(attribution: dict) -> str | None:
	source = "Campaign" if attribution.get("utm_campaign") else "Website Listing"
	return source if frappe.db.exists("Job Applicant Source", source) else None


def fill_attribution(
	candidate: str, attribution: dict, referrer: str | None, resume_url: str | None = None
) -> None:
	"""Fill the candidate's source fields (and resume) where they are still blank."""
	values = frappe.db.get_value(
		"RC Candidate",
		candidate,
		["source_campaign", "source_medium", "source_referrer", "referred_by", "resume"],
		as_dict=True,
	)
	updates = {}
	for field, value in (
		("source_campaign", attribution.get("utm_campaign")),
		("source_medium", attribution.get("utm_medium") or attribution.get("utm_source")),
		("source_referrer", attribution.get("utm_source")),
		("referred_by", referrer),
		("resume", resume_url),
	):
		if value and not values.get(field):
			updates[field] = value
	if updates:
		frappe.db.set_value("RC Candidate", candidate, updates)


def _discard_submission(row, keep_file: bool) -> None:
	if not keep_file:
		for file in frappe.get_all(
			"File", filters={"attached_to_doctype": SUBMISSION, "attached_to_name": row.name}, pluck="name"
		):
			frappe.delete_doc("File", file, ignore_permissions=True, force=True, delete_permanently=True)
	frappe.db.delete(SUBMISSION, {"name": row.name})


def _mark_failed(row, error: Exception) -> None:
	reason = redact_personal_data(f"{type(error).__name__}: {error}")[:1000]
	frappe.db.set_value(
		SUBMISSION,
		row.name,
		{"status": FAILED, "attempts": cint(row.attempts) + 1, "last_error": reason},
		update_modified=True,
	)


def process_pending(limit: int = 500) -> dict:
	"""Sweep: process submissions whose after-response run never happened or failed.

	Pending ones older than two minutes (the worker died before processing), and Failed ones
	with attempts left, backing off as attempts grow. Each is committed on its own.
	"""
	now = now_datetime()
	names = frappe.db.sql(
		f"""select name from `tab{SUBMISSION}`
		where (status = %(pending)s and submitted_at < %(stale)s)
			or (status = %(failed)s and attempts < %(max)s
				and modified < %(now)s - interval (10 * attempts) minute)
		order by submitted_at limit %(limit)s""",
		{
			"pending": PENDING,
			"failed": FAILED,
			"stale": add_to_date(now, minutes=-2),
			"max": MAX_ATTEMPTS,
			"now": now,
			"limit": limit,
		},
		pluck=True,
	)
	outcomes: dict[str, int] = {}
	for name in names:
		outcome = process_application(name)
		outcomes[outcome] = outcomes.get(outcome, 0) + 1
		frappe.db.commit()  # nosemgrep: each submission is complete on its own
	return outcomes


def apply(form: dict, resume_upload) -> dict:
	"""The careers apply form: validated in full, then answered the same way for everyone.

	Whether the person is new, known, or has applied before is only looked at after the
	response has been sent (`applications.process_application`).
	"""
	if form.get("website"):  # honeypot filled: a bot. Same answer, nothing stored.
		return {"message": _(APPLY_THANKS)}
	receive_application(form, resume_upload)
	return {"message": _(APPLY_THANKS)}
