"""Job Offer events: the candidate becomes Offered; offers made, accepted or declined are touchpoints."""

from recruit_crm.integrations.hrms._affected import refresh_applicant_candidate
from recruit_crm.integrations.isolation import isolated
from recruit_crm.services.engagement.capture import capture_document
from recruit_crm.services.pipeline import events


def after_insert(doc, method=None) -> None:
	isolated(lambda: events.offer_made(doc), doc, "recruit_crm: pipeline step failed")


def on_update(doc, method=None) -> None:
	refresh_applicant_candidate(doc)


def on_change(doc, method=None) -> None:
	refresh_applicant_candidate(doc)
	capture_document(doc)


on_cancel = on_update  # a cancelled interview or offer no longer counts: refresh the same way
