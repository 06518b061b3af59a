"""Retention: who is anonymised when, and the daily run that does it."""

from datetime import datetime

import frappe
from frappe.utils import add_days, cint, get_datetime, getdate, today

from recruit_crm.domain.consent import RetentionFacts, retention_due_on
from recruit_crm.domain.types import ACTIVE_APPLICATION_STATUSES, CLOSED_APPLICATION_STATUSES
from recruit_crm.services.compliance.consent import expire_lapsed_consents
from recruit_crm.services.compliance.erasure import anonymise_candidate
from recruit_crm.services.compliance.footprint import CANDIDATE


def retention_months() -> int:
	value = frappe.db.get_single_value("RC Settings", "retention_months")
	return 6 if value is None else cint(value)


def retention_facts(candidates: list[str] | None = None) -> list[tuple[str, RetentionFacts]]:
	"""Facts retention decides on, for every candidate without valid consent (or only these), set-based.

	An application in progress or an accepted offer keeps the data (`has_open_application`). The
	last decision is the latest of: an application rejected, consent withdrawn or lapsed; failing
	both, when the candidate was created.
	"""
	params: dict = {
		"closed": CLOSED_APPLICATION_STATUSES,
		"open": ACTIVE_APPLICATION_STATUSES,
		"today": today(),
	}
	only = ""
	if candidates is not None:
		if not candidates:
			return []
		only = "and c.name in %(names)s"
		params["names"] = candidates
	rows = frappe.db.sql(
		f"""select c.name, c.is_anonymized, c.has_pool_consent, c.consent_expires_on, c.creation,
			c.crm_stage,
			apps.open_count, apps.last_closed_at, apps.hired_count, consent.last_consent_end
		from `tabRC Candidate` c
		left join (
			select ja.rc_candidate,
				sum(ja.status in %(open)s) as open_count,
				max(if(ja.status in %(closed)s, ja.modified, null)) as last_closed_at,
				count(e.name) as hired_count
			from `tabJob Applicant` ja
			left join `tabEmployee` e on e.job_applicant = ja.name
			where ja.rc_candidate is not null
			group by ja.rc_candidate
		) apps on apps.rc_candidate = c.name
		left join (
			select candidate, max(case when withdrawn_at is not null then withdrawn_at
				when expires_on < %(today)s then expires_on end) as last_consent_end
			from `tabRC Consent` group by candidate
		) consent on consent.candidate = c.name
		where c.is_anonymized = 0 and c.has_pool_consent = 0 and c.has_marketing_consent = 0 {only}""",
		params,
		as_dict=True,
	)
	result = []
	for row in rows:
		decisions = [get_datetime(d) for d in (row.last_closed_at, row.last_consent_end) if d]
		last_decision = max(decisions) if decisions else get_datetime(row.creation)
		result.append(
			(
				row.name,
				RetentionFacts(
					has_valid_consent=False,  # only people without valid consent are selected
					has_open_application=bool(cint(row.open_count)),
					is_hired=bool(cint(row.hired_count)) or row.crm_stage == "Hired",
					is_anonymized=bool(row.is_anonymized),
					last_decision_at=last_decision,
				),
			)
		)
	return result


def retention_schedule(
	within_days: int = 30, on: datetime | None = None, candidates: list[str] | None = None
) -> list[dict]:
	"""Who will be anonymised within `within_days` (overdue first), with the reason and date."""
	months = retention_months()
	horizon = getdate(add_days(on or today(), within_days))
	due = []
	for name, facts in retention_facts(candidates):
		due_on, reason = retention_due_on(facts, months)
		if due_on and due_on <= horizon:
			due.append(
				{
					"candidate": name,
					"due_on": due_on,
					"reason": reason,
					"last_decision_at": facts.last_decision_at,
				}
			)
	return sorted(due, key=lambda r: (r["due_on"], r["candidate"]))


def anonymise_due(candidates: list[str] | None = None, limit: int = 2000, commit_each: bool = True) -> dict:
	"""Anonymise everyone (or these candidates) whose retention period is over.

	With `commit_each`, every person is committed on their own, so one failure undoes nobody else.
	"""
	anonymised, failed = 0, 0
	for row in retention_schedule(within_days=0, candidates=candidates)[:limit]:
		savepoint = "rc_anonymise"
		frappe.db.savepoint(savepoint)
		try:
			anonymise_candidate(row["candidate"])
			anonymised += 1
		except Exception:
			frappe.db.rollback(save_point=savepoint)
			failed += 1
			frappe.log_error(title="recruit_crm: retention anonymisation failed", reference_doctype=CANDIDATE)
		if commit_each:
			frappe.db.commit()  # nosemgrep: each person is complete on their own
	return {"anonymised": anonymised, "failed": failed}


def run_retention() -> dict:
	"""Lapse expired consent, then anonymise everyone due."""
	expire_lapsed_consents()
	return anonymise_due()
