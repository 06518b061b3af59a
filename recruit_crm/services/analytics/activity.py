"""Recruiter activity: personal touches per recruiter, and how fast new applicants hear from us.

A touch is a touchpoint someone on our side made (it names a recruiter), other than an internal
note: calls, meetings, messages and emails. First response: for each application created in the
period, the time from its creation to the first such touch on its candidate; the median is taken
over the applications that got one (the rest are counted as not yet answered). Each application
carries the time of that touch (`rc_first_response_at`, kept by `services.engagement.first_response`
as touchpoints are recorded), so first responses are a scan of the applications.
"""

from __future__ import annotations

import frappe

from recruit_crm.domain import analytics
from recruit_crm.domain.types import TouchpointType
from recruit_crm.services.analytics._filters import APPLICANT, applicant_filters, period_of
from recruit_crm.services.engagement.first_response import FIELD as FIRST_RESPONSE_FIELD

TOUCHPOINT = "RC Touchpoint"
NO_RECRUITER = "(unassigned)"
HOUR = 3600  # seconds: response times are first counted per hour
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
	params = {**f.params, "none": NO_RECRUITER}
	applications = f"""select coalesce(nullif(ja.rc_recruiter, ''), %(none)s) as recruiter,
			timestampdiff(second, ja.creation, ja.{FIRST_RESPONSE_FIELD}) as seconds
		from `tab{APPLICANT}` ja left join `tabJob Opening` jo on jo.name = ja.job_title
		where {f.where}"""
	totals: dict[str, int] = {}
	answered: dict[str, list[tuple[int, int]]] = {}  # per recruiter: (hour, applications)
	for recruiter, hour, count in frappe.db.sql(
		f"""select x.recruiter, x.seconds div {HOUR} as hour, count(*) from ({applications}) x
		group by x.recruiter, hour order by x.recruiter, hour""",
		params,
	):
		totals[recruiter] = totals.get(recruiter, 0) + int(count)
		if hour is not None:
			answered.setdefault(recruiter, []).append((int(hour), int(count)))
	medians = _median_hours(applications, params, answered)
	return [
		frappe._dict(
			recruiter=recruiter,
			applications=total,
			answered=sum(count for _hour, count in answered.get(recruiter, ())),
			median_hours=medians.get(recruiter),
		)
		for recruiter, total in totals.items()
	]


def _median_hours(
	applications: str, params: dict, answered: dict[str, list[tuple[int, int]]]
) -> dict[str, float]:
	"""Each recruiter's median hours to the first response, read from the one or two hours of
	response time that hold the middle values (one scan for every recruiter), then interpolated
	by MariaDB's `median()` as it would over all of them."""
	windows, conditions, bound = {}, [], dict(params)
	for i, (recruiter, hours) in enumerate(answered.items()):
		middle = analytics.middle_values(hours)
		if middle is None:
			continue
		windows[recruiter] = middle
		conditions.append(f"(x.recruiter = %(r{i})s and x.seconds >= %(low{i})s and x.seconds < %(high{i})s)")
		bound[f"r{i}"] = recruiter
		bound[f"low{i}"], bound[f"high{i}"] = analytics.div_bucket_bounds(
			middle.first_bucket, middle.last_bucket, HOUR
		)
	if not conditions:
		return {}
	near: dict[str, list[int]] = {}
	for recruiter, seconds in frappe.db.sql(
		f"""select x.recruiter, x.seconds from ({applications}) x where {" or ".join(conditions)}
		order by x.recruiter, x.seconds""",
		bound,
	):
		near.setdefault(recruiter, []).append(seconds)
	middles = [
		(recruiter, seconds)
		for recruiter, middle in windows.items()
		for seconds in near.get(recruiter, [])[middle.skip : middle.skip + middle.take]
	]
	values = {}
	for i, (recruiter, seconds) in enumerate(middles):
		values[f"mr{i}"], values[f"ms{i}"] = recruiter, seconds
	union = " union all ".join(
		f"select %(mr{i})s as recruiter, %(ms{i})s as seconds" for i in range(len(middles))
	)
	return {
		recruiter: round(float(hours), 2)
		for recruiter, hours in frappe.db.sql(
			f"""select distinct m.recruiter, median(m.seconds / 3600.0) over (partition by m.recruiter)
			from ({union}) m""",
			values,
		)
	}
