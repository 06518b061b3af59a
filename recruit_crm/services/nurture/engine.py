"""The step engine, one tick a minute: engagement facts in, decisions from the pure domain, moves,
actions (tasks, pools, tags) and queued messages written back in multi-row statements.
"""

import time as _time
from collections import defaultdict
from datetime import datetime, timedelta

import frappe
from frappe import _
from frappe.utils import add_days, get_datetime, getdate, now_datetime
from frappe.utils.jinja import get_jenv

from recruit_crm.domain import nurture
from recruit_crm.domain.consent import MARKETING_LI_SQL
from recruit_crm.domain.naming import sortable_names
from recruit_crm.domain.nurture import EnrollmentStatus, Step, StepType
from recruit_crm.services._sql import multi_row_insert
from recruit_crm.services.engagement import touchpoints
from recruit_crm.services.engagement.scoring import score_sql
from recruit_crm.services.nurture.audience import exit_enrollments
from recruit_crm.services.nurture.campaigns import campaign_doc, goals_of, step_by_key, steps_of
from recruit_crm.services.nurture.constants import (
	CAMPAIGN,
	CANDIDATE,
	CHUNK,
	EMAIL_STEP_TYPES,
	ENROLLMENT,
	MESSAGE,
	SENDABLE_SQL,
	SUPPRESSION_REASON_SQL,
	TICK_LIMIT,
	to_aware,
	to_naive,
)
from recruit_crm.services.pools import membership


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
	funnel = ", ".join(f"%(f{i})s" for i in range(len(nurture.FUNNEL)))
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
		{f"f{i}": stage for i, stage in enumerate(nurture.FUNNEL)},
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
	their enrolments exit, whatever campaign they are in. Transactional pipeline emails need no
	marketing consent; the sender applies their own rules when it claims them."""
	params = {"today": now.date(), "now": now}
	rows = frappe.db.sql(
		f"""select m.name, m.enrollment, {SUPPRESSION_REASON_SQL} as reason
		from `tab{MESSAGE}` m join `tabRC Candidate` c on c.name = m.candidate
		where m.status = 'Queued' and m.is_transactional = 0 and not {SENDABLE_SQL}""",
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
		reason = nurture.exit_reason(goals, person, now.date())
		if reason:
			exits[reason.value].append(row.name)
			continue
		result = nurture.advance(steps, row.current_step, fact, aware_now)
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


def _facts(rows: list[dict]) -> dict[str, tuple[nurture.Person, nurture.Facts]]:
	"""Person flags and behaviour for each enrolment, in a fixed number of queries."""
	candidates = sorted({r.candidate for r in rows})
	people = {
		c.name: c
		for c in frappe.db.sql(
			f"""select c.name, c.do_not_contact, c.is_unsubscribed, c.has_bounced, c.has_marketing_consent,
				c.marketing_objection, {MARKETING_LI_SQL} as legitimate_interest, c.consent_expires_on, c.is_anonymized, c.email_frequency, c.crm_stage,
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
		person = nurture.Person(
			do_not_contact=bool(c.get("do_not_contact")),
			is_unsubscribed=bool(c.get("is_unsubscribed")),
			has_bounced=bool(c.get("has_bounced")),
			has_marketing_consent=bool(c.get("has_marketing_consent")),
			consent_expires_on=getdate(c.consent_expires_on) if c.get("consent_expires_on") else None,
			is_anonymized=bool(c.get("is_anonymized")),
			email_frequency=c.get("email_frequency") or "Any",
			legitimate_interest=bool(c.get("legitimate_interest")),
			objected=bool(c.get("marketing_objection")),
			applied_since_enrolment=bool(applied_at and r.enrolled_at and applied_at >= r.enrolled_at),
			hired=c.get("crm_stage") == "Hired",
			replied=bool(replied),
			stage=c.get("crm_stage") or "",
		)
		fact = nurture.Facts(
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

	multi_row_insert(
		"ToDo",
		("name", "creation", "modified", "owner", "modified_by", "docstatus", "status", "priority", "date",
			"allocated_to", "description", "reference_type", "reference_name", "assigned_by"),
		values,
	)  # fmt: skip


def _update_candidates(campaign, step, candidates: list[str], now: datetime) -> None:
	"""Add to a pool, set the CRM stage and/or add a tag, for all these people at once."""
	reason = _("Nurture campaign {0}").format(campaign.campaign_name)
	if step.talent_pool:
		membership.add_members(step.talent_pool, candidates, reason, added_by=campaign.owner)
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

	multi_row_insert(
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


def _record_touchpoints(items: list[tuple[dict, str, datetime, str]]) -> None:
	"""Touchpoints for campaign email, keyed like the Communication capture's so nothing counts twice."""
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
