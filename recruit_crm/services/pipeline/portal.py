"""The candidate's "My applications" page: their applications as the pipeline lets them see them,
their upcoming interviews in their own time zone, and withdrawing.

Reached with a signed link (purpose APPLICATIONS, in every pipeline email) or as the signed-in
website user whose email is a candidate's. Everything here is read set-based and names its
columns: interview feedback, ratings, rejection reasons, comments, the recruiter and anything
about other applicants are never selected, so they cannot reach the page.
"""

from dataclasses import dataclass
from datetime import date, datetime

import frappe
from frappe import _
from frappe.utils import get_system_timezone, getdate, now_datetime
from frappe.utils import get_url as site_url

from recruit_crm.domain import calendar
from recruit_crm.domain.candidate_view import stage_view
from recruit_crm.domain.pipeline import MoveSource
from recruit_crm.services.pipeline import transitions, workflow
from recruit_crm.services.pipeline.workflow import APPLICANT
from recruit_crm.services.portal import tokens
from recruit_crm.services.portal.applications import PortalInputError

INTERVIEW = "Interview"
STAGE_SLA = "RC Stage SLA"


def invalid_link() -> str:
	"""The one answer for a missing, forged, expired or someone else's link or item."""
	return _("This link is invalid or has expired.")


def candidate_from_request(token: str | None) -> str | None:
	"""Whose applications this request may see: the candidate of a genuine APPLICATIONS link, else
	the signed-in user's own candidate record (by email). Erased or anonymised people: nobody."""
	if token:
		payload = tokens.read_token(token, tokens.APPLICATIONS)
		if not payload:
			return None
		return frappe.db.get_value("RC Candidate", {"name": payload["s"], "is_anonymized": 0}, "name")
	user = frappe.session.user
	if user and user != "Guest":
		return frappe.db.get_value("RC Candidate", {"email": user.lower(), "is_anonymized": 0}, "name")
	return None


@dataclass(frozen=True)
class Zones:
	system: str  # HRMS stores interview dates and times in it
	candidate: str  # what the candidate reads

	@classmethod
	def of(cls, candidate: str) -> "Zones":
		system = get_system_timezone() or "UTC"
		own = frappe.db.get_value("RC Candidate", candidate, "timezone")
		return cls(system, calendar.zone(own, system).key)


def applications_of(candidate: str, now: datetime | None = None) -> list[dict]:
	"""Each application of the candidate, newest first, as the candidate may see it: job title,
	applied on, stage label, next step, when to expect news, whether they can withdraw, and their
	upcoming interviews (round name and time only). Four queries, whatever the count."""
	now = now or now_datetime()
	field = workflow.state_field()
	rows = frappe.db.sql(
		f"""select ja.name, ja.job_title as opening, jo.job_title as title, ja.creation, ja.status,
			ja.`{field}` as state, ja.rc_stage_entered_at as entered_at
		from `tab{APPLICANT}` ja left join `tabJob Opening` jo on jo.name = ja.job_title
		where ja.rc_candidate = %s order by ja.creation desc""",
		candidate,
		as_dict=True,
	)
	if not rows:
		return []
	pipeline = workflow.current()
	zones = Zones.of(candidate)
	overrides = _overrides({r.opening for r in rows if r.opening})
	interviews = _upcoming_interviews([r.name for r in rows], zones, getdate(now))
	out = []
	for r in rows:
		view = stage_view(pipeline, r.state, r.status, r.entered_at, now, overrides.get(r.opening))
		title = r.title or _("Open application")
		out.append(
			{
				"name": r.name,
				"title": title,
				"applied_on": _day_text(r.creation, zones),
				"label": _(view.label),
				"next_step": _(view.next_step) if view.next_step else "",
				"hear_back_by": _day_text(view.hear_back_by, zones) if view.hear_back_by else "",
				"overdue": view.overdue,
				"closed": view.closed,
				"can_withdraw": bool(view.withdraw_to),
				"interviews": [dict(i, title=title) for i in interviews.get(r.name, [])],
			}
		)
	return out


def _overrides(openings: set[str]) -> dict[str, dict[str, tuple[float | None, float | None]]]:
	"""Each opening's own (ideal, max) days per state."""
	if not openings or not frappe.db.table_exists(STAGE_SLA):
		return {}
	out: dict[str, dict[str, tuple[float | None, float | None]]] = {}
	for r in frappe.db.sql(
		f"""select parent, state, ideal_days, max_days from `tab{STAGE_SLA}`
		where parenttype = 'Job Opening' and parent in %(openings)s""",
		{"openings": sorted(openings)},
		as_dict=True,
	):
		out.setdefault(r.parent, {})[r.state] = (r.ideal_days or None, r.max_days or None)
	return out


