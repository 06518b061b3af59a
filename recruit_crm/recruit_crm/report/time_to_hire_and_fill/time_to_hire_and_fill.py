# Copyright (c) 2026, recruit_crm contributors
# License: GNU General Public License v3. See license.txt

"""Time to hire and time to fill by department or opening, with the monthly trend of the median
time to hire (services.analytics.time_to_hire)."""

import frappe

from recruit_crm.services.analytics import time_to_hire
from recruit_crm.services.analytics._filters import require_hr
from recruit_crm.services.analytics.columns import bar_chart, col


@frappe.read_only()
def execute(filters: dict | None = None):
	require_hr()
	filters = frappe._dict(filters or {})
	result = time_to_hire.time_to_hire(filters)
	trend = result["trend"]
	chart = bar_chart(
		[t.month for t in trend], [("Median Days to Hire", [t.median_days for t in trend])], kind="line"
	)
	group = filters.get("group_by") or "Department"
	return _columns(group), result["rows"], None, chart


def _columns(group: str) -> list[dict]:
	options = "Job Opening" if group == "Job Opening" else "Department"
	return [
		col("grp", group, "Link", 200, options),
		col("hires", "Hires"),
		col("median_days_to_hire", "Median Days to Hire", "Float", 150),
		col("mean_days_to_hire", "Mean Days to Hire", "Float", 140),
		col("median_days_to_fill", "Median Days to Fill", "Float", 150),
	]
