"""Which candidates an HRMS document's change touches."""

import frappe

from recruit_crm.services.candidates.records import refresh_candidates
from recruit_crm.services.pools.upkeep import applications_changed

__all__ = [
	"POOL_UPKEEP_FAILED",
	"applications_changed",
	"candidate_of_applicant",
	"refresh_applicant_candidate",
]

POOL_UPKEEP_FAILED = "recruit_crm: talent pool upkeep failed"


def candidate_of_applicant(job_applicant: str | None) -> str | None:
	return frappe.db.get_value("Job Applicant", job_applicant, "rc_candidate") if job_applicant else None


def refresh_applicant_candidate(doc) -> None:
	"""A document with a `job_applicant` Link changed: refresh that person's CRM facts."""
	if doc.get("job_applicant"):
		refresh_candidates([candidate_of_applicant(doc.job_applicant)])
