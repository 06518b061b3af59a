"""Nurture campaigns: audiences and enrolment, the step engine, goals and exits, operator actions.

Delivery (claiming, rendering, SMTP, crash recovery) lives in `nurture_delivery`; numbers and
dry runs in `nurture_reports`. Every decision is made by `recruit_crm.domain.nurture`; this module
loads facts set-based, hands them over and writes the outcome back in multi-row statements.
"""

import re
import time as _time
from collections import defaultdict
from datetime import datetime, timedelta, timezone

import frappe
from frappe import _
from frappe.utils import add_days, flt, get_datetime, getdate, now_datetime, random_string

from recruit_crm.domain import nurture as rules
from recruit_crm.domain.naming import sortable_names
from recruit_crm.domain.nurture import (
	EMAIL_STEPS,
	EnrollmentStatus,
	ExitReason,
	MessageStatus,
	Step,
	StepType,
)
from recruit_crm.domain.pool_rules import compile_rules
from recruit_crm.services.scoring import get_settings, score_sql

CAMPAIGN = "RC Nurture Campaign"
ENROLLMENT = "RC Nurture Enrollment"
MESSAGE = "RC Nurture Message"
CANDIDATE = "RC Candidate"
CHUNK = 5000
TICK_LIMIT = 20_000  # enrolments moved per tick by the Python pass
EMAIL_STEP_TYPES = tuple(s.value for s in EMAIL_STEPS)

# A person may receive marketing email: the contract every feature filters on (alias `c`).
SENDABLE_SQL = """(c.do_not_contact = 0 and c.is_unsubscribed = 0 and c.has_bounced = 0
	and c.has_marketing_consent = 1 and c.is_anonymized = 0
	and (c.consent_expires_on is null or c.consent_expires_on >= %(today)s)
	and ifnull(c.email_frequency, '') != 'Important Only' and ifnull(c.email, '') != '')"""

# Why a person may not receive it, in the order the domain checks (alias `c`).
SUPPRESSION_REASON_SQL = """case
	when c.is_anonymized = 1 or c.do_not_contact = 1 then 'Do Not Contact'
	when c.is_unsubscribed = 1 then 'Unsubscribed'
	when c.has_bounced = 1 then 'Bounced'
	when c.has_marketing_consent = 0 or c.consent_expires_on < %(today)s then 'Consent Lost'
	when c.email_frequency = 'Important Only' then 'Email Preferences'
	else 'Do Not Contact' end"""


def utcnow_naive() -> datetime:
	"""Frappe stores naive datetimes in the system time zone."""
	return now_datetime()


def to_aware(value: datetime) -> datetime:
	"""A stored (system time zone) datetime as an aware one."""
	from zoneinfo import ZoneInfo

	from frappe.utils import get_system_timezone

	return get_datetime(value).replace(tzinfo=ZoneInfo(get_system_timezone()))


def to_naive(value: datetime) -> datetime:
	"""An aware datetime as a stored (system time zone) one."""
	from zoneinfo import ZoneInfo

	from frappe.utils import get_system_timezone

	return value.astimezone(ZoneInfo(get_system_timezone())).replace(tzinfo=None)


# --- configuration -----------------------------------------------------------------------------


def steps_of(campaign) -> list[Step]:
	"""The campaign's steps as domain values."""
	out = []
	for s in campaign.steps:
		out.append(
			Step(
				idx=s.idx,
				step_type=StepType(s.step_type),
				key=s.step_key or "",
				wait_amount=s.wait_amount or 0,
				wait_unit=s.wait_unit or "Days",
				wait_until=to_aware(s.wait_until_at) if s.wait_until_at else None,
				condition=rules.BranchCondition(s.condition) if s.condition else None,
				condition_value=s.condition_value or "",
				yes_step=s.yes_step or 0,
				no_step=s.no_step or 0,
				ab_split_percent=(s.ab_split_percent or 0) if s.variant_email_template else 0,
			)
		)
	return out


def goals_of(campaign) -> rules.Goals:
	return rules.Goals(
		exit_on_apply=bool(campaign.exit_on_apply),
		exit_on_reply=bool(campaign.exit_on_reply),
		exit_on_hire=bool(campaign.exit_on_hire),
		goal_stage=campaign.goal_stage or "",
	)


