# Copyright (c) 2026, recruit_crm contributors
# License: GNU General Public License v3. See license.txt

"""How ready the talent base is, how it moved, and who is hot with nobody talking to them.

One row per readiness stage: how many candidates are in it, their average score today, how many
entered and left it in the period, and how many have had no personal contact (a call, meeting,
message or email from someone on our side) for the chosen number of days: the follow-up queue.
Set-based: three grouped queries whatever the number of candidates.
"""

from datetime import timedelta

import frappe
from frappe import _
from frappe.utils import add_days, cint, getdate, now_datetime, today

from recruit_crm.domain.types import ReadinessStage, TouchpointType
from recruit_crm.permissions import can_see_pool
from recruit_crm.services.engagement.scoring import score_sql

STAGES = [
	s.value for s in (ReadinessStage.READY, ReadinessStage.HOT, ReadinessStage.WARM, ReadinessStage.COLD)
]


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	from_date = getdate(filters.get("from_date") or add_days(today(), -30))
	to_date = getdate(filters.get("to_date") or today())
	if from_date > to_date:
		frappe.throw(_("From must not be after To."))
	contact_days = cint(filters.get("contact_days")) or 14
	now = now_datetime()
	params = {
		"from": from_date,
		"to": add_days(to_date, 1),
		"pool": filters.get("talent_pool"),
		"recruiter": filters.get("recruiter"),
		"contact_since": now - timedelta(days=contact_days),
		"note": TouchpointType.NOTE.value,
		"cold": ReadinessStage.COLD.value,
	}
	if params["pool"] and not can_see_pool(params["pool"]):
		# Counting a hidden pool's members would tell who is in it.
		frappe.throw(_("You cannot see talent pool {0}.").format(params["pool"]), frappe.PermissionError)
	joins, where = "", "c.is_anonymized = 0"
	if params["pool"]:
		joins += """ join `tabRC Talent Pool Member` m on m.candidate = c.name
			and m.talent_pool = %(pool)s and m.removed_at is null"""
	if params["recruiter"]:
		where += " and c.recruiter = %(recruiter)s"

	rows = {
		stage: {"stage": stage, "candidates": 0, "score": None, "entered": 0, "left": 0, "not_contacted": 0}
		for stage in STAGES
	}
	for stage, candidates, score, not_contacted in frappe.db.sql(
		f"""select coalesce(c.readiness_stage, %(cold)s), count(*), avg({score_sql("c", now)}),
			sum(not exists (
				select 1 from `tabRC Touchpoint` t
				where t.candidate = c.name and t.occurred_at >= %(contact_since)s
					and t.recruiter is not null and t.touchpoint_type != %(note)s
			))
		from `tabRC Candidate` c {joins}
		where {where}
		group by 1""",
		params,
	):
		if stage in rows:
			rows[stage].update(candidates=candidates, score=score, not_contacted=int(not_contacted or 0))
	for column in ("to_stage", "from_stage"):
		for stage, moved in frappe.db.sql(
			f"""select coalesce(rc.{column}, %(cold)s), count(distinct rc.candidate)
			from `tabRC Readiness Change` rc join `tabRC Candidate` c on c.name = rc.candidate {joins}
			where {where} and rc.changed_at >= %(from)s and rc.changed_at < %(to)s
			group by 1""",
			params,
		):
			if stage in rows:
				rows[stage]["entered" if column == "to_stage" else "left"] = moved

	total = sum(r["candidates"] for r in rows.values())
	data = []
	for stage in STAGES:
		r = rows[stage]
		r["share"] = 100.0 * r["candidates"] / total if total else 0.0
		r["net"] = r["entered"] - r["left"]
		data.append(r)
	columns = [
		{"fieldname": "stage", "label": _("Readiness Stage"), "fieldtype": "Data", "width": 140},
		{"fieldname": "candidates", "label": _("Candidates"), "fieldtype": "Int", "width": 110},
		{"fieldname": "share", "label": _("Share %"), "fieldtype": "Percent", "precision": 1, "width": 90},
		{"fieldname": "score", "label": _("Average Score Today"), "fieldtype": "Float", "precision": 1,
			"width": 160},
		{"fieldname": "entered", "label": _("Entered in Period"), "fieldtype": "Int", "width": 140},
		{"fieldname": "left", "label": _("Left in Period"), "fieldtype": "Int", "width": 120},
		{"fieldname": "net", "label": _("Net Change"), "fieldtype": "Int", "width": 110},
		{"fieldname": "not_contacted", "label": _("No Personal Contact in {0} Days").format(contact_days),
			"fieldtype": "Int", "width": 230},
	]  # fmt: skip
	chart = {
		"data": {
			"labels": [_(s) for s in STAGES],
			"datasets": [
				{"name": _("Candidates"), "values": [rows[s]["candidates"] for s in STAGES]},
				{"name": _("No Personal Contact"), "values": [rows[s]["not_contacted"] for s in STAGES]},
			],
		},
		"type": "bar",
	}
	ready, hot = rows[ReadinessStage.READY.value], rows[ReadinessStage.HOT.value]
	summary = [
		{"label": _("Candidates"), "value": total, "datatype": "Int", "indicator": "Blue"},
		{"label": _("Ready"), "value": ready["candidates"], "datatype": "Int", "indicator": "Green"},
		{"label": _("Hot"), "value": hot["candidates"], "datatype": "Int", "indicator": "Orange"},
		{
			"label": _("Hot or Ready, no personal contact in {0} days").format(contact_days),
			"value": ready["not_contacted"] + hot["not_contacted"],
			"datatype": "Int",
			"indicator": "Red" if ready["not_contacted"] + hot["not_contacted"] else "Green",
		},
	]
	return columns, data, None, chart, summary
