"""Talent pool health: per pool the user may see, its size and growth, how engaged, stale and
contactable its members are, and how many of them applied or were hired after joining.

Engaged: readiness Warm, Hot or Ready. Stale: no touchpoint of any kind in the last N days.
Contactable: may receive marketing email today (the nurture engine's own rule, SENDABLE_SQL:
consent or legitimate interest, not unsubscribed, bounced, anonymised or do-not-contact).
"""

from __future__ import annotations

from datetime import timedelta

import frappe
from frappe import _
from frappe.utils import cint, now_datetime

from recruit_crm.domain import analytics
from recruit_crm.permissions import can_see_pool
from recruit_crm.services.analytics._filters import APPLICANT, STAGE, period_of
from recruit_crm.services.nurture.constants import SENDABLE_SQL

POOL = "RC Talent Pool"
MEMBER = "RC Talent Pool Member"


def visible_pools(pool: str | None = None) -> list[str]:
	"""The pools the session user may see (the list's own permission rules), or the one asked for."""
	if pool:
		if not can_see_pool(pool):
			# Counting a hidden pool's members would tell who is in it.
			frappe.throw(_("You cannot see talent pool {0}.").format(pool), frappe.PermissionError)
		return [pool]
	return frappe.get_list(POOL, pluck="name", order_by="name asc", limit_page_length=0)


def health(filters: dict) -> list[dict]:
	pools = visible_pools(filters.get("talent_pool"))
	if not pools:
		return []
	period = period_of(filters, default_days=30)
	now = now_datetime()
	stale_days = cint(filters.get("stale_days")) or 90
	params = {
		"pools": tuple(pools),
		"from": period.start,
		"to": period.end,
		"today": now.date(),
		"stale_since": now - timedelta(days=stale_days),
	}
	rows = frappe.db.sql(
		f"""select m.talent_pool,
			sum(m.removed_at is null) as size,
			sum(m.added_at >= %(from)s and m.added_at < %(to)s) as added,
			sum(m.removed_at >= %(from)s and m.removed_at < %(to)s) as removed,
			sum(m.removed_at is null and c.readiness_stage in ('Warm', 'Hot', 'Ready')) as engaged,
			sum(m.removed_at is null and not exists(select 1 from `tabRC Touchpoint` t
				where t.candidate = c.name and t.occurred_at >= %(stale_since)s)) as stale,
			sum(m.removed_at is null and {SENDABLE_SQL}) as contactable,
			sum(exists(select 1 from `tab{APPLICANT}` a where a.rc_candidate = c.name
				and a.creation >= m.added_at)) as applied,
			sum(exists(select 1 from `tab{APPLICANT}` a join `tab{STAGE}` h on h.job_applicant = a.name
				where a.rc_candidate = c.name and h.stage_kind = 'Hired'
					and h.entered_at >= m.added_at)) as hired
		from `tab{MEMBER}` m join `tabRC Candidate` c on c.name = m.candidate
		where m.talent_pool in %(pools)s
		group by m.talent_pool order by size desc, m.talent_pool""",
		params,
		as_dict=True,
	)
	titles = dict(
		frappe.get_all(POOL, filters={"name": ("in", pools)}, fields=["name", "pool_name"], as_list=True)
	)
	for r in rows:
		for key in ("size", "added", "removed", "engaged", "stale", "contactable", "applied", "hired"):
			r[key] = int(r[key] or 0)
		r.pool_name = titles.get(r.talent_pool)
		r.growth = r.added - r.removed
		r.engaged_share = analytics.share(r.engaged, r.size)
		r.stale_share = analytics.share(r.stale, r.size)
		r.contactable_share = analytics.share(r.contactable, r.size)
	return rows
