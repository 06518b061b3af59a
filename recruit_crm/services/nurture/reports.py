"""What a campaign did (per step and variant) and what it would do (dry run with a forecast)."""

from collections import Counter

import frappe
from frappe import _
from frappe.utils import now_datetime

from recruit_crm.domain import nurture, send_rules
from recruit_crm.services.nurture import audience, campaigns, constants
from recruit_crm.services.nurture.constants import CAMPAIGN, ENROLLMENT, MESSAGE, SENDABLE_SQL
from recruit_crm.services.nurture.rendering import Renderer

FUNNEL_COLUMNS = (
	"enrolled",
	"sent",
	"delivered",
	"opened",
	"clicked",
	"replied",
	"applied",
	"unsubscribed",
	"hired",
)


def campaign_stats(campaign: str) -> dict:
	"""Enrolments by state and the funnel per step and variant, in a fixed number of queries."""
	by_status = dict(
		frappe.db.sql(
			f"select status, count(*) from `tab{ENROLLMENT}` where nurture_campaign = %s group by status",
			campaign,
		)
	)
	exits = dict(
		frappe.db.sql(
			f"""select exit_reason, count(*) from `tab{ENROLLMENT}` where nurture_campaign = %s
			and status = 'Exited' group by exit_reason""",
			campaign,
		)
	)
	rows = frappe.db.sql(
		f"""select m.step_idx, m.step_key, m.variant,
			count(*) as enrolled,
			sum(m.status = 'Sent') as sent,
			sum(m.status = 'Sent' and m.bounced_at is null) as delivered,
			sum(m.opened_at is not null or m.clicked_at is not null) as opened,
			sum(m.clicked_at is not null) as clicked,
			sum(m.replied_at is not null) as replied,
			sum(m.unsubscribed_at is not null) as unsubscribed,
			sum(m.status = 'Unknown') as unknown,
			sum(m.status in ('Queued', 'Sending')) as pending,
			sum(m.status = 'Sent' and exists(select 1 from `tabJob Applicant` a
				where a.rc_candidate = m.candidate and a.creation >= m.sent_at)) as applied,
			sum(m.status = 'Sent' and c.crm_stage = 'Hired') as hired
		from `tab{MESSAGE}` m join `tabRC Candidate` c on c.name = m.candidate
		where m.nurture_campaign = %s group by m.step_idx, m.step_key, m.variant
		order by m.step_idx, m.variant""",
		campaign,
		as_dict=True,
	)
	enrolled_total = sum(by_status.values())
	converted = frappe.db.sql(
		f"""select
			count(distinct if(exists(select 1 from `tabJob Applicant` a where a.rc_candidate = e.candidate
				and a.creation >= e.enrolled_at), e.candidate, null)),
			count(distinct if(c.crm_stage = 'Hired', e.candidate, null))
		from `tab{ENROLLMENT}` e join `tabRC Candidate` c on c.name = e.candidate
		where e.nurture_campaign = %s""",
		campaign,
	)[0]
	doc = frappe.get_doc(CAMPAIGN, campaign)
	labels = {s.step_key: (s.label or s.step_type) for s in doc.steps}
	for r in rows:
		r.label = labels.get(r.step_key, _("(removed step)"))
		for key in (*FUNNEL_COLUMNS, "unknown", "pending"):
			r[key] = int(r.get(key) or 0)
	leaders = {}
	for key in {r.step_key for r in rows}:
		results = [
			nurture.VariantResult(r.variant, r.sent, r.opened, r.clicked, r.replied)
			for r in rows
			if r.step_key == key
		]
		leaders[key] = nurture.leading_variant(results)
	return {
		"campaign": campaign,
		"enrolled": enrolled_total,
		"by_status": by_status,
		"exits": exits,
		"steps": rows,
		"leaders": leaders,
		"applied": int(converted[0] or 0),
		"hired": int(converted[1] or 0),
		"applied_rate": (converted[0] or 0) / enrolled_total if enrolled_total else 0.0,
		"hired_rate": (converted[1] or 0) / enrolled_total if enrolled_total else 0.0,
	}


def totals_of(stats: dict) -> dict:
	"""The campaign's counter fields from its stats."""
	return {
		"enrolled_count": stats["enrolled"],
		"active_count": stats["by_status"].get("Active", 0) + stats["by_status"].get("Waiting", 0),
		"sent_count": sum(r.sent for r in stats["steps"]),
		"unknown_count": sum(r.unknown for r in stats["steps"]),
		"applied_count": stats["applied"],
		"hired_count": stats["hired"],
	}


def refresh_counters(campaign: str) -> dict:
	"""Store the counters shown in the campaign list."""
	stats = campaign_stats(campaign)
	frappe.db.set_value(CAMPAIGN, campaign, totals_of(stats), update_modified=False)
	return stats


def stats_html(stats: dict) -> str:
	return frappe.render_template(
		"recruit_crm/templates/includes/nurture_stats.html",
		{"stats": stats, "columns": FUNNEL_COLUMNS, "_": _},
	)


