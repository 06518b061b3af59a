# Copyright (c) 2026, recruit_crm contributors
# License: GNU General Public License v3. See license.txt

"""Source of hire and quality: applications, interviews, offers, hires and offer acceptance by
source, UTM campaign or source, or referrer (services.analytics.sources)."""

import frappe

from recruit_crm.services.analytics import sources
from recruit_crm.services.analytics._filters import require_hr
from recruit_crm.services.analytics.columns import bar_chart, col


@frappe.read_only()
def execute(filters: dict | None = None):
	require_hr()
	filters = frappe._dict(filters or {})
	rows = sources.by_source(filters)
	top = rows[:12]
	chart = bar_chart(
		[r.grp for r in top],
		[("Applications", [r.applications for r in top]), ("Hires", [r.hires for r in top])],
	)
	return _columns(filters.get("group_by") or "Source"), rows, None, chart


def _columns(group: str) -> list[dict]:
	return [
		col("grp", group, "Data", 180),
		col("applications", "Applications"),
		col("interviews", "Interviews"),
		col("offers", "Offers"),
		col("hires", "Hires"),
		col("interview_rate", "Interview Rate", "Percent"),
		col("hire_rate", "Hire Rate", "Percent"),
		col("offer_acceptance", "Offer Acceptance", "Percent", 130),
	]
