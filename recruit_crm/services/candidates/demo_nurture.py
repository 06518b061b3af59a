"""The demo's nurture campaigns and what they did: one completed months ago, one running, one being
drafted; enrolments, a message ledger of sent email with its opens, clicks and replies, and the
touchpoints those left, all written set-based. Nothing is sent.

The campaigns send from an Email Account with outgoing mail off, to people on reserved example
domains: a demo site cannot mail anyone, even with its scheduler and workers running.
"""

import random
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta

import frappe

from recruit_crm.domain.demo_history import MARKETING, email_outcome
from recruit_crm.services._sql import bulk_update_by_name, multi_row_insert
from recruit_crm.services.engagement.touchpoints import record_many
from recruit_crm.services.nurture.constants import CAMPAIGN, ENROLLMENT, MESSAGE
from recruit_crm.services.nurture.reports import refresh_counters

ACCOUNT = "Talent Team"
TEMPLATES = {
	"Talent newsletter: what we are building": (
		"{{ candidate.first_name }}, what our engineers shipped this quarter",
		"<p>Hi {{ candidate.first_name }},</p><p>Three things our teams shipped, and the people behind them. "
		"As a {{ candidate.current_title or 'engineer' }}, we think you will enjoy the second one.</p>",
	),
	"Talent newsletter: what we are building (short)": (
		"Shipped this quarter, in two minutes",
		"<p>Hi {{ candidate.first_name }}, the short version: three launches, one story, two open roles.</p>",
	),
	"Talent newsletter: a story from the team": (
		"From support desk to software engineer",
		"<p>Hi {{ candidate.first_name }},</p><p>This month: how Wanjiru moved into engineering.</p>",
	),
	"Data roles: hello": (
		"{{ candidate.first_name }}, data work that reaches millions of people",
		"<p>Hi {{ candidate.first_name }},</p><p>Our data team is growing in {{ candidate.location or 'several cities' }}. "
		"Here is what they work on, and the roles we are opening in {{ campaign.campaign_name }}.</p>",
	),
	"Data roles: follow-up": (
		"Still curious, {{ candidate.first_name }}?",
		"<p>Hi {{ candidate.first_name }}, a short follow-up: would a 20-minute chat with the team help?</p>",
	),
	"Campus graduates: welcome": (
		"Welcome, {{ candidate.first_name }}: our graduate programme",
		"<p>Hi {{ candidate.first_name }},</p><p>Thanks for meeting us on campus. Here is how the programme works.</p>",
	),
}
ENGINEERING_SKILLS = frozenset(
	{"Python", "JavaScript", "Go", "Java", "Kubernetes", "React", "Docker", "TypeScript"}
)
DATA_SKILLS = frozenset({"SQL", "Data Analysis", "Machine Learning", "Statistics"})


@dataclass(frozen=True)
class CampaignPlan:
	name: str
	status: str
	started_days_ago: int  # 0 for a draft
	ended_days_ago: int  # 0 while running
	skills: frozenset[str]
	pool: str | None
	steps: tuple[dict, ...]


def _plans(
	openings: list[str], contents: list[tuple[str, str]], pools: dict[str, str]
) -> tuple[CampaignPlan, ...]:
	wait = {"step_type": "Wait", "wait_amount": 14, "wait_unit": "Days"}
	return (
		CampaignPlan("Engineering talent newsletter", "Completed", 240, 170, ENGINEERING_SKILLS, None, (
			{"step_type": "Send Email", "label": "What we are building",
				"email_template": "Talent newsletter: what we are building",
				"variant_email_template": "Talent newsletter: what we are building (short)", "ab_split_percent": 50},
			wait,
			{"step_type": "Share Content", "label": "A story from the team", "content": contents[1][0],
				"email_template": "Talent newsletter: a story from the team"},
			wait,
			{"step_type": "Invite To Apply", "label": "Invite to the backend role", "job_opening": openings[0]},
		)),
		CampaignPlan("Data roles: warm talent", "Active", 42, 0, DATA_SKILLS, pools.get("Data & analytics talent"), (
			{"step_type": "Send Email", "label": "Hello", "email_template": "Data roles: hello"},
			{"step_type": "Wait", "wait_amount": 7, "wait_unit": "Days"},
			{"step_type": "Send Email", "label": "Follow-up", "email_template": "Data roles: follow-up"},
			{"step_type": "Wait", "wait_amount": 10, "wait_unit": "Days"},
			{"step_type": "Invite To Apply", "label": "Invite to the data role", "job_opening": openings[10]},
		)),
		CampaignPlan("Campus graduates 2026", "Draft", 0, 0, frozenset(), None, (
			{"step_type": "Send Email", "label": "Welcome", "email_template": "Campus graduates: welcome"},
			{"step_type": "Wait", "wait_amount": 7, "wait_unit": "Days"},
			{"step_type": "Invite To Apply", "label": "Marketing internship", "job_opening": openings[26]},
		)),
	)  # fmt: skip


