"""Interview events move a candidate to Interviewing (and back out when cancelled)."""

import frappe

from recruit_crm.services.candidates import refresh_candidates


def on_update(doc, method=None) -> None:
	_refresh(doc)


def on_submit(doc, method=None) -> None:
	_refresh(doc)


def on_cancel(doc, method=None) -> None:
	_refresh(doc)


def _refresh(doc) -> None:
	if doc.get("job_applicant"):
		refresh_candidates([frappe.db.get_value("Job Applicant", doc.job_applicant, "rc_candidate")])
