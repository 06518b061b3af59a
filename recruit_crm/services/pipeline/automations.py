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
from collections import defaultdict
from datetime import date, datetime, timedelta

import frappe
from frappe.utils import add_days, get_datetime, get_system_timezone, getdate, now_datetime

from recruit_crm.domain import calendar, pipeline_mail
from recruit_crm.domain.pipeline_mail import (
	BEFORE_INTERVIEW,
	BUSINESS_HOURS,
	ENTERS_STATE,
	INTERVIEW_SCHEDULED,
	INTERVIEW_TRIGGERS,
	Rule,
)
from recruit_crm.domain.send_rules import SendWindow
from recruit_crm.services._sql import multi_row_insert
from recruit_crm.services.nurture.constants import MESSAGE
from recruit_crm.services.nurture.readiness import default_sender
from recruit_crm.services.pipeline.history import Entry
from recruit_crm.services.pipeline.workflow import APPLICANT, AUTOMATION, STAGE

LIVE_STATUSES = ("Queued", "Sending", "Sent", "Unknown")
DELIVERED_STATUSES = ("Sending", "Sent", "Unknown")  # the candidate may have it
HOLIDAY_HORIZON_DAYS = 400  # holidays read ahead: as far as any delay or send window reaches
RESCHEDULED = "The interview was rescheduled."
REINSTATED = "The interview was reinstated."
CANCELLED = "The interview was cancelled."
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
		send_window=automation.send_window or pipeline_mail.ANY_TIME,
		delay_in_days=automation.delay_unit == "Days",
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
	facts = application_facts(
		[e.job_applicant for e in entries], conditions=any(r.rule.has_condition for r in active)
	)
	once = [r.name for r in active if not r.repeat_on_reentry]
	earlier = _already_emailed(once, list(facts))
	holidays = (
		holidays_by_company({company_of(f) for f in facts.values()}, now)
		if any(_counts_working_days(r) for r in active)
		else {}
	)
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
			due = pipeline_mail.due_after(r.rule, now, holidays.get(company_of(fact), frozenset()))
			rows.append(_row(r, fact, key, due, e.name, None, now))
	return _insert(rows)


def interview_scheduled(interview) -> int:
	"""An interview was saved (scheduled, moved, cancelled or deleted; HRMS db_sets a new slot):
	queue the "Interview Scheduled" automations (the invitation) for its slot, or the
	cancellation when it is off. Returns messages queued.

	Every email about one interview carries the same calendar UID and a SEQUENCE stored on its
	ledger row (`step_idx`): the same slot keeps its number, a new slot gets a higher one, so a
	moved interview's invitation replaces the old event, and the not-yet-sent emails of the old
	slot (invitations, reminders) are cancelled now. Saving the same slot again queues nothing."""
	if not interview.get("job_applicant") or not interview.get("name"):
		return 0
	if is_off(interview):
		return interview_cancelled(interview)
	now = now_datetime()
	slot = pipeline_mail.slot_text(interview.get("scheduled_on"), interview.get("from_time"))
	issued = issued_for([interview])[interview.name]
	sequence = calendar.next_sequence([(i.slot, i.sequence) for i in issued], slot)
	_void_other_slots(interview, slot, issued, now)
	active = [r for r in rules() if r.trigger == INTERVIEW_SCHEDULED]
	if not active:
		return 0
	fact = application_facts([interview.job_applicant]).get(interview.job_applicant)
	if not fact:
		return 0
	rows = [
		_row(r, fact, pipeline_mail.interview_key(r.name, interview.name, slot, sequence), now + r.rule.delay,
			slot, interview.name, now, sequence)
		for r in active
		if matches(r, fact)
	]  # fmt: skip
	return _insert(rows)


def is_off(interview) -> bool:
	"""Cancelled (by status or docstatus) or being deleted (Frappe runs on_change on delete)."""
	return (
		interview.get("status") == "Cancelled"
		or int(interview.get("docstatus") or 0) == 2
		or bool((getattr(interview, "flags", None) or {}).get("in_delete"))
	)


