"""Automations per pipeline state (RC Pipeline Automation): emails queued through the nurture
message ledger when an application enters a state, an interview is scheduled, or before it.

Queueing is set-based: the enabled automations are read once per request (re-read when one
changes), the applications' facts in one query, and the ledger rows written in one INSERT IGNORE.
Each row carries an idempotency key (automation + stage history row, or automation + interview +
slot) that is also its name, so a replay, a second worker or a state flipping back and forth never
queues the same email twice. What happens at claim time (suppression, the undo window, business
hours) lives in `automation_mail`.
"""

import hashlib
from datetime import datetime, timedelta

import frappe
from frappe.utils import get_datetime, now_datetime

from recruit_crm.domain import pipeline_mail
from recruit_crm.domain.pipeline_mail import BEFORE_INTERVIEW, ENTERS_STATE, INTERVIEW_SCHEDULED, Rule
from recruit_crm.services._sql import multi_row_insert
from recruit_crm.services.nurture.constants import MESSAGE
from recruit_crm.services.nurture.readiness import default_sender
from recruit_crm.services.pipeline.history import Entry
from recruit_crm.services.pipeline.workflow import APPLICANT, AUTOMATION, STAGE

LIVE_STATUSES = ("Queued", "Sending", "Sent", "Unknown")
REMINDER_LOOKAHEAD = timedelta(minutes=10)  # the reminder task runs every 5 minutes
_CACHE = "rc_pipeline_automations"

COLUMNS = (
	"name", "creation", "modified", "owner", "modified_by", "docstatus", "idx", "candidate", "recipient",
	"step_key", "step_idx", "entry_round", "variant", "status", "email_account", "due_at", "attempt_count",
	"is_recorded", "job_applicant", "pipeline_automation", "interview", "idempotency_key", "is_transactional",
)  # fmt: skip


def rules() -> list[frappe._dict]:
	"""Enabled automations, cached per request and re-read when any automation changes."""
	stamp = tuple(
		frappe.db.sql(f"select count(*), max(modified) from `tab{AUTOMATION}` where enabled = 1")[0]
	)
	cached = getattr(frappe.local, _CACHE, None)
	if cached and cached[0] == stamp:
		return cached[1]
	rows = frappe.db.sql(
		f"""select name, title, `trigger`, state, hours_before, job_opening, designation, `condition`,
			email_template, email_account, attach_calendar, delay_value, delay_unit, send_window,
			only_while_in_state, repeat_on_reentry, invite_to_community, talent_pool, silver_medal_pool
		from `tab{AUTOMATION}` where enabled = 1 order by creation""",
		as_dict=True,
	)
	for r in rows:
		r.rule = rule_of(r)
	setattr(frappe.local, _CACHE, (stamp, rows))
	return rows


def rule_of(automation) -> Rule:
	"""The domain's view of an RC Pipeline Automation (a row or a document, saved or not)."""
	return Rule(
		name=automation.name,
		trigger=automation.trigger,
		state=automation.state,
		job_opening=automation.job_opening,
		designation=automation.designation,
		has_condition=bool((automation.condition or "").strip()),
		delay=pipeline_mail.delay_of(automation.delay_value, automation.delay_unit),
		hours_before=int(automation.hours_before or 0),
		repeat_on_reentry=bool(automation.repeat_on_reentry),
	)


