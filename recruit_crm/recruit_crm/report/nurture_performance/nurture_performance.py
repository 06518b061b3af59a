# Copyright (c) 2026, recruit_crm contributors
# License: GNU General Public License v3. See license.txt

"""Nurture performance per campaign, step and A/B variant, with applications and hires that
followed within 30 and 90 days (services.analytics.nurture)."""

import frappe

from recruit_crm.services.analytics import nurture
from recruit_crm.services.analytics._filters import require_hr
from recruit_crm.services.analytics.columns import bar_chart, col


@frappe.read_only()
def execute(filters: dict | None = None):
	require_hr()
	rows = nurture.performance(frappe._dict(filters or {}))
	top = rows[:12]
	chart = bar_chart(
		[f"{r.nurture_campaign} #{r.step_idx}{r.variant or ''}" for r in top],
		[
			("Sent", [r.sent for r in top]),
			("Opened", [r.opened for r in top]),
			("Replied", [r.replied for r in top]),
		],
	)
	return _columns(), rows, None, chart


def _columns() -> list[dict]:
	return [
		col("nurture_campaign", "Campaign", "Link", 180, "RC Nurture Campaign"),
		col("step_idx", "Step", "Int", 60),
		col("step_key", "Step Key", "Data", 100),
		col("variant", "Variant", "Data", 70),
		col("sent", "Sent", "Int", 80),
		col("delivered", "Delivered", "Int", 90),
		col("opened", "Opened", "Int", 80),
		col("clicked", "Clicked", "Int", 80),
		col("replied", "Replied", "Int", 80),
		col("unsubscribed", "Unsubscribed"),
		col("applied_30", "Applied in 30 Days", "Int", 130),
		col("applied_90", "Applied in 90 Days", "Int", 130),
		col("hired_30", "Hired in 30 Days", "Int", 120),
		col("hired_90", "Hired in 90 Days", "Int", 120),
	]