def interview_cancelled(interview) -> int:
	"""An interview is off: its not-yet-sent emails are cancelled, and a candidate who may hold
	the invitation gets one cancellation (METHOD:CANCEL, same UID, higher SEQUENCE), keyed per
	interview so replays, a cancel followed by a delete, or two workers queue it once. An
	interview that already started gets no cancellation. Returns messages queued."""
	now = now_datetime()
	issued = issued_for([interview])[interview.name]
	frappe.db.sql(
		f"""update `tab{MESSAGE}` set status = 'Cancelled', error = %(why)s, modified = %(now)s
		where job_applicant = %(applicant)s and interview = %(interview)s and status = 'Queued'
			and idempotency_key not like %(cancel)s""",
		{"why": CANCELLED, "now": now, "applicant": interview.job_applicant, "interview": interview.name,
			"cancel": f"%:{pipeline_mail.CANCEL_MARK}:%"},
	)  # fmt: skip
	sequence = calendar.cancel_sequence([(i.slot, i.sequence) for i in issued])
	delivered = [i for i in issued if i.status in DELIVERED_STATUSES and i.slot and i.candidate]
	if sequence is None or not delivered:
		return 0
	start = pipeline_mail.parse_slot(
		pipeline_mail.slot_text(interview.get("scheduled_on"), interview.get("from_time"))
	)
	if start and datetime.combine(*start) <= now:
		return 0
	# The email goes as the latest invitation did: to its address, from its sender, about the
	# slot the candidate was told (kept on the row, so a deleted interview can still be named).
	last = max(delivered, key=lambda i: (i.trigger == INTERVIEW_SCHEDULED, i.sequence, i.creation))
	key = pipeline_mail.cancel_key(interview.name, sequence)
	row = (
		message_name(key), now, now, "Administrator", "Administrator", 0, 0, last.candidate, last.recipient,
		last.slot, sequence, 0, "A", "Queued", last.email_account, now, 0, 0, last.job_applicant,
		last.pipeline_automation, interview.name, key, 1,
	)  # fmt: skip
	return _insert([row])


def issued_for(interviews) -> dict[str, list[frappe._dict]]:
	"""Per interview, the emails about it in the ledger (any status) with their slot (None for
	a cancellation) and calendar SEQUENCE: one query, through the indexed application column."""
	out: dict[str, list[frappe._dict]] = {i.name: [] for i in interviews}
	applicants = sorted({i.job_applicant for i in interviews if i.get("job_applicant")})
	if not out or not applicants:
		return out
	for r in frappe.db.sql(
		f"""select m.name, m.interview, m.step_key, m.step_idx, m.idempotency_key, m.status, m.candidate,
			m.recipient, m.email_account, m.job_applicant, m.pipeline_automation, m.creation, a.`trigger`
		from `tab{MESSAGE}` m left join `tab{AUTOMATION}` a on a.name = m.pipeline_automation
		where m.job_applicant in %(applicants)s and m.interview in %(names)s""",
		{"applicants": applicants, "names": sorted(out)},
		as_dict=True,
	):
		if r.trigger not in INTERVIEW_TRIGGERS:
			continue
		cancel = pipeline_mail.is_cancel_key(r.idempotency_key)
		r.slot = None if cancel else r.step_key
		r.sequence = int(r.step_idx or 0)
		out[r.interview].append(r)
	return out


def _void_other_slots(interview, slot: str, issued: list[frappe._dict], now: datetime) -> int:
	"""At move time: queued emails of the interview's earlier slots, and a queued cancellation
	of an interview that is back on, are cancelled (the sender would cancel them at claim too)."""
	stale = [i.name for i in issued if i.status == "Queued" and i.slot != slot]
	if not stale:
		return 0
	frappe.db.sql(
		f"""update `tab{MESSAGE}` set status = 'Cancelled', modified = %(now)s,
			error = if(idempotency_key like %(cancel)s, %(reinstated)s, %(moved)s)
		where name in %(names)s and status = 'Queued'""",
		{"names": stale, "now": now, "cancel": f"%:{pipeline_mail.CANCEL_MARK}:%",
			"reinstated": REINSTATED, "moved": RESCHEDULED},
	)  # fmt: skip
	return len(stale)


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
	issued = issued_for(interviews)
	rows = []
	for i in interviews:
		fact = facts.get(i.job_applicant)
		if not fact:
			continue
		slot = pipeline_mail.slot_text(i.scheduled_on, i.from_time)
		sequence = calendar.next_sequence([(x.slot, x.sequence) for x in issued[i.name]], slot)
		for r in active:
			due = pipeline_mail.reminder_due(
				get_datetime(i.starts_at), r.rule.hours_before, now, REMINDER_LOOKAHEAD
			)
			if due and matches(r, fact):
				key = pipeline_mail.interview_key(r.name, i.name, slot, sequence)
				rows.append(_row(r, fact, key, due, slot, i.name, now, sequence))
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


