"""Whitelisted candidate endpoints for the desk: thin, permission-checked, typed."""

import frappe
from frappe import _

from recruit_crm.services.candidates import bulk_import, records
from recruit_crm.services.candidates.merge import merge_candidates

CANDIDATE = "RC Candidate"


@frappe.whitelist(methods=["POST"])
def create_job_applicant(candidate: str, job_opening: str) -> dict:
	"""Make the candidate an applicant for a Job Opening; returns the new Job Applicant's name."""
	frappe.get_doc(CANDIDATE, candidate).check_permission("read")
	frappe.has_permission("Job Applicant", "create", throw=True)
	return {"job_applicant": records.create_job_applicant(candidate, job_opening)}


@frappe.whitelist(methods=["POST"])
def merge(source: str, target: str) -> dict:
	"""Merge candidate `source` into `target` (the one that stays)."""
	for name in (source, target):
		if not frappe.db.exists(CANDIDATE, name):
			frappe.throw(_("Candidate {0} does not exist.").format(name), frappe.DoesNotExistError)
	frappe.has_permission(CANDIDATE, "delete", doc=source, throw=True)
	return {"candidate": merge_candidates(source, target)}


@frappe.whitelist()
@frappe.read_only()
def get_summary(job_applicant: str) -> dict:
	"""The CRM summary of the person behind a Job Applicant, for its form."""
	applicant = frappe.get_doc("Job Applicant", job_applicant)
	applicant.check_permission("read")
	if not applicant.get("rc_candidate") or not frappe.has_permission(
		CANDIDATE, "read", doc=applicant.rc_candidate
	):
		return {}
	summary = records.candidate_summary(applicant.rc_candidate)
	summary["other_applications"] = [
		a for a in records.application_summary(applicant.rc_candidate) if a.name != job_applicant
	]
	return summary


@frappe.whitelist(methods=["POST"])
def import_csv(file_url: str, source: str | None = None) -> dict:
	"""Bulk-import candidates from an uploaded CSV File; returns counts and every rejected row."""
	frappe.has_permission(CANDIDATE, "import", throw=True)
	frappe.has_permission(CANDIDATE, "create", throw=True)
	file = frappe.get_doc("File", {"file_url": file_url})
	file.check_permission("read")
	content = file.get_content()
	if isinstance(content, bytes):
		content = content.decode("utf-8-sig")
	report = bulk_import.import_candidates(bulk_import.read_csv(content), source=source)
	return report.as_dict()
