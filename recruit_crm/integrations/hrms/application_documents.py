"""Interview, Job Offer and Employee events: the candidate's stage follows its applications.

An interview moves a person to Interviewing (and back out when cancelled), an offer to Offered,
an Employee created from an applicant to Hired. All three only need the candidate refreshed.
"""

import frappe

from recruit_crm.services.candidates import refresh_candidates


def refresh_applicant_candidate(doc, method=None) -> None:
	"""Doc event for any document with a `job_applicant` Link: refresh that person's CRM facts."""
	if doc.get("job_applicant"):
		refresh_candidates([frappe.db.get_value("Job Applicant", doc.job_applicant, "rc_candidate")])
