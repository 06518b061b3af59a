# Copyright (c) 2026, recruit_crm contributors
# License: GNU General Public License v3. See license.txt
"""Who the retention job will anonymise next, when, and why."""

import frappe
from frappe import _
from frappe.utils import cint, getdate, today

from recruit_crm.services.compliance.retention import retention_months, retention_schedule


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	within = cint(filters.get("within_days") if filters.get("within_days") is not None else 30)
	rows = retention_schedule(within_days=within)
	names = [r["candidate"] for r in rows]
	details = (
		{
			d.name: d
			for d in frappe.get_all(
				"RC Candidate",
				filters={"name": ("in", names)},
				fields=["name", "full_name", "crm_stage", "application_count", "consent_expires_on"],
				order_by=None,
			)
		}
		if names
		else {}
	)
	now = getdate(today())
	data = []
	for row in rows:
		d = details.get(row["candidate"]) or frappe._dict()
		data.append(
			{
				"candidate": row["candidate"],
				"full_name": d.get("full_name"),
				"crm_stage": d.get("crm_stage"),
				"application_count": d.get("application_count"),
				"last_decision_at": row["last_decision_at"],
				"due_on": row["due_on"],
				"status": _("Overdue: next run") if row["due_on"] <= now else _("Upcoming"),
				"reason": row["reason"],
			}
		)
	summary = [
		{"label": _("Retention Period (Months)"), "value": retention_months(), "datatype": "Int"},
		{
			"label": _("To Anonymise"),
			"value": len(data),
			"datatype": "Int",
			"indicator": "Red" if data else "Green",
		},
	]
	return _columns(), data, None, None, summary


def _columns() -> list[dict]:
	return [
		{
			"fieldname": "candidate",
			"label": _("Candidate"),
			"fieldtype": "Link",
			"options": "RC Candidate",
			"width": 130,
		},
		{"fieldname": "full_name", "label": _("Name"), "fieldtype": "Data", "width": 160},
		{"fieldname": "crm_stage", "label": _("CRM Stage"), "fieldtype": "Data", "width": 110},
		{"fieldname": "application_count", "label": _("Applications"), "fieldtype": "Int", "width": 90},
		{"fieldname": "last_decision_at", "label": _("Last Decision"), "fieldtype": "Datetime", "width": 160},
		{"fieldname": "due_on", "label": _("Anonymised On"), "fieldtype": "Date", "width": 110},
		{"fieldname": "status", "label": _("Status"), "fieldtype": "Data", "width": 120},
		{"fieldname": "reason", "label": _("Why"), "fieldtype": "Data", "width": 360},
	]
