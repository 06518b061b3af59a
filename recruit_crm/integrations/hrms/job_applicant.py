"""Job Applicant events: every application belongs to one candidate; stage, pools and
touchpoints follow it."""

import frappe

from recruit_crm.integrations.hrms._affected import POOL_UPKEEP_FAILED, applications_changed
from recruit_crm.integrations.isolation import isolated
from recruit_crm.services.candidates.records import link_job_applicant, refresh_candidates
from recruit_crm.services.engagement import first_response
from recruit_crm.services.engagement.capture import capture_document
from recruit_crm.services.pipeline import events, stay_facts

PIPELINE_FAILED = "recruit_crm: pipeline step failed"


def before_insert(doc, method=None) -> None:
	"""Store the email trimmed and lower-case before HRMS names the applicant after it.

	HRMS names applicants by email and checks for an existing name before MariaDB trims it, so
	" Jane@x.org" next to "jane@x.org" would otherwise fail with a duplicate primary key.
	"""
	if doc.get("email_id"):
		doc.email_id = doc.email_id.strip().lower()


def validate(doc, method=None) -> None:
	"""Link the applicant to its candidate before the row is written.

	A failure here must not lose the application (it may be a guest's web-form submission):
	it is logged, and the hourly backfill links the applicant later.
	"""
	try:
		link_job_applicant(doc)
	except Exception:
		frappe.log_error(title="recruit_crm: could not link Job Applicant", reference_doctype="Job Applicant")
	events.keep_status_in_step(doc)


def after_insert(doc, method=None) -> None:
	capture_document(doc)
	# The pipeline must never lose an application: a failure is logged, the applicant is kept.
	isolated(lambda: events.application_created(doc), doc, PIPELINE_FAILED)


def on_update(doc, method=None) -> None:
	refresh_candidates(_affected(doc))
	isolated(lambda: events.application_updated(doc), doc, PIPELINE_FAILED)
	# What the reports read, copied from the application (also on insert, after its recruiter).
	stay_facts.application_changed(doc)
	first_response.application_changed(doc)


def on_change(doc, method=None) -> None:
	# db_set (used when an incoming email reopens an applicant) fires on_change without on_update.
	if not doc.flags.in_insert:
		refresh_candidates(_affected(doc))
	isolated(lambda: applications_changed(_affected(doc)), doc, POOL_UPKEEP_FAILED)


def after_delete(doc, method=None) -> None:
	stay_facts.application_deleted(doc.name)
	refresh_candidates([doc.get("rc_candidate")])
	isolated(lambda: applications_changed([doc.get("rc_candidate")]), doc, POOL_UPKEEP_FAILED)


def _affected(doc) -> list[str]:
	before = doc.get_doc_before_save()
	affected = {doc.get("rc_candidate")}
	if before and before.get("rc_candidate"):
		affected.add(before.get("rc_candidate"))
	return sorted(c for c in affected if c)
