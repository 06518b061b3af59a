# Copyright (c) 2026, recruit_crm contributors
# License: GNU General Public License v3. See license.txt

"""Recruitment funnel: each pipeline state's entries, conversion to the next, drop-off and median
time in state, for the applications created in the period (services.analytics.funnel)."""

import frappe
from frappe import _

from recruit_crm.services.analytics import funnel
from recruit_crm.services.analytics._filters import require_hr
from recruit_crm.services.analytics.columns import bar_chart, col


@frappe.read_only()
def execute(filters: dict | None = None):
	require_hr()
	result = funnel.funnel(frappe._dict(filters or {}))
	rows = result["rows"]
	forward = [r for r in rows if r["next_entries"] is not None or r["kind"] == "Hired"]
	chart = bar_chart([r["state"] for r in forward], [("Entries", [r["entries"] for r in forward])])
	summary = [{"label": _("Applications"), "value": result["applications"], "indicator": "blue"}]
	return _columns(), rows, None, chart, summary


def _columns() -> list[dict]:
	return [
		col("state", "Stage", "Data", 140),
		col("kind", "Kind", "Data", 100),
		col("entries", "Entries"),
		col("next_entries", "Reached Next"),
		col("conversion", "Conversion to Next", "Percent", 140),
		col("drop_off", "Drop-off"),
		col("median_days", "Median Days in Stage", "Float", 150),
	]
