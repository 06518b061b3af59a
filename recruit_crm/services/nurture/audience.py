"""Who is in a campaign: audiences from pools and rules (bound parameters only), set-based
enrolment, re-entry, manual enrolment, and pausing, resuming and ending enrolments.
"""

import re
from datetime import datetime, timedelta

import frappe
from frappe import _
from frappe.utils import flt, now_datetime

from recruit_crm.domain import nurture
from recruit_crm.domain.nurture import ExitReason
from recruit_crm.domain.pool_rules import RuleError, compile_rules
from recruit_crm.domain.rule_words import describe_rules
from recruit_crm.services.engagement.scoring import get_settings, score_sql
from recruit_crm.services.nurture.campaigns import first_step_idx
from recruit_crm.services.nurture.constants import (
	CAMPAIGN,
	CANDIDATE,
	CHUNK,
	ENROLLMENT,
	MESSAGE,
	SENDABLE_SQL,
)


def _enrollment_name(campaign: str, candidate: str) -> str:
	return f"{campaign}-{candidate}"


def audience_sql(campaign) -> tuple[str, dict]:
	"""SQL selecting `c.name` of everyone the campaign's pools and rules name (sendable or not).

	Every value a user chose is a bound parameter: rules in the smart-pool format compile through
	the pool-rules compiler, and older Frappe-style filter lists through `frappe.qb`, whose
	parameters are renamed so they cannot collide. Nothing typed by a user is spliced into SQL.
	"""
	parts: list[str] = []
	params: dict = {}
	pools = [p.talent_pool for p in campaign.talent_pools]
	if pools:
		parts.append(
			"""select m.candidate as name from `tabRC Talent Pool Member` m
			where m.talent_pool in %(aud_pools)s and m.removed_at is null"""
		)
		params["aud_pools"] = pools
	rules_sql = _audience_rules_sql(
		frappe.parse_json(campaign.audience_rules) if campaign.audience_rules else None, params
	)
	if rules_sql:
		parts.append(rules_sql)
	if not parts:
		return "", {}
	return " union ".join(f"({p})" for p in parts), params


def _audience_rules_sql(rules, params: dict) -> str | None:
	if not rules:
		return None
	if isinstance(rules, dict) and "conditions" in rules:
		compiled = compile_rules(rules, now_datetime(), get_settings().half_life_days)
		for key, value in compiled.params.items():
			params[f"aud_{key}"] = value
		condition = re.sub(r"%\((p\d+)\)s", r"%(aud_\1)s", compiled.sql)
		return f"select c.name from `tab{CANDIDATE}` c where {condition}"
	filters, score_conditions = _split_score_filters(rules, params)
	query = frappe.qb.get_query(CANDIDATE, filters=filters, fields=["name"], validate_filters=True)
	sql, qb_params = query.walk()
	for key, value in qb_params.items():
		params[f"aud_qb_{key}"] = value
	sql = re.sub(r"%\(([A-Za-z0-9_]+)\)s", r"%(aud_qb_\1)s", sql)
	if score_conditions:
		sql = f"""select c.name from ({sql}) f join `tab{CANDIDATE}` c on c.name = f.name
			where {" and ".join(score_conditions)}"""
	return sql


def rules_preview(rules: dict, sample_size: int = 5) -> dict:
	"""What the rule editor shows under campaign rules: how many candidates match now, how many of
	them may be emailed, a few of those, and the rules in words; or the error, if they do not compile."""
	params: dict = {}
	try:
		sql = _audience_rules_sql(rules, params)
	except RuleError as e:
		return {"count": None, "sendable": None, "error": str(e), "sample": [], "summary": ""}
	params["today"] = now_datetime().date()
	matched = (
		f"from `tab{CANDIDATE}` c where c.is_anonymized = 0 and c.name in (select a.name from ({sql}) a)"
	)
	count, sendable = frappe.db.sql(f"select count(*), coalesce(sum({SENDABLE_SQL}), 0) {matched}", params)[0]
	sample = frappe.db.sql(
		f"select c.name, c.full_name {matched} and {SENDABLE_SQL} order by c.name limit %(n)s",
		{**params, "n": sample_size},
		as_dict=True,
	)
	return {
		"count": int(count),
		"sendable": int(sendable),
		"error": None,
		"sample": sample,
		"summary": describe_rules(rules),
	}


_SCORE_OPERATORS = {">", ">=", "<", "<=", "=", "!=", "between"}


