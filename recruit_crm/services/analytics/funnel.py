"""Recruitment funnel: how many applications entered each pipeline state, how many went on to the
next, how many dropped off, and how long they stayed.

The cohort is the applications created in the period (and matching the other filters); an
application counts once per state however often it re-entered it. Time in state is measured on
stays that ended, so an application waiting today does not shorten the median.
"""

from __future__ import annotations

import frappe

from recruit_crm.domain import analytics
from recruit_crm.domain.pipeline import StageKind
from recruit_crm.services.analytics._filters import APPLICANT, STAGE, applicant_filters
from recruit_crm.services.pipeline import workflow

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
	f = applicant_filters(filters)
	base = f"""from `tab{STAGE}` s join `tab{APPLICANT}` ja on ja.name = s.job_applicant
		left join `tabJob Opening` jo on jo.name = ja.job_title where {f.where}"""
	entries = dict(
		frappe.db.sql(f"select s.state, count(distinct s.job_applicant) {base} group by s.state", f.params)
	)
	medians = dict(
		frappe.db.sql(
			f"""select distinct x.state, median(x.days) over (partition by x.state) from (
				select s.state, timestampdiff(second, s.entered_at, s.left_at) / 86400.0 as days
				{base} and s.left_at is not null) x""",
			f.params,
		)
	)
	medians = {k: round(float(v), 2) if v is not None else None for k, v in medians.items()}
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
	return {"rows": rows, "applications": _cohort_size(f)}


def _cohort_size(f) -> int:
	return frappe.db.sql(
		f"""select count(*) from `tab{APPLICANT}` ja left join `tabJob Opening` jo on jo.name = ja.job_title
		where {f.where}""",
		f.params,
	)[0][0]
