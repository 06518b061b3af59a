# Copyright (c) 2026, recruit_crm contributors
# License: GNU General Public License v3. See license.txt

"""Recruiter activity: personal touches per recruiter and the median first-response time to new
applicants (services.analytics.activity)."""

import frappe

from recruit_crm.services.analytics import activity
from recruit_crm.services.analytics._filters import require_hr
from recruit_crm.services.analytics.columns import bar_chart, col


@frappe.read_only()
def execute(filters: dict | None = None):
	require_hr()
	rows = activity.activity(frappe._dict(filters or {}))
	chart = bar_chart([r.recruiter for r in rows[:12]], [("Touches", [r.touches for r in rows[:12]])])
	return _columns(), rows, None, chart


def _columns() -> list[dict]:
	return [
		col("recruiter", "Recruiter", "Data", 200),
		col("touches", "Touches", "Int", 90),
		col("candidates", "Candidates Touched", "Int", 140),
		col("calls", "Calls", "Int", 70),
		col("meetings", "Meetings", "Int", 90),
		col("messages", "Messages", "Int", 90),
		col("emails", "Emails", "Int", 80),
		col("new_applications", "New Applications", "Int", 130),
		col("answered", "Answered", "Int", 90),
		col("answered_share", "Answered Share", "Percent", 120),
		col("median_first_response_hours", "Median First Response (h)", "Float", 180),
	]