def ensure_campaigns(
	masters, contents, pools: dict[str, str], now: datetime
) -> list[tuple[CampaignPlan, str]]:
	"""The sending account, templates and campaigns, created once; (plan, campaign document name) each."""
	if not frappe.db.exists("Email Account", ACCOUNT):
		frappe.get_doc(
			{"doctype": "Email Account", "email_account_name": ACCOUNT, "email_id": "talent@example.com",
				"enable_outgoing": 0, "enable_incoming": 0}
		).insert(ignore_permissions=True)  # fmt: skip
	for name, (subject, body) in TEMPLATES.items():
		if not frappe.db.exists("Email Template", name):
			frappe.get_doc(
				{"doctype": "Email Template", "name": name, "subject": subject, "response": body}
			).insert(ignore_permissions=True)
	out = []
	for plan in _plans(masters.openings, contents, pools):
		existing = frappe.db.get_value(CAMPAIGN, {"campaign_name": plan.name})
		if existing:
			out.append((plan, existing))
			continue
		doc = frappe.get_doc(
			{"doctype": CAMPAIGN, "campaign_name": plan.name, "email_account": ACCOUNT, "steps": list(plan.steps),
				"talent_pools": [{"talent_pool": plan.pool}] if plan.pool else [], "goal_stage": "Applied",
				"description": f"Demo campaign for people with {', '.join(sorted(plan.skills)) or 'a campus contact'}."}
		).insert(ignore_permissions=True)  # fmt: skip
		if plan.status != "Draft":
			doc.db_set({"status": plan.status, "launched_at": now - timedelta(days=plan.started_days_ago)})
		out.append((plan, doc.name))
	return out


def _can_email(person, at: datetime) -> bool:
	"""Marketing consent held at `at`, and nothing else standing in the way."""
	h = person.history
	if h.do_not_contact or h.has_bounced:
		return False
	return any(
		c.purpose == MARKETING
		and c.given_at <= at
		and (c.withdrawn_at is None or c.withdrawn_at > at)
		and (c.expires_on is None or c.expires_on >= at.date())
		for c in h.consents
	)


def _working_hours(rnd: random.Random, at: datetime) -> datetime:
	while at.weekday() >= 5:
		at += timedelta(days=1)
	return at.replace(hour=9 + int(8 * rnd.random()), minute=int(60 * rnd.random()), second=0, microsecond=0)


def write_histories(
	campaigns: list[tuple[CampaignPlan, str]], people, rnd: random.Random, now: datetime
) -> dict[str, int]:
	"""Enrolments, sent messages and their touchpoints for the campaigns that ran. Returns counts."""
	enrolments, messages, touches = [], [], []
	user = frappe.session.user
	for plan, campaign in campaigns:
		if plan.status == "Draft":
			continue
		doc = frappe.get_doc(CAMPAIGN, campaign)
		start = now - timedelta(days=plan.started_days_ago)
		stop = now - timedelta(days=plan.ended_days_ago) if plan.ended_days_ago else now
		for person in people:
			if not person.name or not plan.skills & {s["skill"] for s in person.row["skills"]}:
				continue
			enrolled = max(start, person.history.first_seen) + timedelta(hours=1 + 72 * rnd.random())
			if enrolled > stop or not _can_email(person, enrolled):
				continue
			e, m, t = _walk(doc, plan, person, enrolled, stop, now, rnd, user)
			enrolments.append(e)
			messages.extend(m)
			touches.extend(t)
	_write(enrolments, messages, user)
	recorded = record_many(touches, update_scores=False, recompute_follows=True)
	bounced = sorted({m[3].name for m in messages if m[7].bounced})
	bulk_update_by_name("RC Candidate", ("has_bounced",), [(name, 1) for name in bounced])
	for _plan, campaign in campaigns:
		refresh_counters(campaign)
	return {"enrolments": len(enrolments), "messages": len(messages), "touchpoints": recorded}


