"""The recruiter home's numbers: each card's value and the filtered list it opens.

Every function returns what a Custom Number Card expects: `value`, `fieldtype`, and the `route`
(plus `route_options`, the list filters) of the list behind the number. Where the list is a plain
doctype list, the count is taken through `frappe.get_list` with the very same filters, so the
number and the list agree by construction (and permission rules apply to both).
"""

from __future__ import annotations

from datetime import timedelta

import frappe
from frappe.utils import getdate, now_datetime

from recruit_crm.domain import analytics
from recruit_crm.domain.types import TouchpointType
from recruit_crm.services.analytics import scope
from recruit_crm.services.analytics._filters import APPLICANT, STAGE

TASK_DOCTYPES = ("Job Applicant", "RC Candidate", "Job Opening", "Interview", "Job Offer", "RC Talent Pool")
NEW_DAYS = 7
REPLY_DAYS = 7
POOL_DAYS = 30
CONTACT_DAYS = 14
HOT = ("Hot", "Ready")
MY_WORK = "My Work"
HOT_VIEW = "Hot or Ready, Not Contacted"


def _stamp(dt) -> str:
	return dt.strftime("%Y-%m-%d %H:%M:%S")


def _list_count(doctype: str, filters: dict) -> int:
	rows = frappe.get_list(doctype, filters=filters, fields=["count(name) as n"], limit_page_length=0)
	return int(rows[0].n or 0) if rows else 0


def _list_card(doctype: str, filters: dict, fieldtype: str = "Int") -> dict:
	return {
		"value": _list_count(doctype, filters),
		"fieldtype": fieldtype,
		"route": ["List", doctype],
		"route_options": filters,
	}


def new_applicants(now=None) -> dict:
	since = (now or now_datetime()) - timedelta(days=NEW_DAYS)
	return _list_card(APPLICANT, {"creation": [">=", _stamp(since)]})


def campaign_replies(now=None) -> dict:
	since = (now or now_datetime()) - timedelta(days=REPLY_DAYS)
	return _list_card("RC Nurture Message", {"replied_at": [">=", _stamp(since)]})


def pool_members_added(now=None) -> dict:
	since = (now or now_datetime()) - timedelta(days=POOL_DAYS)
	return _list_card("RC Talent Pool Member", {"added_at": [">=", _stamp(since)]})


def my_open_tasks() -> dict:
	return _list_card(
		"ToDo",
		{
			"allocated_to": frappe.session.user,
			"status": "Open",
			"reference_type": ["in", list(TASK_DOCTYPES)],
		},
	)


def open_positions() -> dict:
	return _list_card("Job Opening", {"status": "Open"})


def median_days_open(now=None) -> dict:
	"""Median age of the open openings, from their posting date (creation when not posted)."""
	today = getdate(now or now_datetime())
	openings = frappe.get_list(
		"Job Opening", filters={"status": "Open"}, fields=["posted_on", "creation"], limit_page_length=0
	)
	value = analytics.median(
		analytics.days_between(getdate(o.posted_on or o.creation), today) for o in openings
	)
	return {
		"value": round(value, 1) if value is not None else 0,
		"fieldtype": "Float",
		"route": ["List", "Job Opening"],
		"route_options": {"status": "Open"},
	}


def hires_this_quarter(now=None) -> dict:
	"""Entries into a Hired-kind state this quarter, against the planned vacancies of the openings
	open now or closed this quarter (the quarter's hiring target)."""
	start, end = analytics.quarter_bounds(getdate(now or now_datetime()))
	filters = {"stage_kind": "Hired", "entered_at": ["between", [str(start), str(end - timedelta(days=1))]]}
	hires = _list_count(STAGE, filters)
	target = frappe.db.sql(
		"""select coalesce(sum(planned_vacancies), 0) from `tabJob Opening`
		where status = 'Open' or (closed_on >= %(start)s and closed_on < %(end)s)""",
		{"start": start, "end": end},
	)[0][0]
	return {
		"value": analytics.progress_label(hires, int(target or 0)),
		"fieldtype": "Data",
		"route": ["List", STAGE],
		"route_options": filters,
		"hires": hires,
		"target": int(target or 0),
	}


def hot_not_contacted_sql(recruiter: str | None) -> tuple[str, dict]:
	"""`from ... where ...` over RC Candidate (alias c): hot or ready, not anonymised, and no
	personal touch (a touchpoint naming a recruiter, other than a note) in the last 14 days."""
	params = {
		"hot": HOT,
		"since": now_datetime() - timedelta(days=CONTACT_DAYS),
		"note": TouchpointType.NOTE.value,
	}
	where = """c.readiness_stage in %(hot)s and c.is_anonymized = 0 and not exists (
		select 1 from `tabRC Touchpoint` t where t.candidate = c.name and t.occurred_at >= %(since)s
			and t.recruiter is not null and t.recruiter != '' and t.touchpoint_type != %(note)s)"""
	if recruiter:
		where += " and c.recruiter = %(recruiter)s"
		params["recruiter"] = recruiter
	return f"from `tabRC Candidate` c where {where}", params


def hot_not_contacted() -> dict:
	"""Role-aware like "My work": a recruiter counts their own candidates, HR Managers everyone's."""
	recruiter = scope.recruiter_scope()
	base, params = hot_not_contacted_sql(recruiter)
	value = frappe.db.sql(f"select count(*) {base}", params)[0][0]
	return {
		"value": int(value),
		"fieldtype": "Int",
		"route": ["query-report", MY_WORK],
		"route_options": {"view": HOT_VIEW, "recruiter": recruiter or ""},
	}
