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
	REJECTED = "Rejected"
	HOLD = "Hold"
	ACCEPTED = "Accepted"


# Applications still being worked on (HRMS: Open, Replied, Hold), an offer the person accepted
# (Accepted; an Employee record follows), and applications decided against (Rejected). Data of
# anyone with an application in progress or accepted is never anonymised.
OPEN_APPLICATION_STATUSES = (
	ApplicationStatus.OPEN.value,
	ApplicationStatus.REPLIED.value,
	ApplicationStatus.HOLD.value,
)
ACCEPTED_APPLICATION_STATUSES = (ApplicationStatus.ACCEPTED.value,)
ACTIVE_APPLICATION_STATUSES = OPEN_APPLICATION_STATUSES + ACCEPTED_APPLICATION_STATUSES
CLOSED_APPLICATION_STATUSES = (ApplicationStatus.REJECTED.value,)


class EmailFrequency(str, Enum):
	"""How often a candidate wants marketing email (the preference centre)."""

	ANY = "Any"
	WEEKLY = "Weekly"
	MONTHLY = "Monthly"
	IMPORTANT_ONLY = "Important Only"


class TouchpointType(str, Enum):
	"""Every kind of interaction recorded on a candidate's timeline."""

	EMAIL_SENT = "Email Sent"
	EMAIL_DELIVERED = "Email Delivered"
	EMAIL_OPENED = "Email Opened"
	EMAIL_CLICKED = "Email Clicked"
	EMAIL_REPLIED = "Email Replied"
	EMAIL_BOUNCED = "Email Bounced"
	UNSUBSCRIBED = "Unsubscribed"
	CALL = "Call"
	MEETING = "Meeting"
	MESSAGE = "Message"
	EVENT_ATTENDED = "Event Attended"
	PORTAL_VISIT = "Portal Visit"
	FORM_SUBMITTED = "Form Submitted"
	CONTENT_VIEWED = "Content Viewed"
	APPLIED = "Applied"
	INTERVIEWED = "Interviewed"
	OFFER_MADE = "Offer Made"
	OFFER_ACCEPTED = "Offer Accepted"
	OFFER_DECLINED = "Offer Declined"
	HIRED = "Hired"
	NOTE = "Note"


class TouchpointChannel(str, Enum):
	EMAIL = "Email"
	PHONE = "Phone"
	MEETING = "Meeting"
	PORTAL = "Portal"
	WEB = "Web"
	MESSAGING = "Messaging"
	EVENT = "Event"
	HRMS = "HRMS"
	OTHER = "Other"


class TouchpointDirection(str, Enum):
	INBOUND = "Inbound"
	OUTBOUND = "Outbound"
	INTERNAL = "Internal"


class ReadinessStage(str, Enum):
	"""How ready a person is to be approached for a role, derived from engagement."""

	COLD = "Cold"
	WARM = "Warm"
	HOT = "Hot"
	READY = "Ready"


class ConsentPurpose(str, Enum):
	TALENT_POOL = "Talent Pool"
	MARKETING_EMAIL = "Marketing Email"


class LawfulBasis(str, Enum):
	"""What a contact relies on: the person's consent, or the organisation's legitimate interest
	(with a notice in every message and a one-click objection)."""

	CONSENT = "Consent"
	LEGITIMATE_INTEREST = "Legitimate Interest"


class ConsentMethod(str, Enum):
	"""How consent was given or withdrawn."""

	WEB_FORM = "Web Form"
	IMPORT = "Import"
	RECRUITER = "Recruiter"
	EMAIL_REPLY = "Email Reply"
	UNSUBSCRIBE_LINK = "Unsubscribe Link"
	EMAIL_LINK = "Email Link"
	PREFERENCE_CENTRE = "Preference Centre"
	EXPIRY = "Expiry"


# Options of Select fields that code never names one by one: the values, in their order.
POOL_TYPES = ("Manual", "Smart", "System")
SYSTEM_POOL_KINDS = ("Silver Medalists", "Alumni", "Past Applicants", "Talent Community")
POOL_VISIBILITIES = ("Everyone", "Team", "Only Me")
POOL_REBUILD_STATUSES = ("Queued", "Running", "Done", "Failed")
POOL_CHANGES = ("Joined", "Left")
CONTENT_TYPES = ("Video", "Testimonial", "Article")
SIGNUP_STATUSES = ("Pending", "Confirmed", "Expired")
SUBMISSION_STATUSES = ("Pending", "Failed")  # a career-site application not yet a Job Applicant
CAMPAIGN_STATUSES = ("Draft", "Active", "Paused", "Completed")
ENROLLMENT_SOURCES = ("Manual", "Pool", "Rule")
WAIT_UNITS = ("Days", "Hours")
VARIANTS = ("A", "B")
LANGUAGE_PROFICIENCIES = ("Basic", "Conversational", "Fluent", "Native")