NARROW_FIELDS = (
	"ja.name, ja.applicant_name, ja.email_id, ja.job_title, ja.designation, ja.status, ja.rc_candidate"
)


def application_facts(applicants: list[str], conditions: bool = True) -> dict[str, frappe._dict]:
	"""The applications with what matching, conditions and the ledger need (one query). Without
	`conditions` (no active automation has one) only the few columns matching and the ledger
	read are fetched, not the whole wide Job Applicant row."""
	if not applicants:
		return {}
	fields = "ja.*" if conditions else NARROW_FIELDS
	rows = frappe.db.sql(
		f"""select {fields}, c.email as rc_email, c.full_name as rc_full_name, c.timezone as rc_timezone,
			coalesce(jo.designation, ja.designation) as rc_designation, jo.job_title as rc_opening_title,
			jo.company as rc_company
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


def company_of(fact) -> str | None:
	"""The company whose holidays count for an application: its opening's, else the default."""
	return fact.get("rc_company") or frappe.defaults.get_global_default("company")


def holidays_by_company(companies: set[str | None], now: datetime) -> dict[str, frozenset[date]]:
	"""Each company's holidays (its default Holiday List) from yesterday to the horizon: one
	query for the batch, whatever its size."""
	names = sorted(c for c in companies if c)
	if not names:
		return {}
	out: dict[str, set[date]] = defaultdict(set)
	today = getdate(now)
	for company, day in frappe.db.sql(
		"""select c.name, h.holiday_date from `tabCompany` c
		join `tabHoliday` h on h.parent = c.default_holiday_list and h.parenttype = 'Holiday List'
		where c.name in %(names)s and h.holiday_date between %(start)s and %(end)s""",
		{"names": names, "start": add_days(today, -1), "end": add_days(today, HOLIDAY_HORIZON_DAYS)},
	):
		out[company].add(getdate(day))
	return {c: frozenset(days) for c, days in out.items()}


def business_windows(companies: set[str | None], now: datetime) -> dict[str | None, SendWindow]:
	"""Business Hours per company, with its holidays (one query); None: no company known."""
	holidays = holidays_by_company(companies, now)
	tz = get_system_timezone() or "UTC"
	return {c: pipeline_mail.business_hours(tz, holidays.get(c or "", frozenset())) for c in companies}


def _counts_working_days(rule) -> bool:
	return rule.rule.send_window == BUSINESS_HOURS and rule.rule.delay_in_days


def sender_of(rule: frappe._dict) -> str | None:
	return rule.email_account or default_sender()


def message_name(key: str) -> str:
	"""The ledger row's name derives from its idempotency key: the primary key refuses a replay too."""
	return "rcp-" + hashlib.sha1(key.encode()).hexdigest()[:24]


def _row(
	rule,
	fact,
	key: str,
	due: datetime,
	step_key: str,
	interview: str | None,
	now: datetime,
	sequence: int = 0,
):
	"""A ledger row; for an interview's emails `step_idx` holds the calendar SEQUENCE."""
	return (
		message_name(key), now, now, "Administrator", "Administrator", 0, 0, fact.rc_candidate,
		fact.rc_email or fact.email_id, step_key[:140], sequence, 0, "A", "Queued", rule.email_account, due,
		0, 0, fact.name, rule.name, interview, key, 1,
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
