"""Nurture performance: per campaign, step and A/B variant, what was sent and what came of it.

Sent, delivered, opened, clicked, replied and unsubscribed count messages exactly as the
campaign's own results do (services.nurture.reports.campaign_stats); applications and hires are
attributed to a sent message when the recipient applied (or entered a Hired state) within 30 or
90 days after it was sent. A person who got three steps can count for each of them: the figure
answers "what followed this email", not "which email caused it".
"""

from __future__ import annotations

import frappe

from recruit_crm.services.analytics._filters import APPLICANT, STAGE, period_of
from recruit_crm.services.nurture.constants import MESSAGE

WINDOWS = (30, 90)


def _within(column: str, days: int) -> str:
	return f"sum(x.{column} < date_add(x.sent_at, interval {int(days)} day))"


def performance(filters: dict) -> list[dict]:
	"""One row per campaign, step and variant for messages sent in the period."""
	period = period_of(filters)
	params = {"from": period.start, "to": period.end}
	where = "m.nurture_campaign is not null and m.sent_at >= %(from)s and m.sent_at < %(to)s"
	if filters.get("nurture_campaign"):
		where += " and m.nurture_campaign = %(campaign)s"
		params["campaign"] = filters["nurture_campaign"]
	attributed = ",\n".join(
		f"{_within('first_applied', d)} as applied_{d}, {_within('first_hired', d)} as hired_{d}"
		for d in WINDOWS
	)
	# Per sent message, the recipient's first application and first hire after the send (two
	# index lookups each), then the windows are comparisons on those two times.
	rows = frappe.db.sql(
		f"""select x.nurture_campaign, x.step_idx, x.step_key, x.variant,
			sum(x.status = 'Sent') as sent,
			sum(x.status = 'Sent' and x.bounced_at is null) as delivered,
			sum(x.opened_at is not null or x.clicked_at is not null) as opened,
			sum(x.clicked_at is not null) as clicked,
			sum(x.replied_at is not null) as replied,
			sum(x.unsubscribed_at is not null) as unsubscribed,
			{attributed}
		from (
			select m.nurture_campaign, m.step_idx, m.step_key, m.variant, m.status, m.sent_at, m.bounced_at,
				m.opened_at, m.clicked_at, m.replied_at, m.unsubscribed_at,
				if(m.status = 'Sent', (select min(a.creation) from `tab{APPLICANT}` a
					where a.rc_candidate = m.candidate and a.creation >= m.sent_at), null) as first_applied,
				if(m.status = 'Sent', (select min(h.entered_at) from `tab{APPLICANT}` a
					join `tab{STAGE}` h on h.job_applicant = a.name
					where a.rc_candidate = m.candidate and h.stage_kind = 'Hired'
						and h.entered_at >= m.sent_at), null) as first_hired
			from `tab{MESSAGE}` m
			where {where}
		) x
		group by x.nurture_campaign, x.step_idx, x.step_key, x.variant
		order by x.nurture_campaign, x.step_idx, x.variant""",
		params,
		as_dict=True,
	)
	counters = (
		"sent",
		"delivered",
		"opened",
		"clicked",
		"replied",
		"unsubscribed",
		*(f"{k}_{d}" for d in WINDOWS for k in ("applied", "hired")),
	)
	for r in rows:
		for key in counters:
			r[key] = int(r[key] or 0)
	return rows
