"""Touchpoints captured from the platform, never typed in.

Each source has one set-based builder, `<source>_rows(names) -> list[dict]`, used two ways:
live, from doc_events, for the document just saved (written with `record_safely`, so a failure
never breaks the save); and by the hourly `sweep`, which re-reads every source document modified
since its watermark. Capture keys make both idempotent, so whatever the live path missed (an
error, a `db_set` that ran no hooks) is recorded by the sweep, and nothing is counted twice.
Email Queue status changes run no hooks at all, so delivery is only ever synced from a watermark.
"""

from collections import defaultdict
from email.utils import parseaddr

import frappe
from frappe.utils import get_datetime

from recruit_crm.domain.types import TouchpointChannel, TouchpointDirection, TouchpointType
from recruit_crm.services.engagement.touchpoints import record_safely

CANDIDATE = "RC Candidate"
APPLICANT = "Job Applicant"
CHUNK = 2000
_MEDIUM_TYPES = {
	"Phone": (TouchpointType.CALL.value, TouchpointChannel.PHONE.value),
	"Meeting": (TouchpointType.MEETING.value, TouchpointChannel.MEETING.value),
	"Visit": (TouchpointType.MEETING.value, TouchpointChannel.MEETING.value),
	"Event": (TouchpointType.EVENT_ATTENDED.value, TouchpointChannel.EVENT.value),
	"Chat": (TouchpointType.MESSAGE.value, TouchpointChannel.MESSAGING.value),
	"SMS": (TouchpointType.MESSAGE.value, TouchpointChannel.MESSAGING.value),
	"Other": (TouchpointType.NOTE.value, TouchpointChannel.OTHER.value),
}


def _person(user: str | None) -> str | None:
	return user if user and user not in ("Guest", "Administrator") else None


def _applicants(names) -> dict[str, frappe._dict]:
	names = [n for n in set(names) if n]
	if not names:
		return {}
	return {
		row.name: row
		for row in frappe.get_all(
			APPLICANT,
			filters={"name": ("in", names)},
			fields=["name", "rc_candidate", "job_title"],
			order_by=None,
		)
	}


def candidates_by_email(emails) -> dict[str, str]:
	emails = sorted({e.strip().lower() for e in emails if e})
	if not emails:
		return {}
	found = dict(frappe.db.sql(f"select email, name from `tab{CANDIDATE}` where email in %s", [emails]))
	for email, parent in frappe.db.sql(
		"select email, parent from `tabRC Candidate Email` where parenttype = %s and email in %s",
		[CANDIDATE, emails],
	):
		found.setdefault(email, parent)
	return found


def communication_rows(names: list[str]) -> list[dict]:
	"""Touchpoints for these Communications, one per (communication, candidate) it concerns."""
	if not names:
		return []
	comms = frappe.get_all(
		"Communication",
		filters={"name": ("in", names), "communication_type": "Communication"},
		fields=[
			"name",
			"sent_or_received",
			"communication_medium",
			"communication_date",
			"creation",
			"subject",
			"in_reply_to",
			"sender",
			"reference_doctype",
			"reference_name",
			"owner",
			"read_by_recipient",
			"read_by_recipient_on",
		],
		order_by=None,
	)
	if not comms:
		return []
	links: dict[str, set[tuple[str, str]]] = defaultdict(set)
	for comm in comms:
		if comm.reference_doctype in (CANDIDATE, APPLICANT) and comm.reference_name:
			links[comm.name].add((comm.reference_doctype, comm.reference_name))
	for parent, doctype, name in frappe.db.sql(
		"""select parent, link_doctype, link_name from `tabCommunication Link`
		where parent in %s and link_doctype in %s""",
		[[c.name for c in comms], (CANDIDATE, APPLICANT)],
	):
		links[parent].add((doctype, name))
	applicants = _applicants(n for pairs in links.values() for d, n in pairs if d == APPLICANT)
	inbound_without_link = [c for c in comms if c.sent_or_received == "Received" and not links.get(c.name)]
	by_sender = candidates_by_email(_address(c.sender) for c in inbound_without_link)
	existing = set(
		frappe.get_all(
			CANDIDATE,
			filters={"name": ("in", [n for pairs in links.values() for d, n in pairs if d == CANDIDATE])},
			pluck="name",
			order_by=None,
		)
	)
	rows = []
	for comm in comms:
		targets: dict[str, dict] = {}
		for doctype, name in links.get(comm.name, ()):
			if doctype == CANDIDATE and name in existing:
				targets.setdefault(name, {})
			elif doctype == APPLICANT and applicants.get(name) and applicants[name].rc_candidate:
				app = applicants[name]
				targets[app.rc_candidate] = {"job_applicant": app.name, "job_opening": app.job_title}
		if not targets and comm.sent_or_received == "Received":
			candidate = by_sender.get(_address(comm.sender))
			if candidate:
				targets[candidate] = {}
		for candidate, context in targets.items():
			rows.extend(_communication_touchpoints(comm, candidate, context))
	return rows