def _upcoming_interviews(applicants: list[str], zones: Zones, today: date) -> dict[str, list[dict]]:
	"""Interviews of these applications from today on that are not cancelled, by applicant."""
	out: dict[str, list[dict]] = {}
	for r in frappe.db.sql(
		f"""select name, job_applicant, interview_round, scheduled_on, from_time, to_time
		from `tab{INTERVIEW}`
		where job_applicant in %(applicants)s and docstatus < 2 and status != 'Cancelled'
			and scheduled_on >= %(today)s
		order by scheduled_on, from_time""",
		{"applicants": applicants, "today": today},
		as_dict=True,
	):
		start, end = calendar.interview_window(r.scheduled_on, r.from_time, r.to_time, zones.system)
		local_end = end.astimezone(calendar.zone(zones.candidate))
		out.setdefault(r.job_applicant, []).append(
			{
				"name": r.name,
				"round": r.interview_round or _("Interview"),
				"when": f"{calendar.local_time_text(start, zones.candidate, zones.system)} – {local_end:%H:%M}",
				"start_utc": start.astimezone(calendar.UTC).isoformat(),
				"start": start,
				"end": end,
			}
		)
	return out


def _day_text(moment: datetime | date | None, zones: Zones) -> str:
	"""'Tuesday 3 March 2026' in the candidate's zone (stored times are in the system's)."""
	if moment is None:
		return ""
	if isinstance(moment, datetime):
		aware = moment if moment.tzinfo else moment.replace(tzinfo=calendar.zone(zones.system))
		moment = aware.astimezone(calendar.zone(zones.candidate))
	return f"{moment:%A} {moment.day} {moment:%B %Y}"


def meeting(interview: dict) -> calendar.Meeting:
	"""The calendar entry of an upcoming interview (as `applications_of` lists it)."""
	host = site_url().split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
	return calendar.Meeting(
		uid=f"rc-interview-{interview['name']}@{host}",
		start=interview["start"],
		end=interview["end"],
		summary=_("Interview: {0} ({1})").format(interview["title"], interview["round"]),
		description=_("Your interview for {0}.").format(interview["title"]),
	)


def calendar_links(applications: list[dict], token: str | None) -> None:
	"""Add the Google Calendar and .ics links to each listed interview (the .ics link carries the
	page's own signed link, or relies on the session)."""
	from urllib.parse import urlencode

	for application in applications:
		for interview in application["interviews"]:
			interview["google"] = calendar.google_calendar_link(meeting(interview))
			query = {"interview": interview["name"], **({"t": token} if token else {})}
			interview["ics"] = "/api/method/recruit_crm.api.portal.interview_calendar?" + urlencode(query)


def interview_calendar(candidate: str, interview: str | None) -> tuple[str, str]:
	"""(file name, iCalendar text) of one of the candidate's upcoming interviews; anything else,
	including someone else's interview, gets the same invalid-link error."""
	if isinstance(interview, str) and interview:
		for application in applications_of(candidate):
			for item in application["interviews"]:
				if item["name"] == interview:
					return "interview.ics", calendar.ics(meeting(item), now=datetime.now(calendar.UTC))
	frappe.throw(invalid_link(), PortalInputError)
	raise AssertionError  # unreachable: frappe.throw raises


def withdraw(candidate: str, application: str | None) -> dict:
	"""Withdraw one of the candidate's open applications: the Workflow's transition to its state
	of kind Withdrawn, recorded in the stage history with source Candidate. The same refusal for an
	application that is not theirs, does not exist, or can no longer be withdrawn."""
	refusal = _("This application can no longer be withdrawn here. Reply to our last email instead.")
	pipeline = workflow.current()
	if not pipeline or not isinstance(application, str) or not application:
		frappe.throw(refusal, PortalInputError)
	field = workflow.state_field()
	rows = frappe.db.sql(
		f"""select name, `{field}` as state, status from `tab{APPLICANT}`
		where name = %s and rc_candidate = %s for update""",
		(application, candidate),
		as_dict=True,
	)
	view = stage_view(pipeline, rows[0].state, rows[0].status, None, now_datetime()) if rows else None
	if not view or not view.withdraw_to:
		frappe.throw(refusal, PortalInputError)
	result = transitions.move(
		[rows[0].name],
		view.withdraw_to,
		user=frappe.session.user,
		source=MoveSource.CANDIDATE,
		check_roles=False,
	)
	if not result.moved:
		frappe.throw(refusal, PortalInputError)
	after = stage_view(pipeline, view.withdraw_to, None, None, now_datetime())
	return {
		"message": _("Your application is withdrawn. Thank you for letting us know."),
		"label": _(after.label),
		"next_step": _(after.next_step) if after.next_step else "",
	}


def page_context(candidate: str, token: str | None) -> dict:
	"""Everything the page shows for this candidate."""
	applications = applications_of(candidate)
	calendar_links(applications, token)
	zones = Zones.of(candidate)
	return {
		"email": frappe.db.get_value("RC Candidate", candidate, "email"),
		"applications": applications,
		"timezone": zones.candidate,
		"preferences_url": tokens.preferences_url(candidate),
	}
