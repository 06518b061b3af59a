"""Interview events: the candidate becomes Interviewing (and back when cancelled), the interview
is a touchpoint, and silver-medalist pools follow the outcome."""

from recruit_crm.integrations.hrms._affected import (
	POOL_UPKEEP_FAILED,
	applications_changed,
	candidate_of_applicant,
	refresh_applicant_candidate,
)
from recruit_crm.integrations.isolation import isolated
from recruit_crm.services.engagement.capture import capture_document
from recruit_crm.services.pipeline import automations, events


def after_insert(doc, method=None) -> None:
	isolated(lambda: events.interview_scheduled(doc), doc, "recruit_crm: pipeline step failed")


def on_update(doc, method=None) -> None:
	refresh_applicant_candidate(doc)


def on_submit(doc, method=None) -> None:
	refresh_applicant_candidate(doc)
	capture_document(doc)


def on_change(doc, method=None) -> None:
	if doc.get("job_applicant"):
		candidate = candidate_of_applicant(doc.job_applicant)
		isolated(lambda: applications_changed([candidate]), doc, POOL_UPKEEP_FAILED)
		# A rescheduled interview (HRMS db_sets the new slot) gets a fresh invitation; the old
		# one's key no longer matches and the sender cancels it. Same slot: nothing new.
		isolated(lambda: automations.interview_scheduled(doc), doc, "recruit_crm: pipeline step failed")


on_cancel = on_update  # a cancelled interview or offer no longer counts: refresh the same way