def _split_score_filters(filters, params: dict) -> tuple[list | dict, list[str]]:
	"""Take engagement-score filters out of frappe-style `filters` and compile them against the
	score as it is today (stored scores decay on read). Returns (other filters, SQL conditions)."""
	if isinstance(filters, dict):
		filters = [
			[key, *(value if isinstance(value, list | tuple) else ["=", value])]
			for key, value in filters.items()
		]
	rest, conditions = [], []
	score = score_sql("c")
	for f in filters:
		if isinstance(f, list | tuple) and len(f) in (3, 4) and f[-3] == "engagement_score":
			op, value = str(f[-2]).strip().lower(), f[-1]
			if op not in _SCORE_OPERATORS:
				frappe.throw(
					_("Engagement score filters support {0}.").format(", ".join(sorted(_SCORE_OPERATORS)))
				)
			key = f"aud_score_{len(conditions)}"
			if op == "between":
				low, high = (flt(v) for v in value)
				params[f"{key}_low"], params[f"{key}_high"] = low, high
				conditions.append(f"{score} between %({key}_low)s and %({key}_high)s")
			else:
				params[key] = flt(value)
				conditions.append(f"{score} {op} %({key})s")
		else:
			rest.append(f)
	return rest, conditions


def enroll_audience(campaign: str, now: datetime | None = None) -> int:
	"""Enrol (set-based) everyone the pools and rules name who may be emailed; re-admit people
	whose earlier enrolment ended long enough ago under the re-entry rule. Returns how many."""
	doc = frappe.get_doc(CAMPAIGN, campaign)
	sql, params = audience_sql(doc)
	if not sql:
		return 0
	source = "Pool" if doc.talent_pools else "Rule"
	return _enroll_from_sql(doc, f"select a.name from ({sql}) a", params, source, None, now or now_datetime())


def enroll(campaign: str, candidates: list[str], enrolled_by: str | None = None) -> dict:
	"""Manually enrol people (from a list view). People who may not be emailed are skipped."""
	doc = frappe.get_doc(CAMPAIGN, campaign)
	names = sorted({c for c in candidates if c})
	if doc.status == "Completed":
		return {"enrolled": 0, "skipped": len(names)}
	total = 0
	for start in range(0, len(names), CHUNK):
		total += _enroll_from_sql(
			doc,
			"select c0.name from `tabRC Candidate` c0 where c0.name in %(manual)s",
			{"manual": names[start : start + CHUNK]},
			"Manual",
			enrolled_by or frappe.session.user,
			now_datetime(),
		)
	return {"enrolled": total, "skipped": len(names) - total}


def _enroll_from_sql(doc, source_sql: str, params: dict, source: str, user: str | None, now) -> int:
	params = {
		**params,
		"campaign": doc.name,
		"now": now,
		"today": now.date(),
		"first": first_step_idx(doc),
		"source": source,
		"user": user,
		"owner": user or "Administrator",
		"reenter_before": now - timedelta(days=doc.reentry_after_days or 0),
	}
	frappe.db.sql(
		f"""insert ignore into `tab{ENROLLMENT}` (name, creation, modified, owner, modified_by, docstatus, idx,
			nurture_campaign, candidate, status, current_step, next_action_at, entry_round, source,
			enrolled_at, enrolled_by)
		select concat(%(campaign)s, '-', c.name), %(now)s, %(now)s, %(owner)s, %(owner)s, 0, 0,
			%(campaign)s, c.name, 'Active', %(first)s, %(now)s, 1, %(source)s, %(now)s, %(user)s
		from `tabRC Candidate` c
		where c.name in ({source_sql}) and {SENDABLE_SQL}""",
		params,
	)
	inserted = frappe.db.sql("select row_count()")[0][0]
	reentered = 0
	if doc.reentry_policy == nurture.ReentryPolicy.AFTER_DAYS.value:
		frappe.db.sql(
			f"""update `tab{ENROLLMENT}` e join `tabRC Candidate` c on c.name = e.candidate
			set e.status = 'Active', e.current_step = %(first)s, e.next_action_at = %(now)s,
				e.entry_round = e.entry_round + 1, e.exit_reason = '', e.paused_reason = null,
				e.ended_at = null, e.enrolled_at = %(now)s, e.source = %(source)s, e.modified = %(now)s
			where e.nurture_campaign = %(campaign)s and e.status in ('Completed', 'Exited')
				and e.ended_at <= %(reenter_before)s and ifnull(e.exit_reason, '') != 'Removed By Recruiter'
				and e.candidate in ({source_sql}) and {SENDABLE_SQL}""",
			params,
		)
		reentered = frappe.db.sql("select row_count()")[0][0]
	return inserted + reentered


def sync_audiences(now: datetime | None = None) -> int:
	"""Enrol new pool members and rule matches of every active, auto-enrolling campaign."""
	total = 0
	for name in frappe.get_all(CAMPAIGN, filters={"status": "Active", "auto_enroll": 1}, pluck="name"):
		total += enroll_audience(name, now)
	return total


