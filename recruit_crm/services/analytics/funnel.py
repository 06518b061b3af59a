"""Recruitment funnel: how many applications entered each pipeline state, how many went on to the
next, how many dropped off, and how long they stayed.

The cohort is the applications created in the period (and matching the other filters); an
application counts once per state however often it re-entered it. Time in state is measured on
stays that ended, so an application waiting today does not shorten the median.

Only the stage history is read: each stay carries its application's date and filter fields, its
own duration and whether it is the application's first in its state (`services.pipeline.stay_facts`).
One pass counts, per state and hour of duration, first entries and ended stays; the median of each
state is then read from the one or two hours that hold its middle values, and interpolated by
MariaDB's own `median()` as before. No pass sorts every stay.
"""

from __future__ import annotations

import frappe

from recruit_crm.domain import analytics
from recruit_crm.domain.pipeline import StageKind
from recruit_crm.services.analytics._filters import APPLICANT, STAGE, applicant_filters, stay_filters
from recruit_crm.services.pipeline import workflow

HOUR = 3600  # seconds: ended stays are counted per hour of duration
FORWARD_KINDS = (
	StageKind.APPLIED,
	StageKind.SCREENING,
	StageKind.INTERVIEW,
	StageKind.OFFER,
	StageKind.HIRED,
)


def funnel(filters: dict) -> dict:
	"""Rows in pipeline order: forward states with conversion and drop-off, then closed ones."""
	pipeline = workflow.require()
	f = stay_filters(filters)
	entries: dict[str, int] = {}
	ended: dict[str, list[tuple[int, int]]] = {}
	for state, hour, first_entries, stays in frappe.db.sql(
		f"""select s.state, if(s.left_at is null, null, s.seconds_in_stage div {HOUR}) as hour,
			sum(s.is_first_entry), count(*)
		from `tab{STAGE}` s where {f.where}
		group by s.state, hour order by s.state, hour""",
		f.params,
	):
		entries[state] = entries.get(state, 0) + int(first_entries)
		if hour is not None:
			ended.setdefault(state, []).append((int(hour), int(stays)))
	medians = {state: _median_days(f, state, counts) for state, counts in ended.items()}
	forward = [s.name for s in pipeline.states if s.kind in FORWARD_KINDS]
	steps = analytics.funnel(forward, entries, medians)
	rows = [
		{
			"state": s.state,
			"kind": pipeline.state(s.state).kind.value,
			"entries": s.entries,
			"next_entries": s.next_entries,
			"conversion": s.conversion,
			"drop_off": s.drop_off,
			"median_days": s.median_days,
		}
		for s in steps
	]
	for state in pipeline.states:
		if state.name not in forward:
			rows.append(
				{
					"state": state.name,
					"kind": state.kind.value,
					"entries": int(entries.get(state.name) or 0),
					"next_entries": None,
					"conversion": None,
					"drop_off": 0,
					"median_days": medians.get(state.name),
				}
			)
	return {"rows": rows, "applications": _cohort_size(filters)}


def _median_days(f, state: str, counts: list[tuple[int, int]]) -> float | None:
	"""The median days of the state's ended stays, from the hours that hold its middle values."""
	middle = analytics.middle_values(counts)
	if middle is None:
		return None
	low, high = analytics.div_bucket_bounds(middle.first_bucket, middle.last_bucket, HOUR)
	value = frappe.db.sql(
		f"""select distinct median(m.seconds_in_stage / 86400.0) over () from (
			select s.seconds_in_stage from `tab{STAGE}` s
			where {f.where} and s.state = %(state)s and s.left_at is not null
				and s.seconds_in_stage >= %(low)s and s.seconds_in_stage < %(high)s
			order by s.seconds_in_stage limit %(take)s offset %(skip)s) m""",
		{
			**f.params,
			"state": state,
			"low": low,
			"high": high,
			"take": middle.take,
			"skip": middle.skip,
		},
	)[0][0]
	return round(float(value), 2) if value is not None else None


def _cohort_size(filters: dict) -> int:
	f = applicant_filters(filters)
	return frappe.db.sql(
		f"""select count(*) from `tab{APPLICANT}` ja left join `tabJob Opening` jo on jo.name = ja.job_title
		where {f.where}""",
		f.params,
	)[0][0]
