"""The demo's touchpoints and consent ledger, written set-based.

Touchpoints go through the one write path (`touchpoints.record_many`, scores left to one
recompute at the end); applications are recorded by the capture rule for Job Applicants, with
its keys, so the hourly capture sweep finds them already counted. Consent rows are the ledger;
the candidate flags are derived from it by `consent.sync_flags`, as everywhere else.
"""

import time

import frappe

from recruit_crm.domain.demo_history import APPLIED
from recruit_crm.domain.naming import sortable_names
from recruit_crm.domain.types import ConsentMethod
from recruit_crm.services._sql import SideWriter, multi_row_insert
from recruit_crm.services.compliance import consent
from recruit_crm.services.engagement.capture import job_applicant_rows
from recruit_crm.services.engagement.touchpoints import record_batches, record_many

APPLICANT = "Job Applicant"
CHUNK = 5000
RECORD_CHUNK = 50_000
USER_AGENTS = (
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
	"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36",
)  # fmt: skip
# Documentation address blocks (RFC 5737): evidence that looks real and belongs to nobody.
IP_BLOCKS = ("192.0.2", "198.51.100", "203.0.113")


def record_histories(people, masters, contents: list[tuple[str, str]], applicants: dict) -> int:
	"""Every touchpoint of the people's histories except applications. Returns how many were written.

	`applicants` names the set-based applications ({(person number, index): Job Applicant}): their
	interviews, offers and hires are recorded against them. Those of applications worked as HRMS
	documents are left out; the capture rules record them from the documents. The rows are made
	batch by batch while the previous batch is written (`record_batches`).
	"""
	return record_batches(_history_rows(people, masters.openings, contents, applicants))


def _history_rows(people, openings: list[str], contents: list[tuple[str, str]], applicants: dict):
	"""The touchpoint rows of `record_histories`, in batches of about `RECORD_CHUNK`. Touches no
	database: it runs in the writer's producer thread."""
	rows = []
	for person in people:
		if not person.name:
			continue
		candidate = person.name
		recruiter = person.row.get("recruiter")
		number = person.number
		for t in person.history.touches:
			if t.kind == APPLIED:
				continue  # recorded from the Job Applicant itself
			applicant = None
			if t.application is not None:
				applicant = applicants.get((number, t.application))
				if applicant is None:
					continue  # worked in HRMS
			content = contents[t.content] if t.content is not None and contents else None
			rows.append(
				{
					"candidate": candidate,
					"touchpoint_type": t.kind,
					"occurred_at": t.at,
					"channel": t.channel,
					"direction": t.direction,
					"recruiter": recruiter if t.by_recruiter else None,
					"job_opening": openings[t.opening] if t.opening is not None else None,
					"job_applicant": applicant,
					"reference_doctype": "RC Content" if content else APPLICANT if applicant else None,
					"reference_name": content[0] if content else applicant,
					"details": content[1] if content else t.details,
				}
			)
		if len(rows) >= RECORD_CHUNK:
			yield rows
			rows = []
	yield rows


def record_applications(applicants: list[str]) -> int:
	"""Applied touchpoints of applicants written set-based, built by the Job Applicant capture rule."""
	written = 0
	for start in range(0, len(applicants), CHUNK):
		written += record_many(
			job_applicant_rows(applicants[start : start + CHUNK]), update_scores=False, recompute_follows=True
		)
	return written


def write_consents(people, rnd, writer: SideWriter | None = None) -> int:
	"""The consent ledger, with evidence (on `writer`'s connection when given). Returns rows
	written. `sync_consents` then sets the candidates' flags from it, once it is committed."""
	user = frappe.session.user
	values = []
	for person in people:
		if not person.name:
			continue
		for c in person.history.consents:
			web = c.method in (ConsentMethod.WEB_FORM.value, ConsentMethod.EMAIL_LINK.value)
			values.append(
				(
					person.name, c.purpose, c.method, c.given_at, c.expires_on, c.withdrawn_at, c.withdrawal_method,
					c.form, f"{rnd.choice(IP_BLOCKS)}.{rnd.randint(1, 254)}" if web else None,
					rnd.choice(USER_AGENTS) if web else None,
					None if web else "Recorded by the candidate's recruiter",
					None if web else person.row.get("recruiter"), c.given_at, c.withdrawn_at or c.given_at,
					user, user,
				)
			)  # fmt: skip
	names = sortable_names(len(values), int(time.time() * 1000))
	multi_row_insert(
		"RC Consent",
		("name", "candidate", "purpose", "method", "given_at", "expires_on", "withdrawn_at", "withdrawal_method",
			"evidence_form", "ip_address", "user_agent", "evidence_note", "recorded_by", "creation", "modified",
			"owner", "modified_by"),
		[(name, *row) for name, row in zip(names, values, strict=True)],
		writer=writer,
	)  # fmt: skip
	return len(values)


def sync_consents(people) -> None:
	"""The candidates' consent flags from their ledger; Do Not Contact unsubscribes them."""
	candidates = [p.name for p in people if p.name]
	for start in range(0, len(candidates), CHUNK):
		consent.sync_flags(candidates[start : start + CHUNK])
	now = frappe.utils.now_datetime()
	_unsubscribe_do_not_contact(
		[p for p in people if p.name and p.history.do_not_contact], now, frappe.session.user
	)


def _unsubscribe_do_not_contact(people, now, user) -> None:
	"""Do Not Contact also stops Frappe's own mail to the address (as `consent.apply_do_not_contact`)."""
	names = sortable_names(len(people), int(time.time() * 1000))
	multi_row_insert(
		"Email Unsubscribe",
		("name", "email", "global_unsubscribe", "reference_doctype", "reference_name", "creation", "modified",
			"owner", "modified_by"),
		[(n, p.row["email"], 1, "RC Candidate", p.name, now, now, user, user) for n, p in zip(names, people, strict=True)],
	)  # fmt: skip