def _walk(doc, plan: CampaignPlan, person, enrolled: datetime, stop: datetime, now: datetime, rnd, user):
	"""One person's way through the steps, as far as time, consent and their answers let them."""
	enrollment = f"{doc.name}-{person.name}"
	at, status, exit_reason, ended = enrolled, "Completed", None, None
	messages, touches = [], []
	applied = sorted(a.applied_at for a in person.history.applications if a.applied_at > enrolled)
	position = len(doc.steps) + 1
	for step in doc.steps:
		if step.step_type == "Wait":
			at += timedelta(days=step.wait_amount)
			continue
		at = _working_hours(rnd, at)
		if at > stop:  # the campaign was stopped, or this step is still to come
			status, position = ("Exited", step.idx) if plan.status == "Completed" else ("Active", step.idx)
			exit_reason = "Campaign Stopped" if status == "Exited" else None
			ended = stop if status == "Exited" else None
			break
		if applied and applied[0] <= at:
			status, exit_reason, ended, position = "Exited", "Applied", applied[0], step.idx
			break
		if not _can_email(person, at):
			status, ended, position = "Exited", at, step.idx
			exit_reason = "Unsubscribed" if person.history.is_unsubscribed else "Consent Lost"
			break
		message = f"{enrollment}-{step.step_key}-1"
		b_share = step.ab_split_percent if step.variant_email_template else 0
		variant = "B" if zlib.crc32(f"{enrollment}:{step.step_key}".encode()) % 100 < b_share else "A"
		outcome = email_outcome(rnd, at, now, person.history.responsiveness, marketing=True)
		messages.append((message, enrollment, doc.name, person, step, variant, at, outcome))
		touches.extend(_message_touches(doc.name, person.name, message, step, at, outcome))
		if outcome.bounced:  # a hard bounce: no more marketing email to this address
			person.history.has_bounced = True
			status, exit_reason, ended, position = "Exited", "Bounced", at, step.idx + 1
			break
		if outcome.replied_at and doc.exit_on_reply:
			status, exit_reason, ended, position = "Exited", "Replied", outcome.replied_at, step.idx + 1
			break
		at += timedelta(minutes=1)
	else:
		ended = at
	next_action = at if status == "Active" else None
	if status == "Active" and (next_action is None or next_action <= now):
		next_action = now + timedelta(hours=1 + 48 * rnd.random())
	row = (enrollment, enrolled, ended or enrolled, user, user, doc.name, person.name, status, exit_reason,
		position if status != "Completed" else len(doc.steps), next_action, 1,
		"Pool" if plan.pool else "Rule", enrolled, ended)  # fmt: skip
	return row, messages, touches


def _message_touches(campaign: str, candidate: str, message: str, step, at: datetime, outcome) -> list[dict]:
	base = {"candidate": candidate, "channel": "Email", "nurture_campaign": campaign,
		"reference_doctype": MESSAGE, "reference_name": message}  # fmt: skip
	rows = [
		{**base, "touchpoint_type": "Email Sent", "occurred_at": at, "direction": "Outbound",
			"dedupe_key": f"Communication:{message}:{candidate}:Email Sent"},
	]  # fmt: skip
	if outcome.bounced:
		rows.append({**base, "touchpoint_type": "Email Bounced", "occurred_at": at, "direction": "Inbound"})
		return rows
	rows.append({**base, "touchpoint_type": "Email Delivered", "occurred_at": at, "direction": "Inbound"})
	if outcome.opened_at:
		rows.append({**base, "touchpoint_type": "Email Opened", "occurred_at": outcome.opened_at,
			"direction": "Inbound", "dedupe_key": f"open:{candidate}:{MESSAGE}:{message}:{campaign}"})  # fmt: skip
	if outcome.clicked_at:
		rows.append({**base, "touchpoint_type": "Email Clicked", "occurred_at": outcome.clicked_at,
			"direction": "Inbound", "job_opening": step.job_opening or None})  # fmt: skip
	if outcome.replied_at:
		rows.append({**base, "touchpoint_type": "Email Replied", "occurred_at": outcome.replied_at,
			"direction": "Inbound"})  # fmt: skip
	return rows


def _write(enrolments: list[tuple], messages: list[tuple], user: str) -> None:
	multi_row_insert(
		ENROLLMENT,
		("name", "creation", "modified", "owner", "modified_by", "nurture_campaign", "candidate", "status",
			"exit_reason", "current_step", "next_action_at", "entry_round", "source", "enrolled_at", "ended_at"),
		enrolments,
		ignore=True,
	)  # fmt: skip
	site = frappe.local.site
	rows = []
	for name, enrollment, campaign, person, step, variant, at, outcome in messages:
		template = frappe.get_cached_doc(
			"Email Template", (step.variant_email_template if variant == "B" else None) or step.email_template
		) if step.email_template else None  # fmt: skip
		subject = _subject(template.subject if template else "A role we think fits you", person)
		rows.append(
			(
				name, at, outcome.opened_at or at, user, user, enrollment, campaign, person.name, person.row["email"],
				"Sent", step.step_key, step.idx, 1, variant, ACCOUNT, subject, at, at, f"rcn.{name}@{site}", 1, 1,
				outcome.opened_at or outcome.clicked_at, outcome.clicked_at, outcome.replied_at,
				at if outcome.bounced else None,
			)
		)  # fmt: skip
	multi_row_insert(
		MESSAGE,
		("name", "creation", "modified", "owner", "modified_by", "enrollment", "nurture_campaign", "candidate",
			"recipient", "status", "step_key", "step_idx", "entry_round", "variant", "email_account", "subject",
			"due_at", "sent_at", "message_id", "attempt_count", "is_recorded", "opened_at", "clicked_at",
			"replied_at", "bounced_at"),
		rows,
		ignore=True,
	)  # fmt: skip


def _subject(template: str, person) -> str:
	first = person.row["full_name"].split(" ")[0]
	return (
		template.replace("{{ candidate.first_name }}", first)
		.replace("{{ campaign.campaign_name }}", "our campaign")
		.replace(
			"{{ candidate.location or 'several cities' }}", person.row.get("location") or "several cities"
		)
	)