def entered(entries: list[Entry]) -> int:
	"""Applications entered states: queue the automations that apply. Returns messages queued.

	First the undo window: queued emails of states these applications have just left (automations
	set to "cancel if the application leaves the state first") are cancelled."""
	entries = [e for e in entries if e.name and e.job_applicant]
	if not entries:
		return 0
	now = now_datetime()
	cancel_left_states([e.job_applicant for e in entries], now)
	states = {e.state for e in entries}
	active = [r for r in rules() if r.trigger == ENTERS_STATE and r.state in states]
	if not active:
		return 0
	facts = application_facts([e.job_applicant for e in entries])
	once = [r.name for r in active if not r.repeat_on_reentry]
	earlier = _already_emailed(once, list(facts))
	rows = []
	for e in entries:
		fact = facts.get(e.job_applicant)
		if not fact:
			continue
		for r in active:
			if r.state != e.state or not matches(r, fact):
				continue
			if not r.repeat_on_reentry and (r.name, e.job_applicant) in earlier:
				continue
			key = pipeline_mail.entry_key(r.name, e.name)
			rows.append(_row(r, fact, key, now + r.rule.delay, e.name, None, now))
	return _insert(rows)


def interview_scheduled(interview) -> int:
	"""An interview was scheduled: queue the "Interview Scheduled" automations (the invitation)."""
	if not interview.get("job_applicant") or interview.get("status") == "Cancelled":
		return 0
	active = [r for r in rules() if r.trigger == INTERVIEW_SCHEDULED]
	if not active:
		return 0
	fact = application_facts([interview.job_applicant]).get(interview.job_applicant)
	if not fact:
		return 0
	now = now_datetime()
	slot = pipeline_mail.slot_text(interview.get("scheduled_on"), interview.get("from_time"))
	rows = [
		_row(r, fact, pipeline_mail.interview_key(r.name, interview.name, slot), now + r.rule.delay, slot,
			interview.name, now)
		for r in active
		if matches(r, fact)
	]  # fmt: skip
	return _insert(rows)


def queue_reminders(now: datetime | None = None) -> int:
	""" "Before Interview" automations: queue each reminder once it is due within the next few
	minutes (the task runs every 5), for interviews not cancelled. Returns messages queued."""
	now = now or now_datetime()
	active = [r for r in rules() if r.trigger == BEFORE_INTERVIEW]
	if not active:
		return 0
	horizon = now + timedelta(hours=max(r.rule.hours_before for r in active)) + REMINDER_LOOKAHEAD
	interviews = frappe.db.sql(
		"""select name, job_applicant, scheduled_on, from_time,
			timestamp(scheduled_on, ifnull(from_time, '09:00:00')) as starts_at
		from `tabInterview`
		where docstatus < 2 and status != 'Cancelled' and ifnull(job_applicant, '') != ''
			and timestamp(scheduled_on, ifnull(from_time, '09:00:00')) > %(now)s
			and timestamp(scheduled_on, ifnull(from_time, '09:00:00')) <= %(horizon)s""",
		{"now": now, "horizon": horizon},
		as_dict=True,
	)
	if not interviews:
		return 0
	facts = application_facts(sorted({i.job_applicant for i in interviews}))
	rows = []
	for i in interviews:
		fact = facts.get(i.job_applicant)
		if not fact:
			continue
		slot = pipeline_mail.slot_text(i.scheduled_on, i.from_time)
		for r in active:
			due = pipeline_mail.reminder_due(
				get_datetime(i.starts_at), r.rule.hours_before, now, REMINDER_LOOKAHEAD
			)
			if due and matches(r, fact):
				key = pipeline_mail.interview_key(r.name, i.name, slot)
				rows.append(_row(r, fact, key, due, slot, i.name, now))
	return _insert(rows)


def cancel_left_states(applicants: list[str], now: datetime) -> int:
	"""The undo window, at move time: queued emails of automations that only go while the
	application is in their state are cancelled once that stay has ended."""
	if not applicants:
		return 0
	frappe.db.sql(
		f"""update `tab{MESSAGE}` m join `tab{STAGE}` s on s.name = m.step_key
			join `tab{AUTOMATION}` a on a.name = m.pipeline_automation
		set m.status = 'Cancelled', m.modified = %(now)s,
			m.error = concat('The application left ', s.state, ' before the email went out.')
		where m.job_applicant in %(names)s and m.status = 'Queued' and a.`trigger` = %(trigger)s
			and a.only_while_in_state = 1 and s.left_at is not null""",
		{"names": sorted(set(applicants)), "now": now, "trigger": ENTERS_STATE},
	)
	return frappe.db.sql("select row_count()")[0][0]


