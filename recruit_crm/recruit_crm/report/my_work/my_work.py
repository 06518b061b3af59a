# Copyright (c) 2026, recruit_crm contributors
# License: GNU General Public License v3. See license.txt

"""My work: the session user's candidates by readiness, applications by stage, campaigns, tasks
due, and hot candidates nobody contacted. HR Managers see everyone's (services.analytics.my_work)."""

import frappe
from frappe import _

from recruit_crm.services.analytics import my_work
from recruit_crm.services.analytics._filters import require_hr
from recruit_crm.services.analytics.columns import bar_chart, col


@frappe.read_only()
def execute(filters: dict | None = None):
	require_hr()
	view, recruiter, rows = my_work.my_work(frappe._dict(filters or {}))
	chart = None
	if view in (my_work.READINESS, my_work.STAGES):
		chart = bar_chart([r["label"] for r in rows], [(view, [r["count"] for r in rows])])
	message = _("Showing the work of {0}.").format(recruiter) if recruiter else _("Showing everyone's work.")
	return _COLUMNS[view](), rows, message, chart


def _readiness() -> list[dict]:
	return [col("label", "Readiness", "Data", 200), col("count", "Candidates", "Int", 100)]


def _stages() -> list[dict]:
	return [col("label", "Stage", "Data", 200), col("count", "Open Applications", "Int", 140)]


def _campaigns() -> list[dict]:
	return [
		col("name", "Campaign", "Link", 160, "RC Nurture Campaign"),
		col("campaign_name", "Name", "Data", 200),
		col("status", "Status", "Data", 90),
		col("enrolled_count", "Enrolled", "Int", 90),
		col("sent_count", "Sent", "Int", 80),
		col("applied_count", "Applied", "Int", 80),
		col("hired_count", "Hired", "Int", 80),
		col("owner", "Owner", "Link", 160, "User"),
	]


def _tasks() -> list[dict]:
	return [
		col("name", "Task", "Link", 110, "ToDo"),
		col("date", "Due", "Date", 100),
		col("overdue", "Overdue", "Check", 80),
		col("description", "Description", "Small Text", 260),
		col("reference_type", "Type", "Data", 120),
		col("reference_name", "Document", "Dynamic Link", 160, "reference_type"),
		col("allocated_to", "Assigned To", "Link", 160, "User"),
		col("priority", "Priority", "Data", 80),
	]


def _hot() -> list[dict]:
	return [
		col("candidate", "Candidate", "Link", 140, "RC Candidate"),
		col("full_name", "Name", "Data", 180),
		col("readiness_stage", "Readiness", "Data", 90),
		col("engagement_score", "Score", "Float", 80),
		col("recruiter", "Recruiter", "Link", 160, "User"),
		col("last_contact", "Last Contact", "Datetime", 160),
	]


_COLUMNS = {
	my_work.READINESS: _readiness,
	my_work.STAGES: _stages,
	my_work.CAMPAIGNS: _campaigns,
	my_work.TASKS: _tasks,
	my_work.HOT: _hot,
}