def _address(sender: str | None) -> str:
	if not sender:
		return ""

	return parseaddr(sender)[1].strip().lower()


def _communication_touchpoints(comm, candidate: str, context: dict) -> list[dict]:
	at = comm.communication_date or comm.creation
	base = {
		"candidate": candidate,
		"occurred_at": at,
		"reference_doctype": "Communication",
		"reference_name": comm.name,
		"details": comm.subject,
		**context,
	}
	medium = comm.communication_medium or "Email"
	inbound = comm.sent_or_received == "Received"
	rows = []
	if medium == "Email":
		if inbound:
			kind = TouchpointType.EMAIL_REPLIED.value if comm.in_reply_to else TouchpointType.MESSAGE.value
		else:
			kind = TouchpointType.EMAIL_SENT.value
		rows.append(
			{
				**base,
				"touchpoint_type": kind,
				"channel": TouchpointChannel.EMAIL.value,
				"direction": TouchpointDirection.INBOUND.value
				if inbound
				else TouchpointDirection.OUTBOUND.value,
				"recruiter": None if inbound else _person(comm.owner),
				"dedupe_key": f"Communication:{comm.name}:{candidate}:{kind}",
			}
		)
		if not inbound and comm.read_by_recipient:
			rows.append(
				{
					**base,
					"occurred_at": comm.read_by_recipient_on or at,
					"touchpoint_type": TouchpointType.EMAIL_OPENED.value,
					"channel": TouchpointChannel.EMAIL.value,
					"direction": TouchpointDirection.INBOUND.value,
					"dedupe_key": f"Communication:{comm.name}:{candidate}:opened",
				}
			)
	else:
		kind, channel = _MEDIUM_TYPES.get(medium, _MEDIUM_TYPES["Other"])
		rows.append(
			{
				**base,
				"touchpoint_type": kind,
				"channel": channel,
				"direction": TouchpointDirection.INBOUND.value
				if inbound
				else TouchpointDirection.OUTBOUND.value,
				"recruiter": _person(comm.owner),
				"dedupe_key": f"Communication:{comm.name}:{candidate}:{kind}",
			}
		)
	return rows


def job_applicant_rows(names: list[str]) -> list[dict]:
	"""An application is an Applied touchpoint, at the time it was made."""
	rows = []
	for app in frappe.get_all(
		APPLICANT,
		filters={"name": ("in", names), "rc_candidate": ("is", "set")},
		fields=["name", "rc_candidate", "job_title", "creation", "source"],
		order_by=None,
	):
		rows.append(
			{
				"candidate": app.rc_candidate,
				"touchpoint_type": TouchpointType.APPLIED.value,
				"occurred_at": app.creation,
				"channel": TouchpointChannel.HRMS.value,
				"direction": TouchpointDirection.INBOUND.value,
				"job_opening": app.job_title,
				"job_applicant": app.name,
				"reference_doctype": APPLICANT,
				"reference_name": app.name,
				"details": f"Applied via {app.source}" if app.source else "Applied",
				"dedupe_key": f"{APPLICANT}:{app.name}:applied",
			}
		)
	return rows


def interview_rows(names: list[str]) -> list[dict]:
	"""A submitted (held and decided) interview is an Interviewed touchpoint."""
	interviews = frappe.get_all(
		"Interview",
		filters={"name": ("in", names), "docstatus": 1},
		fields=[
			"name",
			"job_applicant",
			"job_opening",
			"interview_round",
			"status",
			"scheduled_on",
			"to_time",
			"modified",
		],
		order_by=None,
	)
	applicants = _applicants(i.job_applicant for i in interviews)
	rows = []
	for interview in interviews:
		app = applicants.get(interview.job_applicant)
		if not app or not app.rc_candidate:
			continue
		at = (
			get_datetime(f"{interview.scheduled_on} {interview.to_time or '00:00:00'}")
			if interview.scheduled_on
			else interview.modified
		)
		rows.append(
			_interview_row(
				app,
				interview.name,
				interview.job_opening,
				at,
				f"{interview.interview_round}: {interview.status}",
			)
		)
	return rows


