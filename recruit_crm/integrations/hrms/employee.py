"""An Employee created from a Job Applicant is a hire."""

import frappe

from recruit_crm.services.candidates import refresh_candidates


def after_insert(doc, method=None) -> None:
	if doc.get("job_applicant"):
		refresh_candidates([frappe.db.get_value("Job Applicant", doc.job_applicant, "rc_candidate")])
