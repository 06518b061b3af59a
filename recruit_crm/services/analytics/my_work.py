"""'My work': one recruiter's candidates by readiness, applications by stage, campaigns and tasks
due, plus the hot or ready candidates nobody has contacted. Recruiters see their own; HR Managers
see everyone's, or one recruiter's when they pick one (analytics.scope)."""

from __future__ import annotations

import frappe
from frappe.utils import getdate, now_datetime

from recruit_crm.services.analytics import home, scope
from recruit_crm.services.analytics._filters import APPLICANT
from recruit_crm.services.pipeline import workflow

READINESS = "Candidates by Readiness"
STAGES = "Applicants by Stage"
CAMPAIGNS = "My Campaigns"
TASKS = "Tasks Due"
HOT = home.HOT_VIEW
VIEWS = (READINESS, STAGES, CAMPAIGNS, TASKS, HOT)
READINESS_ORDER = ("Ready", "Hot", "Warm", "Cold")


def my_work(filters: dict) -> tuple[str, str | None, list[dict]]:
	"""(view, recruiter the rows are scoped to or None for everyone, rows)."""
	view = filters.get("view") if filters.get("view") in VIEWS else READINESS
	recruiter = scope.recruiter_scope(filters.get("recruiter"))
	return view, recruiter, _VIEWS[view](recruiter)


def _readiness(recruiter: str | None) -> list[dict]:
	where, params = "c.is_anonymized = 0", {"cold": "Cold"}
	if recruiter:
		where += " and c.recruiter = %(recruiter)s"
		params["recruiter"] = recruiter
	counts = dict(
		frappe.db.sql(
			f"""select coalesce(nullif(c.readiness_stage, ''), %(cold)s), count(*)
			from `tabRC Candidate` c where {where} group by 1""",
			params,
		)
	)
	return [{"label": stage, "count": int(counts.get(stage) or 0)} for stage in READINESS_ORDER]


def _stages(recruiter: str | None) -> list[dict]:
	pipeline = workflow.require()
	field = workflow.state_field()
	where, params = "ja.status = 'Open'", {}
	if recruiter:
		where += " and ja.rc_recruiter = %(recruiter)s"
		params["recruiter"] = recruiter
	counts = dict(
		frappe.db.sql(
			f"select ja.`{field}`, count(*) from `tab{APPLICANT}` ja where {where} group by 1", params
		)
	)
	return [
		{"label": s.name, "count": int(counts.get(s.name) or 0)} for s in pipeline.states if not s.is_closed
	]


def _campaigns(recruiter: str | None) -> list[dict]:
	filters = {"owner": recruiter} if recruiter else {}
	return frappe.get_list(
		"RC Nurture Campaign",
		filters=filters,
		fields=[
			"name",
			"campaign_name",
			"status",
			"enrolled_count",
			"sent_count",
			"applied_count",
			"hired_count",
			"owner",
		],
		order_by="modified desc",
		limit_page_length=500,
	)


def _tasks(recruiter: str | None) -> list[dict]:
	filters = {"status": "Open", "reference_type": ("in", home.TASK_DOCTYPES)}
	if recruiter:
		filters["allocated_to"] = recruiter
	rows = frappe.get_list(
		"ToDo",
		filters=filters,
		fields=[
			"name",
			"date",
			"description",
			"reference_type",
			"reference_name",
			"allocated_to",
			"priority",
		],
		order_by="date is null, date asc, creation asc",
		limit_page_length=500,
	)
	today = getdate(now_datetime())
	for r in rows:
		r.overdue = 1 if r.date and getdate(r.date) < today else 0
	return rows


def _hot(recruiter: str | None) -> list[dict]:
	base, params = home.hot_not_contacted_sql(recruiter)
	return frappe.db.sql(
		f"""select c.name as candidate, c.full_name, c.readiness_stage, c.engagement_score, c.recruiter,
			(select max(t.occurred_at) from `tabRC Touchpoint` t where t.candidate = c.name
				and t.recruiter is not null and t.recruiter != '' and t.touchpoint_type != %(note)s)
				as last_contact
		{base} order by c.engagement_score desc, c.name limit 500""",
		params,
		as_dict=True,
	)


_VIEWS = {READINESS: _readiness, STAGES: _stages, CAMPAIGNS: _campaigns, TASKS: _tasks, HOT: _hot}