def caps_of(campaign) -> rules.Caps:
	return rules.Caps(
		per_sender_per_day=campaign.per_sender_daily_cap or 0,
		per_campaign_per_hour=campaign.per_campaign_hourly_cap or 0,
	)


def holiday_list_of(campaign) -> str | None:
	if campaign.holiday_list:
		return campaign.holiday_list
	company = frappe.defaults.get_global_default("company") or frappe.db.get_value("Company", {}, "name")
	return frappe.db.get_value("Company", company, "default_holiday_list") if company else None


def window_of(campaign) -> rules.SendWindow:
	"""Business hours, weekdays and the company's holidays for the next 400 days."""
	from datetime import time

	from frappe.utils import get_system_timezone

	def as_time(value, default):
		if value is None or value == "":
			return default
		if isinstance(value, timedelta):
			seconds = int(value.total_seconds())
			return time(seconds // 3600 % 24, seconds // 60 % 60)
		parts = [int(float(p)) for p in str(value).split(":")]
		return time(parts[0] % 24, parts[1] if len(parts) > 1 else 0)

	holidays: frozenset = frozenset()
	holiday_list = holiday_list_of(campaign)
	if holiday_list:
		today = getdate()
		holidays = frozenset(
			getdate(d)
			for d in frappe.get_all(
				"Holiday",
				filters={
					"parent": holiday_list,
					"holiday_date": ["between", [add_days(today, -1), add_days(today, 400)]],
					# a Holiday List also lists weekly offs; those are covered by the weekdays
					"weekly_off": 0,
				},
				pluck="holiday_date",
			)
		)
	return rules.SendWindow(
		start=as_time(campaign.send_start_time, time(9)),
		end=as_time(campaign.send_end_time, time(17)),
		weekdays=frozenset(range(7)) if campaign.send_on_weekends else frozenset(range(5)),
		holidays=holidays,
		default_tz=campaign.default_timezone or get_system_timezone() or "UTC",
	)


_campaign_cache: dict[str, tuple[str, float, object]] = {}
CAMPAIGN_RECHECK_SECONDS = 2.0


def campaign_doc(name: str):
	"""A campaign document, cached per process; re-validated against `modified` every 2 seconds,
	so a pause or an edit reaches running workers almost at once without a query per message."""
	cached = _campaign_cache.get(name)
	now = _time.monotonic()
	if cached and now - cached[1] < CAMPAIGN_RECHECK_SECONDS:
		return cached[2]
	modified = str(frappe.db.get_value(CAMPAIGN, name, "modified"))
	if cached and cached[0] == modified:
		_campaign_cache[name] = (modified, now, cached[2])
		return cached[2]
	doc = frappe.get_doc(CAMPAIGN, name)
	_campaign_cache[name] = (modified, now, doc)
	return doc


def step_by_key(campaign, step_key: str):
	for s in campaign.steps:
		if s.step_key == step_key:
			return s
	return None


def first_step_idx(campaign) -> int:
	return min((s.idx for s in campaign.steps), default=1)


# --- lifecycle --------------------------------------------------------------------------------


def launch(campaign: str) -> dict:
	"""Start a campaign: validate it, enrol its audience and run the first steps."""
	doc = frappe.get_doc(CAMPAIGN, campaign)
	if not doc.steps:
		frappe.throw(_("Add at least one step before launching."))
	doc.validate()
	doc.db_set({"status": "Active", "launched_at": doc.launched_at or now_datetime()})
	enrolled = enroll_audience(campaign)
	return {"enrolled": enrolled}


def pause(campaign: str) -> None:
	"""Hold every enrolment and queued message of a campaign until it is resumed."""
	_campaign_cache.pop(campaign, None)
	frappe.db.set_value(CAMPAIGN, campaign, "status", "Paused")


def resume(campaign: str) -> None:
	"""Carry on: queued messages become due now (the send rules still apply)."""
	_campaign_cache.pop(campaign, None)
	frappe.db.set_value(CAMPAIGN, campaign, "status", "Active")
	frappe.db.sql(
		f"""update `tab{MESSAGE}` set due_at = %(now)s where nurture_campaign = %(c)s and status = 'Queued'""",
		{"c": campaign, "now": now_datetime()},
	)


def complete(campaign: str) -> None:
	"""Stop a campaign for good: enrolments exit, unsent messages are cancelled."""
	_campaign_cache.pop(campaign, None)
	now = now_datetime()
	frappe.db.set_value(CAMPAIGN, campaign, "status", "Completed")
	frappe.db.sql(
		f"""update `tab{ENROLLMENT}` set status = 'Exited', exit_reason = %(reason)s, ended_at = %(now)s,
			modified = %(now)s where nurture_campaign = %(c)s and status in ('Active', 'Waiting', 'Paused')""",
		{"c": campaign, "now": now, "reason": ExitReason.CAMPAIGN_STOPPED.value},
	)
	frappe.db.sql(
		f"""update `tab{MESSAGE}` set status = 'Cancelled', modified = %(now)s
		where nurture_campaign = %(c)s and status = 'Queued'""",
		{"c": campaign, "now": now},
	)


# --- audience and enrolment -------------------------------------------------------------------


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
	if doc.reentry_policy == rules.ReentryPolicy.AFTER_DAYS.value:
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


# --- the step engine --------------------------------------------------------------------------


def run_tick(now: datetime | None = None) -> dict:
	"""One scheduler pass: suppress, move due enrolments, queue due email steps (all set-based)."""
	now = now or now_datetime()
	suppressed = suppress_unsendable(now)
	sync_engagement(now)
	goals = exit_goals_met(now)
	moved = advance_due(now)
	queued = queue_due_steps(now)
	return {"suppressed": suppressed, "goals": goals, "moved": moved, "queued": queued}


ENGAGEMENT_WATERMARK = "recruit_crm_nurture_engagement_watermark"


def sync_engagement(now: datetime) -> None:
	"""Copy opens and clicks of campaign email (recorded as touchpoints by the tracking endpoints)
	onto the ledger, set-based from a watermark, for branching and per-variant results."""
	since = frappe.db.get_default(ENGAGEMENT_WATERMARK)
	since = get_datetime(since) - timedelta(minutes=5) if since else datetime(1970, 1, 1)
	frappe.db.sql(
		f"""update `tab{MESSAGE}` m join (
			select reference_name,
				min(if(touchpoint_type = 'Email Opened', occurred_at, null)) as opened,
				min(if(touchpoint_type = 'Email Clicked', occurred_at, null)) as clicked
			from `tabRC Touchpoint`
			where modified >= %(since)s and reference_doctype = %(doctype)s
				and touchpoint_type in ('Email Opened', 'Email Clicked')
			group by reference_name) t on t.reference_name = m.name
		set m.opened_at = coalesce(m.opened_at, t.opened, t.clicked), m.clicked_at = coalesce(m.clicked_at, t.clicked)""",
		{"since": since, "doctype": MESSAGE},
	)
	frappe.db.set_default(ENGAGEMENT_WATERMARK, str(now))


def exit_goals_met(now: datetime) -> int:
	"""People who applied since they were enrolled, were hired or reached the goal stage leave the
	campaigns whose goal that is (set-based, every tick, whatever step they are at)."""
	live = "e.status in ('Active', 'Waiting', 'Paused')"
	funnel = ", ".join(f"%(f{i})s" for i in range(len(rules.FUNNEL)))
	found = frappe.db.sql(
		f"""select e.name, 'Hired' from `tab{ENROLLMENT}` e
			join `tab{CAMPAIGN}` k on k.name = e.nurture_campaign and k.exit_on_hire = 1
			join `tabRC Candidate` c on c.name = e.candidate and c.crm_stage = 'Hired'
		where {live}
		union all
		select e.name, 'Applied' from `tab{ENROLLMENT}` e
			join `tab{CAMPAIGN}` k on k.name = e.nurture_campaign and k.exit_on_apply = 1
		where {live} and exists (select 1 from `tabJob Applicant` a
			where a.rc_candidate = e.candidate and a.creation >= e.enrolled_at)
		union all
		select e.name, 'Goal Stage Reached' from `tab{ENROLLMENT}` e
			join `tab{CAMPAIGN}` k on k.name = e.nurture_campaign and ifnull(k.goal_stage, '') != ''
			join `tabRC Candidate` c on c.name = e.candidate
		where {live} and (c.crm_stage = k.goal_stage or (field(c.crm_stage, {funnel}) >= field(k.goal_stage, {funnel})
			and field(k.goal_stage, {funnel}) > 0))""",
		{f"f{i}": stage for i, stage in enumerate(rules.FUNNEL)},
	)
	by_reason: dict[str, list[str]] = defaultdict(list)
	seen = set()
	for name, reason in found:
		if name not in seen:
			seen.add(name)
			by_reason[reason].append(name)
	for reason, names in by_reason.items():
		exit_enrollments(names, reason, now)
	return len(seen)


def suppress_unsendable(now: datetime) -> int:
	"""People who unsubscribed, bounced or lost consent: their queued messages are suppressed and
	their enrolments exit, whatever campaign they are in."""
	params = {"today": now.date(), "now": now}
	rows = frappe.db.sql(
		f"""select m.name, m.enrollment, {SUPPRESSION_REASON_SQL} as reason
		from `tab{MESSAGE}` m join `tabRC Candidate` c on c.name = m.candidate
		where m.status = 'Queued' and not {SENDABLE_SQL}""",
		params,
	)
	rows += frappe.db.sql(
		f"""select null, e.name, {SUPPRESSION_REASON_SQL} as reason
		from `tab{ENROLLMENT}` e join `tabRC Candidate` c on c.name = e.candidate
		where e.status in ('Active', 'Paused') and not {SENDABLE_SQL}""",
		params,
	)
	if not rows:
		return 0
	mark_suppressed([r[0] for r in rows if r[0]], now)
	by_reason: dict[str, list[str]] = defaultdict(list)
	for _m, enrollment, reason in rows:
		by_reason[reason].append(enrollment)
	for reason, enrollments in by_reason.items():
		exit_enrollments(sorted(set(enrollments)), reason, now)
	return len(rows)


def mark_suppressed(messages: list[str], now: datetime) -> None:
	for start in range(0, len(messages), CHUNK):
		frappe.db.sql(
			f"""update `tab{MESSAGE}` set status = 'Suppressed', modified = %(now)s
			where name in %(names)s and status in ('Queued', 'Sending')""",
			{"names": messages[start : start + CHUNK], "now": now},
		)


def advance_due(now: datetime, limit: int = TICK_LIMIT) -> int:
	"""Move enrolments that are due and not at an email step (waits, branches, tasks, updates)."""
	rows = frappe.db.sql(
		f"""select e.name, e.nurture_campaign, e.candidate, e.current_step, e.entry_round, e.enrolled_at
		from `tab{ENROLLMENT}` e
		join `tab{CAMPAIGN}` k on k.name = e.nurture_campaign and k.status = 'Active'
		left join `tabRC Nurture Step` s on s.parent = e.nurture_campaign and s.parenttype = %(campaign)s
			and s.idx = e.current_step
		where e.status = 'Active' and e.next_action_at <= %(now)s
			and (s.name is null or s.step_type not in %(email_types)s)
		order by e.next_action_at limit %(limit)s""",
		{"now": now, "limit": limit, "campaign": CAMPAIGN, "email_types": EMAIL_STEP_TYPES},
		as_dict=True,
	)
	if not rows:
		return 0
	facts = _facts(rows)
	aware_now = to_aware(now)
	updates: list[tuple] = []
	exits: dict[str, list[str]] = defaultdict(list)
	actions: list[tuple[object, Step, dict]] = []
	plans: dict[str, tuple] = {}
	for name in {r.nurture_campaign for r in rows}:
		campaign = campaign_doc(name)
		plans[name] = (campaign, goals_of(campaign), steps_of(campaign))
	for row in rows:
		campaign, goals, steps = plans[row.nurture_campaign]
		person, fact = facts[row.name]
		reason = rules.exit_reason(goals, person, now.date())
		if reason:
			exits[reason.value].append(row.name)
			continue
		result = rules.advance(steps, row.current_step, fact, aware_now)
		for step in result.actions:
			actions.append((campaign, step, row))
		if result.exit_reason:
			exits[result.exit_reason.value].append(row.name)
		elif result.status == EnrollmentStatus.COMPLETED:
			updates.append((row.name, "Completed", None, None, now))
		else:
			updates.append((row.name, "Active", result.position, to_naive(result.next_action_at), None))
	_run_actions(actions, now)
	_move_enrollments(updates, now)
	for reason, names in exits.items():
		exit_enrollments(names, reason, now)
	return len(rows)


def _move_enrollments(updates: list[tuple], now: datetime, chunk: int = 1000) -> None:
	"""Write (name, status, step, next_action_at, ended_at) in multi-row statements, only for
	enrolments still Active: a reply or an unsubscribe that landed meanwhile wins."""
	for start in range(0, len(updates), chunk):
		rows = updates[start : start + chunk]
		derived = " union all ".join(
			["select %s as name, %s as status, %s as step, %s as at, %s as ended"] * len(rows)
		)
		frappe.db.sql(
			f"""update `tab{ENROLLMENT}` e join ({derived}) u on u.name = e.name
			set e.status = u.status, e.current_step = coalesce(u.step, e.current_step),
				e.next_action_at = u.at, e.ended_at = u.ended, e.modified = %s
			where e.status = 'Active'""",
			[v for row in rows for v in row] + [now],
		)


def _facts(rows: list[dict]) -> dict[str, tuple[rules.Person, rules.Facts]]:
	"""Person flags and behaviour for each enrolment, in a fixed number of queries."""
	candidates = sorted({r.candidate for r in rows})
	people = {
		c.name: c
		for c in frappe.db.sql(
			f"""select c.name, c.do_not_contact, c.is_unsubscribed, c.has_bounced, c.has_marketing_consent,
				c.consent_expires_on, c.is_anonymized, c.email_frequency, c.crm_stage,
				{score_sql("c")} as engagement_score, c.readiness_stage
			from `tabRC Candidate` c where c.name in %(names)s""",
			{"names": candidates},
			as_dict=True,
		)
	}
	latest_application = dict(
		frappe.db.sql(
			"""select rc_candidate, max(creation) from `tabJob Applicant`
			where rc_candidate in %(names)s group by rc_candidate""",
			{"names": candidates},
		)
	)
	behaviour = {
		r[0]: r[1:]
		for r in frappe.db.sql(
			f"""select m.enrollment, max(m.opened_at is not null), max(m.clicked_at is not null),
				max(m.replied_at is not null)
			from `tab{MESSAGE}` m join `tab{ENROLLMENT}` e on e.name = m.enrollment
			where m.enrollment in %(names)s and m.entry_round = e.entry_round group by m.enrollment""",
			{"names": [r.name for r in rows]},
		)
	}
	out = {}
	for r in rows:
		c = people.get(r.candidate) or frappe._dict()
		opened, clicked, replied = behaviour.get(r.name, (0, 0, 0))
		applied_at = latest_application.get(r.candidate)
		person = rules.Person(
			do_not_contact=bool(c.get("do_not_contact")),
			is_unsubscribed=bool(c.get("is_unsubscribed")),
			has_bounced=bool(c.get("has_bounced")),
			has_marketing_consent=bool(c.get("has_marketing_consent")),
			consent_expires_on=getdate(c.consent_expires_on) if c.get("consent_expires_on") else None,
			is_anonymized=bool(c.get("is_anonymized")),
			email_frequency=c.get("email_frequency") or "Any",
			applied_since_enrolment=bool(applied_at and r.enrolled_at and applied_at >= r.enrolled_at),
			hired=c.get("crm_stage") == "Hired",
			replied=bool(replied),
			stage=c.get("crm_stage") or "",
		)
		fact = rules.Facts(
			opened=bool(opened),
			clicked=bool(clicked),
			replied=bool(replied),
			score=float(c.get("engagement_score") or 0),
			stage=c.get("crm_stage") or "",
			readiness=c.get("readiness_stage") or "",
		)
		out[r.name] = (person, fact)
	return out


def _run_actions(actions: list[tuple[object, Step, dict]], now: datetime) -> None:
	"""Tasks and candidate updates, grouped by step so each group is a few statements."""
	grouped: dict[tuple[str, str], list[dict]] = defaultdict(list)
	campaigns = {}
	for campaign, step, row in actions:
		grouped[(campaign.name, step.key)].append(row)
		campaigns[campaign.name] = campaign
	for (campaign_name, key), rows in grouped.items():
		campaign = campaigns[campaign_name]
		step = step_by_key(campaign, key)
		candidates = [r.candidate for r in rows]
		if step.step_type == StepType.CREATE_TASK.value:
			_create_tasks(campaign, step, candidates, now)
		elif step.step_type == StepType.UPDATE_CANDIDATE.value:
			_update_candidates(campaign, step, candidates, now)


def _create_tasks(campaign, step, candidates: list[str], now: datetime) -> None:
	"""One ToDo per person for the recruiter named on the step, or the person's own recruiter."""
	from frappe.utils.jinja import get_jenv

	template = get_jenv().from_string(step.task_description or "")
	people = frappe.db.sql(
		f"""select c.name, c.full_name, c.email, c.current_title, c.current_employer, c.recruiter,
			c.crm_stage, round({score_sql("c")}, 2) as engagement_score
		from `tabRC Candidate` c where c.name in %(names)s""",
		{"names": candidates},
		as_dict=True,
	)
	fallback = campaign.owner
	names = sortable_names(len(people), int(_time.time() * 1000))
	values = []
	for name, person in zip(names, people, strict=True):
		description = template.render(candidate=person, campaign={"campaign_name": campaign.campaign_name})
		values.append(
			(
				name, now, now, "Administrator", "Administrator", 0, "Open", "Medium",
				add_days(now.date(), step.task_due_days or 0), step.task_assign_to or person.recruiter or fallback,
				description, "RC Candidate", person.name, "Administrator",
			)
		)  # fmt: skip
	from recruit_crm.services.candidate_import import _multi_row_insert

	_multi_row_insert(
		"ToDo",
		("name", "creation", "modified", "owner", "modified_by", "docstatus", "status", "priority", "date",
			"allocated_to", "description", "reference_type", "reference_name", "assigned_by"),
		values,
	)  # fmt: skip


def _update_candidates(campaign, step, candidates: list[str], now: datetime) -> None:
	"""Add to a pool, set the CRM stage and/or add a tag, for all these people at once."""
	reason = _("Nurture campaign {0}").format(campaign.campaign_name)
	if step.talent_pool:
		from recruit_crm.services import pools

		pools.add_members(step.talent_pool, candidates, reason, added_by=campaign.owner)
	if step.crm_stage:
		frappe.db.sql(
			"update `tabRC Candidate` set crm_stage = %(stage)s, modified = %(now)s where name in %(names)s",
			{"stage": step.crm_stage, "now": now, "names": candidates},
		)
	if step.tag:
		add_tag(step.tag, candidates, now)


def add_tag(tag: str, candidates: list[str], now: datetime) -> None:
	"""Tag people in bulk: Tag, Tag Link rows and the denormalised `_user_tags` column."""
	if not frappe.db.exists("Tag", tag):
		frappe.get_doc({"doctype": "Tag", "name": tag}).insert(ignore_permissions=True)
	existing = set(
		frappe.get_all(
			"Tag Link",
			filters={"document_type": CANDIDATE, "document_name": ["in", candidates], "tag": tag},
			pluck="document_name",
		)
	)
	todo = [c for c in candidates if c not in existing]
	if not todo:
		return
	names = sortable_names(len(todo), int(_time.time() * 1000))
	from recruit_crm.services.candidate_import import _multi_row_insert

	_multi_row_insert(
		"Tag Link",
		("name", "creation", "modified", "owner", "modified_by", "docstatus", "document_type", "document_name", "tag", "title"),
		[(n, now, now, "Administrator", "Administrator", 0, CANDIDATE, c, tag, c) for n, c in zip(names, todo, strict=True)],
	)  # fmt: skip
	frappe.db.sql(
		"""update `tabRC Candidate` set _user_tags = concat(ifnull(_user_tags, ''), ',', %(tag)s)
		where name in %(names)s""",
		{"tag": tag, "names": todo},
	)


def queue_due_steps(now: datetime) -> int:
	"""Queue every due email step, one set-based statement per (campaign, step)."""
	groups = frappe.db.sql(
		f"""select distinct e.nurture_campaign, e.current_step
		from `tab{ENROLLMENT}` e
		join `tab{CAMPAIGN}` k on k.name = e.nurture_campaign and k.status = 'Active'
		join `tabRC Nurture Step` s on s.parent = e.nurture_campaign and s.parenttype = %(campaign)s
			and s.idx = e.current_step and s.step_type in %(email_types)s
		where e.status = 'Active' and e.next_action_at <= %(now)s""",
		{"now": now, "campaign": CAMPAIGN, "email_types": EMAIL_STEP_TYPES},
	)
	return sum(queue_step(campaign, idx, now) for campaign, idx in groups)


def queue_step(campaign: str, step_idx: int, now: datetime | None = None) -> int:
	"""Let every due enrolment at this email step wait for its message and write one ledger row
	each, set-based, in one transaction. Idempotent: moved enrolments are no longer due, and the
	ledger's unique key refuses a second row for the same (enrolment, step, round).
	Returns the number of rows queued."""
	now = now or now_datetime()
	doc = campaign_doc(campaign)
	step = next(s for s in doc.steps if s.idx == step_idx)
	params = {
		"campaign": campaign,
		"idx": step_idx,
		"key": step.step_key,
		"next": step_idx + 1,
		"now": now,
		"today": now.date(),
		"account": doc.email_account,
		"b": (step.ab_split_percent or 0) if step.variant_email_template else 0,
	}
	due = "e.nurture_campaign = %(campaign)s and e.current_step = %(idx)s and e.status = 'Active' and e.next_action_at <= %(now)s"
	# Never queue for people who may not be emailed: they leave the campaign instead.
	unsendable = frappe.db.sql(
		f"""select e.name, {SUPPRESSION_REASON_SQL} from `tab{ENROLLMENT}` e
		join `tabRC Candidate` c on c.name = e.candidate where {due} and not {SENDABLE_SQL}""",
		params,
	)
	by_reason: dict[str, list[str]] = defaultdict(list)
	for name, reason in unsendable:
		by_reason[reason].append(name)
	for reason, names in by_reason.items():
		exit_enrollments(names, reason, now)
	# One transaction: the enrolments move to "waiting for this email" (stamped with `now` in
	# next_action_at, which a waiting enrolment does not otherwise use) and exactly those get a
	# ledger row. A crash in between rolls both back; a second run finds nobody Active here.
	frappe.db.sql(
		f"""update `tab{ENROLLMENT}` e set e.status = 'Waiting', e.current_step = %(next)s,
			e.next_action_at = %(now)s, e.modified = %(now)s
		where {due}""",
		params,
	)
	frappe.db.sql(
		f"""insert ignore into `tab{MESSAGE}` (name, creation, modified, owner, modified_by, docstatus, idx,
			enrollment, nurture_campaign, candidate, recipient, step_key, step_idx, entry_round, variant,
			status, email_account, due_at, attempt_count, is_recorded)
		select concat(e.name, '-', %(key)s, '-', e.entry_round), %(now)s, %(now)s, 'Administrator',
			'Administrator', 0, 0, e.name, e.nurture_campaign, e.candidate, c.email, %(key)s, %(idx)s,
			e.entry_round, if(crc32(concat(e.name, ':', %(key)s)) %% 100 < %(b)s, 'B', 'A'), 'Queued',
			%(account)s, %(now)s, 0, 0
		from `tab{ENROLLMENT}` e join `tabRC Candidate` c on c.name = e.candidate
		where e.status = 'Waiting' and e.next_action_at = %(now)s and e.nurture_campaign = %(campaign)s
			and e.current_step = %(next)s""",
		params,
	)
	queued = frappe.db.sql("select row_count()")[0][0]
	return queued


def continue_after_messages(enrollments: list[str], now: datetime) -> None:
	"""Enrolments whose email went out (or failed for good) carry on from the next step."""
	for start in range(0, len(enrollments), CHUNK):
		frappe.db.sql(
			f"""update `tab{ENROLLMENT}` set status = 'Active', next_action_at = %(now)s, modified = %(now)s
			where name in %(names)s and status = 'Waiting'""",
			{"names": enrollments[start : start + CHUNK], "now": now},
		)


# --- events from elsewhere --------------------------------------------------------------------


def on_reply(message: str, subject: str, headers: dict | None = None, now: datetime | None = None) -> str:
	"""A person replied to a campaign email: stop (or, for an out-of-office, pause) the sequence.

	Returns "paused", "exited" or "recorded".
	"""
	now = now or now_datetime()
	row = frappe.db.get_value(
		MESSAGE, message, ["name", "enrollment", "candidate", "nurture_campaign"], as_dict=True
	)
	if not row:
		return "unknown"
	if rules.is_auto_reply(subject, headers):
		pause_enrollments([row.enrollment], _("Automatic reply: {0}").format(subject or "")[:140])
		# resume a week later: an out-of-office is temporary
		frappe.db.set_value(
			ENROLLMENT, row.enrollment, "next_action_at", add_days(now, 7), update_modified=False
		)
		return "paused"
	# The reply itself becomes an "Email Replied" touchpoint through the Communication capture.
	frappe.db.sql(
		f"update `tab{MESSAGE}` set replied_at = ifnull(replied_at, %(now)s) where name = %(name)s",
		{"now": now, "name": message},
	)
	if frappe.db.get_value(CAMPAIGN, row.nurture_campaign, "exit_on_reply"):
		exit_enrollments([row.enrollment], ExitReason.REPLIED.value, now)
		return "exited"
	return "recorded"


def resume_auto_paused(now: datetime | None = None) -> int:
	"""Enrolments paused by an out-of-office reply resume after a week."""
	now = now or now_datetime()
	names = frappe.get_all(
		ENROLLMENT,
		filters={
			"status": "Paused",
			"paused_reason": ["like", "Automatic reply%"],
			"next_action_at": ["<=", now],
		},
		pluck="name",
	)
	if names:
		resume_enrollments(names)
	return len(names)


def _record_touchpoints(items: list[tuple[dict, str, datetime, str]]) -> None:
	"""Touchpoints for campaign email, keyed like the Communication capture's so nothing counts twice."""
	from recruit_crm.services import touchpoints

	touchpoints.record_many(
		[
			{
				"candidate": row.candidate,
				"touchpoint_type": kind,
				"occurred_at": at,
				"channel": "Email",
				"direction": "Inbound" if kind != "Email Sent" else "Outbound",
				"nurture_campaign": row.nurture_campaign,
				"reference_doctype": "Communication",
				"reference_name": row.get("communication") or row.name,
				"dedupe_key": dedupe_key,
			}
			for row, kind, at, dedupe_key in items
		]
	)


def on_candidate_applied(candidate: str) -> int:
	"""A person applied: campaigns whose goal is an application end for them."""
	return exit_candidate(candidate, ExitReason.APPLIED.value, only_if=("exit_on_apply",))


def on_candidate_hired(candidate: str) -> int:
	return exit_candidate(candidate, ExitReason.HIRED.value, only_if=("exit_on_hire",))


# --- operator actions on messages of unknown fate ---------------------------------------------


def resolve_unknown(message: str, outcome: str, user: str | None = None) -> None:
	"""An operator decides what happened to a message whose fate is unknown after a crash.

	"Sent": the mail server's log shows it left, so it is recorded as sent;
	"Retry": send it again (the operator accepts the risk of a duplicate);
	"Cancel": give up on it.
	"""
	row = frappe.db.get_value(MESSAGE, message, ["status", "enrollment"], as_dict=True)
	if not row or row.status != MessageStatus.UNKNOWN.value:
		frappe.throw(_("Only a message whose fate is unknown can be resolved."))
	now = now_datetime()
	user = user or frappe.session.user
	if outcome == "Sent":
		frappe.db.sql(
			f"""update `tab{MESSAGE}` set status = 'Sent', sent_at = ifnull(sent_at, claimed_at),
				resolved_by = %(user)s, resolution = %(r)s, modified = %(now)s where name = %(name)s""",
			{"user": user, "r": _("Confirmed sent by an operator"), "now": now, "name": message},
		)
		from recruit_crm.services import nurture_delivery

		nurture_delivery.record_sent([message])
	elif outcome == "Retry":
		frappe.db.sql(
			f"""update `tab{MESSAGE}` set status = 'Queued', due_at = %(now)s, claimed_by = null,
				lease_expires_at = null, resolved_by = %(user)s, resolution = %(r)s, modified = %(now)s
			where name = %(name)s""",
			{"user": user, "r": _("Re-sent by an operator"), "now": now, "name": message},
		)
	elif outcome == "Cancel":
		frappe.db.sql(
			f"""update `tab{MESSAGE}` set status = 'Cancelled', resolved_by = %(user)s, resolution = %(r)s,
				modified = %(now)s where name = %(name)s""",
			{"user": user, "r": _("Cancelled by an operator"), "now": now, "name": message},
		)
		continue_after_messages([row.enrollment], now)
	else:
		frappe.throw(_("Unknown resolution {0}").format(outcome))


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


def new_step_key() -> str:
	return random_string(8).lower()


UTC = timezone.utc
