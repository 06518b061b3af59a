"""Who belongs in the app's own pools, and the reason shown for each membership.

Pure decisions over facts the service reads from HRMS documents.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class ApplicationFacts:
	"""One Job Applicant with what its interviews say."""

	job_applicant: str
	status: str | None
	opening_title: str | None = None
	designation: str | None = None
	opening_status: str | None = None
	interview_count: int = 0
	interview_rounds: tuple[str, ...] = ()
	rejected_in_interview: bool = False
	best_rating: float | None = None  # 0..1, HRMS Rating
	applied_on: date | None = None


def silver_medalist_reason(
	applications: list[ApplicationFacts], *, min_rating: float, any_interview_counts: bool
) -> str | None:
	"""Why this person is a silver medalist, or None.

	A silver medalist was turned down (application Rejected, or an interview Rejected) after
	reaching an interview round (when `any_interview_counts`), or with a best interview rating
	at or above `min_rating`. A person hired since (an Accepted application) is not one.
	"""
	if any(a.status == "Accepted" for a in applications):
		return None
	best: tuple[float, str] | None = None
	for a in applications:
		if not (a.status == "Rejected" or a.rejected_in_interview):
			continue
		what = a.opening_title or a.designation or a.job_applicant
		rating = a.best_rating
		if rating is not None and rating > 0 and rating >= min_rating:
			reason = f"Rejected for {what} with interview rating {stars(rating)}"
			candidate = (2.0 + rating, reason)
		elif any_interview_counts and a.interview_count:
			rounds = ", ".join(a.interview_rounds) if a.interview_rounds else "an interview round"
			reason = f"Rejected for {what} after {rounds}"
			candidate = (1.0 + (rating or 0), reason)
		else:
			continue
		if best is None or candidate[0] > best[0]:
			best = candidate
	return best[1] if best else None


def stars(rating: float) -> str:
	"""HRMS stores ratings as 0..1; people read them as stars out of 5."""
	return f"{round(rating * 5, 1):g}/5"


@dataclass(frozen=True)
class EmployeeFacts:
	employee: str
	status: str | None
	relieving_date: date | None
	is_eligible_for_rehire: bool
	designation: str | None = None
	exit_confirmed: bool | None = None  # Exit Interview outcome when there is one


def alumni_reason(employee: EmployeeFacts) -> str | None:
	"""Why this former employee is in the Alumni pool, or None.

	Alumni have status Left with a relieving date, are eligible for rehire, and were not
	retained by their exit interview.
	"""
	if employee.status != "Left" or not employee.relieving_date:
		return None
	if not employee.is_eligible_for_rehire or employee.exit_confirmed is False:
		return None
	role = f" as {employee.designation}" if employee.designation else ""
	return f"Left on {employee.relieving_date.isoformat()}{role}; eligible for rehire"


def alumni_leave_reason(employee: EmployeeFacts) -> str:
	"""Why someone is no longer in the Alumni pool."""
	if employee.status in ("Active", "Inactive", "Suspended"):
		return f"Employee is {employee.status} again"
	if not employee.is_eligible_for_rehire:
		return "Marked not eligible for rehire"
	if employee.exit_confirmed is False:
		return "Retained after exit interview"
	return "No longer a former employee"


def past_applicant_reason(application: ApplicationFacts) -> str | None:
	"""Why an application makes its person a past applicant of its designation, or None.

	An application is past when it was rejected, or its opening closed without hiring them.
	"""
	if not application.designation:
		return None
	what = application.opening_title or application.designation
	when = f" on {application.applied_on.isoformat()}" if application.applied_on else ""
	if application.status == "Rejected":
		return f"Applied for {what}{when}; not selected"
	if application.opening_status == "Closed" and application.status != "Accepted":
		return f"Applied for {what}{when}; opening closed"
	return None
