# Copyright (c) 2026, recruit_crm contributors
# License: GNU General Public License v3. See license.txt

"""Applications waiting on us: open applications past their state's ideal or maximum days,
longest wait first, with the recruiter who owns each and the next interview."""

import frappe
from frappe import _

from recruit_crm.services.pipeline import sla


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	rows = sla.waiting(
		recruiter=filters.get("recruiter"),
		job_opening=filters.get("job_opening"),
		level=filters.get("waiting"),
	)
	past_max = sum(1 for r in rows if r.waiting == "Past Max")
	summary = [
		{"label": _("Waiting"), "value": len(rows), "indicator": "orange" if rows else "green"},
		{"label": _("Past the maximum"), "value": past_max, "indicator": "red" if past_max else "green"},
	]
	return _columns(), [_row(r) for r in rows], None, None, summary


def _row(r) -> dict:
	return {**r, "days": round(float(r.days or 0), 1)}


def _columns() -> list[dict]:
	return [
		{
			"fieldname": "job_applicant",
			"label": _("Application"),
			"fieldtype": "Link",
			"options": "Job Applicant",
			"width": 180,
		},
		{"fieldname": "applicant_name", "label": _("Name"), "fieldtype": "Data", "width": 160},
		{
			"fieldname": "job_opening",
			"label": _("Job Opening"),
			"fieldtype": "Link",
			"options": "Job Opening",
			"width": 180,
		},
		{"fieldname": "state", "label": _("Stage"), "fieldtype": "Data", "width": 110},
		{
			"fieldname": "days",
			"label": _("Days in Stage"),
			"fieldtype": "Float",
			"precision": 1,
			"width": 110,
		},
		{"fieldname": "waiting", "label": _("Waiting"), "fieldtype": "Data", "width": 100},
		{
			"fieldname": "recruiter",
			"label": _("Recruiter"),
			"fieldtype": "Link",
			"options": "User",
			"width": 160,
		},
		{"fieldname": "next_interview", "label": _("Next Interview"), "fieldtype": "Date", "width": 110},
	]