def application_facts(applicants: list[str]) -> dict[str, frappe._dict]:
	"""The applications with what matching, conditions and the ledger need (one query)."""
	if not applicants:
		return {}
	rows = frappe.db.sql(
		f"""select ja.*, c.email as rc_email, c.full_name as rc_full_name, c.timezone as rc_timezone,
			coalesce(jo.designation, ja.designation) as rc_designation, jo.job_title as rc_opening_title
		from `tab{APPLICANT}` ja
		left join `tabRC Candidate` c on c.name = ja.rc_candidate
		left join `tabJob Opening` jo on jo.name = ja.job_title
		where ja.name in %(names)s""",
		{"names": sorted(set(applicants))},
		as_dict=True,
	)
	return {r.name: r for r in rows}


def matches(rule: frappe._dict, fact: frappe._dict) -> bool:
	"""In the automation's scope, and its condition (if any) holds for the application."""
	if not pipeline_mail.in_scope(rule.rule, fact.job_title, fact.rc_designation):
		return False
	if not rule.rule.has_condition:
		return True
	return condition_holds(rule, fact)


def condition_holds(rule: frappe._dict, fact: frappe._dict) -> bool:
	"""The automation's Python expression on `doc` (the Job Applicant), sandboxed like a
	Notification's condition. A broken condition sends nothing and is logged once per call."""
	doc = frappe._dict({k: v for k, v in fact.items() if not k.startswith("rc_") or k == "rc_candidate"})
	try:
		return bool(frappe.safe_eval(rule.condition, None, {"doc": doc}))
	except Exception:
		frappe.log_error(
			title="recruit_crm: pipeline automation condition failed",
			reference_doctype=AUTOMATION,
			reference_name=rule.name,
		)
		return False


def sender_of(rule: frappe._dict) -> str | None:
	return rule.email_account or default_sender()


def message_name(key: str) -> str:
	"""The ledger row's name derives from its idempotency key: the primary key refuses a replay too."""
	return "rcp-" + hashlib.sha1(key.encode()).hexdigest()[:24]


def _row(rule, fact, key: str, due: datetime, step_key: str, interview: str | None, now: datetime):
	return (
		message_name(key), now, now, "Administrator", "Administrator", 0, 0, fact.rc_candidate,
		fact.rc_email or fact.email_id, step_key[:140], 0, 0, "A", "Queued", rule.email_account, due, 0, 0,
		fact.name, rule.name, interview, key, 1,
	)  # fmt: skip


def _insert(rows: list[tuple]) -> int:
	"""One INSERT IGNORE: rows whose key (or name) exists are skipped. Rows without a candidate,
	an address or a sender cannot be delivered and are not queued."""
	if any(not r[14] for r in rows):  # the site's default sender, looked up once per batch
		fallback = default_sender()
		rows = [r if r[14] else (*r[:14], fallback, *r[15:]) for r in rows]
	rows = [r for r in rows if r[7] and r[8] and r[14]]
	if not rows:
		return 0
	return multi_row_insert(MESSAGE, COLUMNS, rows, ignore=True)


def _already_emailed(automations: list[str], applicants: list[str]) -> set[tuple[str, str]]:
	"""(automation, application) pairs that have an email queued, on its way or sent."""
	if not automations or not applicants:
		return set()
	return {
		(a, j)
		for a, j in frappe.db.sql(
			f"""select distinct pipeline_automation, job_applicant from `tab{MESSAGE}`
			where pipeline_automation in %(autos)s and job_applicant in %(names)s and status in %(live)s""",
			{"autos": automations, "names": applicants, "live": LIVE_STATUSES},
		)
	}
