"""Time to hire and time to fill, by department or opening, with the monthly trend.

A hire is an application's first entry into a Hired-kind pipeline state, in the period.
Time to hire: from the application's creation to that entry. Time to fill: from the opening's
posting date (its creation when it has none) to its first hire in the period.
"""

from __future__ import annotations

from collections import defaultdict

import frappe

from recruit_crm.domain import analytics
from recruit_crm.services.analytics._filters import APPLICANT, STAGE, applicant_filters

GROUPS = {"Department": "jo.department", "Job Opening": "ja.job_title"}
NOT_SET = "(not set)"


def _hires_sql(where: str, group: str) -> str:
	"""One row per hire: its group, hire time, days to hire and the opening's posting time."""
	return f"""select coalesce(nullif({group}, ''), %(not_set)s) as grp, ja.job_title as opening,
			h.hired_at, timestampdiff(second, ja.creation, h.hired_at) / 86400.0 as tth,
			coalesce(jo.posted_on, jo.creation) as posted
		from (select s.job_applicant, min(s.entered_at) as hired_at from `tab{STAGE}` s
			where s.stage_kind = 'Hired' group by s.job_applicant) h
		join `tab{APPLICANT}` ja on ja.name = h.job_applicant
		left join `tabJob Opening` jo on jo.name = ja.job_title
		where h.hired_at >= %(from)s and h.hired_at < %(to)s and {where}"""


def time_to_hire(filters: dict) -> dict:
	"""Rows per group (hires, median and mean days to hire, median days to fill) and the trend.

	One query returns one row per hire (hires are few next to applications) as plain tuples; the
	medians are taken in Python by the domain's `median`, the same rule every report uses.
	"""
	group = GROUPS.get(filters.get("group_by") or "Department", GROUPS["Department"])
	f = applicant_filters(filters, date_column="")
	hires = frappe.db.sql(
		f"""select x.grp, x.opening, date_format(x.hired_at, '%%Y-%%m'), x.tth, x.posted, x.hired_at
		from ({_hires_sql(f.where, group)}) x""",
		{**f.params, "not_set": NOT_SET},
	)
	by_group: dict[str, list] = defaultdict(list)
	first_hire: dict[tuple[str, str], tuple] = {}
	by_month: dict[str, list] = defaultdict(list)
	for grp, opening, month, tth, posted, hired_at in hires:
		by_group[grp].append(float(tth))
		by_month[month].append(float(tth))
		if opening:
			first = first_hire.get((grp, opening))
			first_hire[(grp, opening)] = (
				(min(first[0], posted), min(first[1], hired_at)) if first else (posted, hired_at)
			)
	fill: dict[str, list] = defaultdict(list)
	for (grp, _opening), (posted, hired_at) in first_hire.items():
		fill[grp].append(analytics.days_between(posted, hired_at))
	rows = [
		frappe._dict(
			grp=grp,
			hires=len(days),
			median_days_to_hire=_round(analytics.median(days)),
			mean_days_to_hire=_round(sum(days) / len(days)),
			median_days_to_fill=_round(analytics.median(fill.get(grp, []))),
		)
		for grp, days in sorted(by_group.items())
	]
	trend = [
		frappe._dict(month=month, hires=len(days), median_days=_round(analytics.median(days)))
		for month, days in sorted(by_month.items())
	]
	return {"rows": rows, "trend": trend}


def _round(value) -> float | None:
	return round(float(value), 2) if value is not None else None