def interview_feedback_rows(names: list[str]) -> list[dict]:
	"""Submitted feedback shows the interview took place, even before the interview is submitted."""
	feedback = frappe.get_all(
		"Interview Feedback",
		filters={"name": ("in", names), "docstatus": 1},
		fields=["name", "interview", "job_applicant", "result", "interview_round", "modified"],
		order_by=None,
	)
	interviews = {
		i.name: i
		for i in frappe.get_all(
			"Interview",
			filters={"name": ("in", [f.interview for f in feedback if f.interview])},
			fields=["name", "job_opening", "job_applicant"],
			order_by=None,
		)
	}
	for row in feedback:  # the fetched applicant may be missing; the interview knows it
		row.job_applicant = row.job_applicant or (interviews.get(row.interview) or {}).get("job_applicant")
	applicants = _applicants(f.job_applicant for f in feedback)
	openings = {name: i.job_opening for name, i in interviews.items()}
	rows = []
	for row in feedback:
		app = applicants.get(row.job_applicant)
		if not app or not app.rc_candidate or not row.interview:
			continue
		rows.append(
			_interview_row(
				app,
				row.interview,
				openings.get(row.interview),
				row.modified,
				f"{row.interview_round or 'Interview'}: feedback {row.result or ''}".strip(),
			)
		)
	return rows


def _interview_row(app, interview: str, job_opening, at, details: str) -> dict:
	return {
		"candidate": app.rc_candidate,
		"touchpoint_type": TouchpointType.INTERVIEWED.value,
		"occurred_at": at,
		"channel": TouchpointChannel.HRMS.value,
		"direction": TouchpointDirection.OUTBOUND.value,
		"job_opening": job_opening,
		"job_applicant": app.name,
		"reference_doctype": "Interview",
		"reference_name": interview,
		"details": details,
		"dedupe_key": f"Interview:{interview}:interviewed",  # one per interview, from either source
	}


_OFFER_STATUS = {
	"Accepted": TouchpointType.OFFER_ACCEPTED.value,
	"Rejected": TouchpointType.OFFER_DECLINED.value,
}


def job_offer_rows(names: list[str]) -> list[dict]:
	"""Offer made (on submit), then accepted or declined (the status the applicant answers with)."""
	offers = frappe.get_all(
		"Job Offer",
		filters={"name": ("in", names), "docstatus": ("<", 2)},
		fields=["name", "job_applicant", "status", "docstatus", "offer_date", "designation", "modified"],
		order_by=None,
	)
	applicants = _applicants(o.job_applicant for o in offers)
	rows = []
	for offer in offers:
		app = applicants.get(offer.job_applicant)
		if not app or not app.rc_candidate:
			continue
		kinds = []
		if offer.docstatus == 1:
			kinds.append(TouchpointType.OFFER_MADE.value)
		if offer.status in _OFFER_STATUS:
			kinds.append(_OFFER_STATUS[offer.status])
		for kind in kinds:
			rows.append(
				{
					"candidate": app.rc_candidate,
					"touchpoint_type": kind,
					"occurred_at": offer.modified,
					"channel": TouchpointChannel.HRMS.value,
					"direction": TouchpointDirection.INBOUND.value
					if kind != TouchpointType.OFFER_MADE.value
					else TouchpointDirection.OUTBOUND.value,
					"job_opening": app.job_title,
					"job_applicant": app.name,
					"reference_doctype": "Job Offer",
					"reference_name": offer.name,
					"details": f"{kind}: {offer.designation or ''}".strip(": "),
					"dedupe_key": f"Job Offer:{offer.name}:{kind}",
				}
			)
	return rows


def employee_rows(names: list[str]) -> list[dict]:
	"""An Employee created from an applicant is a hire."""
	employees = frappe.get_all(
		"Employee",
		filters={"name": ("in", names), "job_applicant": ("is", "set")},
		fields=["name", "job_applicant", "creation", "designation"],
		order_by=None,
	)
	applicants = _applicants(e.job_applicant for e in employees)
	rows = []
	for employee in employees:
		app = applicants.get(employee.job_applicant)
		if not app or not app.rc_candidate:
			continue
		rows.append(
			{
				"candidate": app.rc_candidate,
				"touchpoint_type": TouchpointType.HIRED.value,
				"occurred_at": employee.creation,
				"channel": TouchpointChannel.HRMS.value,
				"job_opening": app.job_title,
				"job_applicant": app.name,
				"reference_doctype": "Employee",
				"reference_name": employee.name,
				"details": f"Hired as {employee.designation}" if employee.designation else "Hired",
				"dedupe_key": f"Employee:{employee.name}:hired",
			}
		)
	return rows


SOURCES: dict[str, callable] = {
	"Communication": communication_rows,
	APPLICANT: job_applicant_rows,
	"Interview": interview_rows,
	"Interview Feedback": interview_feedback_rows,
	"Job Offer": job_offer_rows,
	"Employee": employee_rows,
}


def capture_document(doc) -> None:
	"""Record what this saved document means for its candidate, never raising."""
	builder = SOURCES.get(doc.doctype)
	if not builder:
		return
	try:
		rows = builder([doc.name])
	except Exception:
		frappe.log_error(title=f"recruit_crm: touchpoint capture failed ({doc.doctype})")
		return  # the hourly sweep derives it again from the document

	record_safely(rows, doc.doctype)