def remove(enrollments: list[str], reason: str = ExitReason.REMOVED.value) -> int:
	"""Take people out of a campaign; their unsent messages are cancelled."""
	return exit_enrollments(enrollments, reason)


def pause_enrollments(enrollments: list[str], reason: str) -> None:
	frappe.db.sql(
		f"""update `tab{ENROLLMENT}` set status = 'Paused', paused_reason = %(reason)s, modified = %(now)s
		where name in %(names)s and status in ('Active', 'Waiting')""",
		{"names": enrollments, "reason": reason[:140], "now": now_datetime()},
	)


def resume_enrollments(enrollments: list[str]) -> None:
	"""Continue paused enrolments from where they stopped (a queued email is still sent once)."""
	now = now_datetime()
	frappe.db.sql(
		f"""update `tab{ENROLLMENT}` e
		set e.status = if(exists(select 1 from `tab{MESSAGE}` m where m.enrollment = e.name
				and m.status in ('Queued', 'Sending', 'Unknown')), 'Waiting', 'Active'),
			e.paused_reason = null, e.next_action_at = %(now)s, e.modified = %(now)s
		where e.name in %(names)s and e.status = 'Paused'""",
		{"names": enrollments, "now": now},
	)


def exit_enrollments(enrollments: list[str], reason: str, now: datetime | None = None) -> int:
	"""End enrolments with a reason and cancel their messages that were not sent yet."""
	if not enrollments:
		return 0
	now = now or now_datetime()
	count = 0
	for start in range(0, len(enrollments), CHUNK):
		chunk = enrollments[start : start + CHUNK]
		frappe.db.sql(
			f"""update `tab{ENROLLMENT}` set status = 'Exited', exit_reason = %(reason)s, ended_at = %(now)s,
				modified = %(now)s where name in %(names)s and status in ('Active', 'Waiting', 'Paused')""",
			{"names": chunk, "reason": reason, "now": now},
		)
		count += frappe.db.sql("select row_count()")[0][0]
		frappe.db.sql(
			f"""update `tab{MESSAGE}` set status = 'Cancelled', error = %(reason)s, modified = %(now)s
			where enrollment in %(names)s and status = 'Queued'""",
			{"names": chunk, "reason": reason, "now": now},
		)
		if reason == ExitReason.UNSUBSCRIBED.value:
			# credit the unsubscribe to the last email the person received
			frappe.db.sql(
				f"""update `tab{MESSAGE}` m join (select enrollment, max(sent_at) as sent_at from `tab{MESSAGE}`
					where enrollment in %(names)s and status = 'Sent' group by enrollment) x
					on x.enrollment = m.enrollment and x.sent_at = m.sent_at
				set m.unsubscribed_at = ifnull(m.unsubscribed_at, %(now)s)""",
				{"names": chunk, "now": now},
			)
	return count


def exit_candidate(candidate: str, reason: str, only_if: tuple[str, ...] = ()) -> int:
	"""End every live enrolment of a person (all campaigns, or those whose goal `only_if` names)."""
	names = frappe.get_all(
		ENROLLMENT,
		filters={"candidate": candidate, "status": ["in", ["Active", "Waiting", "Paused"]]},
		fields=["name", "nurture_campaign"],
	)
	if only_if:
		flags = {
			c.name: c
			for c in frappe.get_all(
				CAMPAIGN,
				filters={"name": ["in", list({n.nurture_campaign for n in names}) or [""]]},
				fields=["name", *only_if],
			)
		}
		names = [n for n in names if any(flags.get(n.nurture_campaign, {}).get(f) for f in only_if)]
	return exit_enrollments([n.name for n in names], reason)


def repoint_candidate(source: str, target: str) -> None:
	"""Before a merge: enrolments of `source` in campaigns `target` is also in would collide on the
	(campaign, candidate) key, so those are ended; the rest follow the merge-rename."""
	clashing = frappe.db.sql(
		f"""select s.name from `tab{ENROLLMENT}` s join `tab{ENROLLMENT}` t
			on t.nurture_campaign = s.nurture_campaign and t.candidate = %(target)s
		where s.candidate = %(source)s""",
		{"source": source, "target": target},
		pluck=True,
	)
	if clashing:
		exit_enrollments(clashing, ExitReason.REMOVED.value)
		frappe.db.sql(
			f"update `tab{MESSAGE}` set candidate = %(target)s where enrollment in %(names)s",
			{"target": target, "names": clashing},
		)
		frappe.db.sql(f"delete from `tab{ENROLLMENT}` where name in %(names)s", {"names": clashing})
