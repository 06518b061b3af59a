"""Employee events: an employee created from an applicant makes the candidate Hired (a
touchpoint too); leaving makes them alumni."""

from recruit_crm.integrations.hrms._affected import POOL_UPKEEP_FAILED, refresh_applicant_candidate
from recruit_crm.integrations.isolation import isolated
from recruit_crm.services.engagement.capture import capture_document
from recruit_crm.services.pools import system


def after_insert(doc, method=None) -> None:
	refresh_applicant_candidate(doc)
	capture_document(doc)


def on_change(doc, method=None) -> None:
	isolated(lambda: system.update_alumni([doc.name]), doc, POOL_UPKEEP_FAILED)
