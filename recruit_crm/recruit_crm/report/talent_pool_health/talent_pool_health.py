# Copyright (c) 2026, recruit_crm contributors
# License: GNU General Public License v3. See license.txt

"""Talent pool health: size, growth, engaged, stale and contactable shares and conversions, for the
pools the user may see (services.analytics.pools)."""

import frappe

from recruit_crm.services.analytics import pools
from recruit_crm.services.analytics._filters import require_hr
from recruit_crm.services.analytics.columns import bar_chart, col


@frappe.read_only()
def execute(filters: dict | None = None):
	require_hr()
	rows = pools.health(frappe._dict(filters or {}))
	top = rows[:12]
	chart = bar_chart([r.pool_name or r.talent_pool for r in top], [("Members", [r.size for r in top])])
	return _columns(), rows, None, chart


def _columns() -> list[dict]:
	return [
		col("talent_pool", "Talent Pool", "Link", 120, "RC Talent Pool"),
		col("pool_name", "Name", "Data", 180),
		col("size", "Members", "Int", 90),
		col("added", "Added", "Int", 80),
		col("removed", "Removed", "Int", 80),
		col("growth", "Net Growth", "Int", 90),
		col("engaged_share", "Engaged", "Percent", 90),
		col("stale_share", "Stale", "Percent", 80),
		col("contactable_share", "Contactable", "Percent", 100),
		col("applied", "Applied After Joining", "Int", 150),
		col("hired", "Hired After Joining", "Int", 140),
	]
