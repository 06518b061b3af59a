"""Domain constants shared by doctypes, services and tests.

Select options in the doctype JSON use exactly these values.
"""

from __future__ import annotations

from enum import Enum


class CrmStage(str, Enum):
	"""Where a person stands in the relationship, independent of any one application."""

	PROSPECT = "Prospect"
	CONTACTED = "Contacted"
	ENGAGED = "Engaged"
	APPLIED = "Applied"
	INTERVIEWING = "Interviewing"
	OFFERED = "Offered"
	HIRED = "Hired"
	PAST_APPLICANT = "Past Applicant"
	NOT_INTERESTED = "Not Interested"


# Order in which automatic progress may move a person forward. Past Applicant and
# Not Interested sit outside the funnel: only explicit events move people there.
FUNNEL_ORDER: tuple[CrmStage, ...] = (
	CrmStage.PROSPECT,
	CrmStage.CONTACTED,
	CrmStage.ENGAGED,
	CrmStage.APPLIED,
	CrmStage.INTERVIEWING,
	CrmStage.OFFERED,
	CrmStage.HIRED,
)


class EducationLevel(str, Enum):
	NONE = "None"
	SECONDARY = "Secondary"
	VOCATIONAL = "Vocational"
	ASSOCIATE = "Associate"
	BACHELOR = "Bachelor"
	MASTER = "Master"
	DOCTORATE = "Doctorate"


EDUCATION_RANK: dict[str, int] = {level.value: rank for rank, level in enumerate(EducationLevel)}


class Proficiency(str, Enum):
	BEGINNER = "Beginner"
	INTERMEDIATE = "Intermediate"
	ADVANCED = "Advanced"
	EXPERT = "Expert"


PROFICIENCY_RANK: dict[str, int] = {level.value: rank + 1 for rank, level in enumerate(Proficiency)}


class ApplicationStatus(str, Enum):
	"""HRMS Job Applicant.status values."""

	OPEN = "Open"
	REPLIED = "Replied"
	HOLD = "Hold"
	ACCEPTED = "Accepted"
	REJECTED = "Rejected"
