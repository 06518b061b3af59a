"""Recruiter activity: personal touches per recruiter, and how fast new applicants hear from us.

A touch is a touchpoint someone on our side made (it names a recruiter), other than an internal
note: calls, meetings, messages and emails. First response: for each application created in the
period, the time from its creation to the first such touch on its candidate; the median is taken
over the applications that got one (the rest are counted as not yet answered).
"""

from __future__ import annotations

import frappe

from recruit_crm.domain import analytics
from recruit_crm.domain.types import TouchpointType
from recruit_crm.services.analytics._filters import APPLICANT, applicant_filters, period_of

TOUCHPOINT = "RC Touchpoint"
NO_RECRUITER = "(unassigned)"
PERSONAL_SQL = "t.recruiter is not null and t.recruiter != '' and t.touchpoint_type != %(note)s"


def activity(filters: dict) -> list[dict]:
	"""One row per recruiter: touches by kind and the first-response figures."""
	period = period_of(filters, default_days=30)
	params = {"from": period.start, "to": period.end, "note": TouchpointType.NOTE.value}
	where = f"{PERSONAL_SQL} and t.occurred_at >= %(from)s and t.occurred_at < %(to)s"
	if filters.get("recruiter"):
		where += " and t.recruiter = %(recruiter)s"
		params["recruiter"] = filters["recruiter"]
	if filters.get("job_opening"):
		where += " and t.job_opening = %(job_opening)s"
		params["job_opening"] = filters["job_opening"]
	rows = {
		r.recruiter: r
		for r in frappe.db.sql(
			f"""select t.recruiter, count(*) as touches,
				count(distinct t.candidate) as candidates,
				sum(t.touchpoint_type = 'Call') as calls,
				sum(t.touchpoint_type = 'Meeting') as meetings,
				sum(t.touchpoint_type = 'Message') as messages,
				sum(t.touchpoint_type like 'Email%%') as emails
			from `tab{TOUCHPOINT}` t where {where} group by t.recruiter""",
			params,
			as_dict=True,
		)
	}
	for r in first_response(filters):
		row = rows.setdefault(
			r.recruiter,
			frappe._dict(
				recruiter=r.recruiter, touches=0, candidates=0, calls=0, meetings=0, messages=0, emails=0
			),
		)
		row.update(
			new_applications=r.applications, answered=r.answered, median_first_response_hours=r.median_hours
		)
	out = []
	for key in sorted(rows, key=lambda k: (k == NO_RECRUITER, k)):
		r = rows[key]
		for col in (
			"touches",
			"candidates",
			"calls",
			"meetings",
			"messages",
			"emails",
			"new_applications",
			"answered",
		):
			r[col] = int(r.get(col) or 0)
		r.setdefault("median_first_response_hours", None)
		r.answered_share = analytics.rate(r.answered, r.new_applications)
		out.append(r)
	return out


def first_response(filters: dict) -> list[dict]:
	"""Per owning recruiter of the applications created in the period: how many, how many were
	answered, and the median hours to the first personal touch."""
	f = applicant_filters(filters)
	params = {**f.params, "note": TouchpointType.NOTE.value, "none": NO_RECRUITER}
	# One row per application (grouped, so MariaDB materialises it: merged into the outer query,
	# the first-touch lookup would run again inside the window's sort key, once per row).
	rows = frappe.db.sql(
		f"""select distinct x.recruiter,
			count(*) over (partition by x.recruiter) as applications,
			count(x.hours) over (partition by x.recruiter) as answered,
			median(x.hours) over (partition by x.recruiter) as median_hours
		from (
			select coalesce(nullif(ja.rc_recruiter, ''), %(none)s) as recruiter,
				timestampdiff(second, ja.creation, min(t.occurred_at)) / 3600.0 as hours
			from `tab{APPLICANT}` ja left join `tabJob Opening` jo on jo.name = ja.job_title
				left join `tab{TOUCHPOINT}` t on t.candidate = ja.rc_candidate
					and t.occurred_at >= ja.creation and {PERSONAL_SQL}
			where {f.where}
			group by ja.name
		) x""",
		params,
		as_dict=True,
	)
	for r in rows:
		r.applications = int(r.applications)
		r.answered = int(r.answered)
		r.median_hours = round(float(r.median_hours), 2) if r.median_hours is not None else None
	return rows