def campaign_stats_html(campaign: str) -> str:
	return stats_html(campaign_stats(campaign))


# --- dry run ----------------------------------------------------------------------------------


def dry_run(campaign: str, sample_size: int = 5, forecast_days: int = 30) -> dict:
	"""Who would enter (and who is left out, why), each sampled person's rendered emails, and a
	day-by-day forecast of sends under the campaign's business hours, holidays and caps."""
	doc = frappe.get_doc(CAMPAIGN, campaign)
	sql, params = audience.audience_sql(doc)
	now = now_datetime()
	params = {**params, "today": now.date(), "campaign": campaign}
	manual = not sql
	if sql:
		base = f"""from `tabRC Candidate` c where c.name in (select a.name from ({sql}) a)
			and not exists (select 1 from `tab{ENROLLMENT}` e where e.nurture_campaign = %(campaign)s
				and e.candidate = c.name)"""
	else:
		# Manual enrolment only: preview the people enrolled so far who are still in the sequence.
		sql = f"""select e.candidate as name from `tab{ENROLLMENT}` e where e.nurture_campaign = %(campaign)s
			and e.status in ('Active', 'Waiting', 'Paused')"""
		base = f"from `tabRC Candidate` c where c.name in (select a.name from ({sql}) a)"
	entering = frappe.db.sql(f"select count(*) {base} and {SENDABLE_SQL}", params)[0][0]
	left_out, left_out_examples = left_out_by_reason(base, params)
	already = frappe.db.sql(
		f"""select count(*) from `tab{ENROLLMENT}` e where e.nurture_campaign = %(campaign)s
		and e.candidate in (select a.name from ({sql}) a)""",
		params,
	)[0][0]
	timezones = dict(
		frappe.db.sql(f"select c.timezone, count(*) {base} and {SENDABLE_SQL} group by c.timezone", params)
	)
	sample_names = frappe.db.sql(
		f"select c.name {base} and {SENDABLE_SQL} order by c.name limit %(n)s",
		{**params, "n": sample_size},
		pluck=True,
	)
	renderer = Renderer(preview=True)  # no live tracking in what a recruiter previews
	renderer.load_people(sample_names)
	sample = []
	for candidate in sample_names:
		enrollment = f"{campaign}-{candidate}"
		emails = []
		for step in doc.steps:
			if step.step_type not in constants.EMAIL_STEP_TYPES:
				continue
			b = (step.ab_split_percent or 0) if step.variant_email_template else 0
			variant = nurture.variant_for(enrollment, step.step_key, b)
			subject, html, _t = renderer.render(
				{"name": f"{enrollment}-{step.step_key}-1", "nurture_campaign": campaign, "step_key": step.step_key,
					"variant": variant, "candidate": candidate}
			)  # fmt: skip
			emails.append(
				{
					"step": step.idx,
					"label": step.label or step.step_type,
					"variant": variant,
					"subject": subject,
					"html": html,
				}
			)
		person = renderer.people.get(candidate) or {}
		sample.append({"candidate": candidate, "full_name": person.get("full_name"), "emails": emails})
	days = send_rules.forecast(
		constants.to_aware(now),
		timezones,
		campaigns.steps_of(doc),
		campaigns.window_of(doc),
		campaigns.caps_of(doc),
		days=forecast_days,
	)
	return {
		"manual": manual,
		"entering": entering,
		"left_out": left_out,
		"left_out_help": {reason: _(constants.LEFT_OUT_HELP.get(reason, "")) for reason in left_out},
		"left_out_examples": left_out_examples,
		"already_enrolled": already,
		"timezones": {k or _("(campaign default)"): v for k, v in Counter(timezones).most_common(10)},
		"sample": sample,
		"forecast": [{"date": str(d), "emails": n} for d, n in days],
		"forecast_total": sum(n for _d, n in days),
	}


def left_out_by_reason(base: str, params: dict, examples: int = 3) -> tuple[dict[str, int], dict]:
	"""How many of the people `base` selects may not be emailed, by the reason a recruiter can act
	on (never asked, withdrew, expired, ...), and a few of them per reason.

	`base` is a `from ... where ...` clause over RC Candidate aliased `c`; `params` holds `today`.
	"""
	reason = constants.LEFT_OUT_REASON_SQL
	counts = dict(
		frappe.db.sql(f"select {reason}, count(*) {base} and not {SENDABLE_SQL} group by 1", params)
	)
	samples: dict[str, list[dict]] = {}
	if counts:
		for row in frappe.db.sql(
			f"""select x.reason, x.name, x.full_name from (
				select y.*, row_number() over (partition by y.reason order by y.name) as n from (
					select {reason} as reason, c.name, c.full_name {base} and not {SENDABLE_SQL}) y
				) x where x.n <= %(examples)s order by x.reason, x.name""",
			{**params, "examples": examples},
			as_dict=True,
		):
			samples.setdefault(row.reason, []).append({"name": row.name, "full_name": row.full_name})
	return counts, samples
