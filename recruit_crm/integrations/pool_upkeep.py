"""Doc events that keep talent pools current as candidates, applications and interviews change.

Each adapter works out which people are affected and hands the batch to the pool services.
A failure is logged and rolled back to a savepoint, never raised: a recruiter saving a Job
Applicant or an Employee must not be blocked by pool upkeep, and the nightly rebuild repairs
whatever a failure left behind.
"""

import frappe

from recruit_crm.services import pools, system_pools


def candidate_on_update(doc, method=None) -> None:
	_safely(lambda: pools.refresh_smart_pools_for([doc.name]), doc)


def job_applicant_on_change(doc, method=None) -> None:
	_safely(lambda: _applications_changed(_applicant_candidates(doc)), doc)


def job_applicant_after_delete(doc, method=None) -> None:
	_safely(lambda: _applications_changed([doc.get("rc_candidate")]), doc)


def interview_on_change(doc, method=None) -> None:
	if doc.get("job_applicant"):
		candidate = frappe.db.get_value("Job Applicant", doc.job_applicant, "rc_candidate")
		_safely(lambda: _applications_changed([candidate]), doc)


def job_opening_on_update(doc, method=None) -> None:
	before = doc.get_doc_before_save()
	if doc.status == "Closed" and (before is None or before.status != "Closed"):
		_safely(
			lambda: system_pools.update_past_applicants(system_pools.candidates_of_opening(doc.name)), doc
		)


def employee_on_update(doc, method=None) -> None:
	_safely(lambda: system_pools.update_alumni([doc.name]), doc)


def exit_interview_on_change(doc, method=None) -> None:
	if doc.get("employee"):
		_safely(lambda: system_pools.update_alumni([doc.employee]), doc)


def before_candidate_merge(source: str, target: str) -> None:
	"""Keep one membership row per pool for the surviving person (unique pool + candidate)."""
	pools.repoint_candidate(source, target)


def _applicant_candidates(doc) -> list[str]:
	affected = {doc.get("rc_candidate")}
	before = doc.get_doc_before_save()
	if before is not None:
		affected.add(before.get("rc_candidate"))
	return [c for c in affected if c]


def _applications_changed(candidates: list[str]) -> None:
	candidates = [c for c in candidates if c]
	if not candidates:
		return
	pools.refresh_smart_pools_for(candidates)
	system_pools.update_silver_medalists(candidates)
	system_pools.update_past_applicants(candidates)


def _safely(fn, doc) -> None:
	savepoint = "rc_pool_upkeep"
	frappe.db.savepoint(savepoint)
	try:
		fn()
	except Exception:
		frappe.db.rollback(save_point=savepoint)
		frappe.log_error(
			title="recruit_crm: talent pool upkeep failed",
			reference_doctype=doc.doctype,
			reference_name=doc.name,
		)
		if frappe.flags.in_test:
			raise
