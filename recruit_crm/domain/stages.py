"""How a person's CRM stage follows from what happens to their applications."""

from __future__ import annotations

from collections.abc import Iterable

from recruit_crm.domain.types import (
	ACCEPTED_APPLICATION_STATUSES,
	ACTIVE_APPLICATION_STATUSES,
	FUNNEL_ORDER,
	CrmStage,
)

_RANK = {stage: i for i, stage in enumerate(FUNNEL_ORDER)}


def funnel_rank(stage: str | CrmStage) -> int:
	"""Position in the funnel; stages outside it (Past Applicant, Not Interested) rank -1."""
	try:
		return _RANK[CrmStage(stage)]
	except ValueError:
		return -1


def advance(current: str | CrmStage, proposed: str | CrmStage) -> CrmStage:
	"""The stage after an automatic event: forward only, never out of Hired.

	Automatic events never pull someone back in the funnel; a recruiter does that by hand.
	Someone who said they are not interested re-enters the funnel only by applying.
	"""
	current, proposed = CrmStage(current), CrmStage(proposed)
	if current == CrmStage.HIRED:
		return current
	if current in (CrmStage.PAST_APPLICANT, CrmStage.NOT_INTERESTED):
		return proposed if funnel_rank(proposed) >= _RANK[CrmStage.APPLIED] else current
	return proposed if funnel_rank(proposed) > funnel_rank(current) else current


def stage_from_applications(
	current: str | CrmStage,
	application_statuses: Iterable[str],
	*,
	has_interview: bool = False,
	has_open_offer: bool = False,
	is_hired: bool = False,
) -> CrmStage:
	"""The stage implied by all of a person's applications taken together.

	- hired beats everything; an accepted offer (HRMS status Accepted) or an open offer means
	  Offered; an interview on a live application means Interviewing; any live application
	  (Open, Replied, Hold) means Applied;
	- when every application is closed without a hire, an applicant becomes a Past Applicant,
	  the people recruiters rediscover later.
	"""
	current = CrmStage(current)
	statuses = [s for s in application_statuses if s]
	if is_hired:
		return CrmStage.HIRED
	if current == CrmStage.HIRED:
		return current
	if not statuses:
		return current
	live = [s for s in statuses if s in ACTIVE_APPLICATION_STATUSES]
	if any(s in ACCEPTED_APPLICATION_STATUSES for s in statuses) or (has_open_offer and live):
		proposed = CrmStage.OFFERED
	elif has_interview and live:
		proposed = CrmStage.INTERVIEWING
	elif live:
		proposed = CrmStage.APPLIED
	else:
		return CrmStage.PAST_APPLICANT if current != CrmStage.NOT_INTERESTED else current
	# A fresh application restarts the funnel for a past applicant; otherwise only move forward.
	if current in (CrmStage.PAST_APPLICANT, CrmStage.NOT_INTERESTED):
		return proposed
	return proposed if funnel_rank(proposed) >= funnel_rank(current) else current
