"""Pipeline emails (RC Pipeline Automation): which rule applies to an application, when its email
is due, the key that makes it exactly-once, and what the sender does with it at claim time.

Pure: rules and facts come in as values, time is passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import Enum

from recruit_crm.domain.pipeline import AUTOMATION_TRIGGERS, DELAY_UNITS, SEND_WINDOWS, StageKind
from recruit_crm.domain.send_rules import SendWindow

ENTERS_STATE, INTERVIEW_SCHEDULED, BEFORE_INTERVIEW = AUTOMATION_TRIGGERS
ANY_TIME, BUSINESS_HOURS = SEND_WINDOWS
INTERVIEW_TRIGGERS = (INTERVIEW_SCHEDULED, BEFORE_INTERVIEW)

# Silver medalists: people who reached one of these kinds of state before they were turned down.
FINAL_STAGE_KINDS = (StageKind.INTERVIEW.value, StageKind.OFFER.value)

# Business Hours for pipeline email, as the automation form says: 09:00-18:00, Monday to Friday.
BUSINESS_START = time(9, 0)
BUSINESS_END = time(18, 0)
BUSINESS_WEEKDAYS = frozenset({0, 1, 2, 3, 4})  # Monday = 0

_UNIT_SECONDS = {"Minutes": 60, "Hours": 3600, "Days": 86400}
assert set(_UNIT_SECONDS) == set(DELAY_UNITS)


@dataclass(frozen=True)
class Rule:
	"""One enabled automation, as matching needs it."""

	name: str
	trigger: str
	state: str | None = None
	job_opening: str | None = None
	designation: str | None = None
	has_condition: bool = False
	delay: timedelta = timedelta()
	hours_before: int = 0
	repeat_on_reentry: bool = False
	send_window: str = ANY_TIME
	delay_in_days: bool = False  # 'Send After' was given in Days


def delay_of(value: int | float | None, unit: str | None) -> timedelta:
	"""An automation's 'Send After' as a duration (unknown units count as minutes)."""
	return timedelta(seconds=max(float(value or 0), 0.0) * _UNIT_SECONDS.get(unit or "", 60))


def business_days_after(
	start: datetime,
	days: int,
	holidays: frozenset[date] = frozenset(),
	weekdays: frozenset[int] = BUSINESS_WEEKDAYS,
) -> datetime:
	"""`days` working days after `start`, at the same clock time: weekends and holidays are not
	counted. Friday + 2 is Tuesday; with Monday a holiday, Wednesday. Zero days is `start`."""
	if not weekdays:
		raise ValueError("a working week needs at least one weekday")
	day, left = start.date(), max(int(days), 0)
	while left:
		day += timedelta(days=1)
		if day.weekday() in weekdays and day not in holidays:
			left -= 1
	return datetime.combine(day, start.timetz()) if day != start.date() else start


def due_after(rule: Rule, since: datetime, holidays: frozenset[date] = frozenset()) -> datetime:
	"""When a rule's email is due after `since`. With Business Hours a delay in days counts
	working days, skipping weekends and the company's `holidays` (a rejection "2 days later"
	over a holiday lands on the next working day); otherwise the delay is elapsed time. The send
	window itself (hours, weekdays, holidays) is applied again when the email is claimed."""
	if rule.send_window == BUSINESS_HOURS and rule.delay_in_days:
		whole = rule.delay // timedelta(days=1)
		return business_days_after(since, whole, holidays) + (rule.delay - timedelta(days=whole))
	return since + rule.delay


def in_scope(rule: Rule, job_opening: str | None, designation: str | None) -> bool:
	"""Whether an application for this opening (of this designation) is in the rule's scope."""
	if rule.job_opening and rule.job_opening != job_opening:
		return False
	return not (rule.designation and rule.designation != designation)


def entry_rules(rules: list[Rule], state: str) -> list[Rule]:
	return [r for r in rules if r.trigger == ENTERS_STATE and r.state == state]


def slot_text(on: date | str | None, from_time: time | timedelta | str | None) -> str:
	"""An interview's slot as the idempotency key spells it: '2026-03-03:09:30:00'. A moved
	interview has another slot, so its old emails no longer match and are cancelled."""
	day = on.isoformat() if isinstance(on, date) else str(on or "")
	if isinstance(from_time, timedelta):
		seconds = int(from_time.total_seconds()) % 86400
		clock = f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
	elif isinstance(from_time, time):
		clock = from_time.strftime("%H:%M:%S")
	elif from_time:
		parts = [int(float(p)) for p in str(from_time).split(":")] + [0, 0]
		clock = f"{parts[0]:02d}:{parts[1]:02d}:{parts[2]:02d}"
	else:
		clock = "09:00:00"
	return f"{day}:{clock}"


def entry_key(automation: str, stage_row: str) -> str:
	"""One email per automation and stay in a state (a history row)."""
	return f"{automation}:{stage_row}"


def interview_key(automation: str, interview: str, slot: str, sequence: int = 0) -> str:
	"""One email per automation, interview and slot, and per calendar SEQUENCE after the first:
	an interview moved away and back again, or reinstated, gets a new email for the same slot."""
	key = f"{automation}:{interview}:{slot}"
	return f"{key}#{sequence}" if sequence else key


CANCEL_MARK = "cancel"


def cancel_key(interview: str, sequence: int) -> str:
	"""One cancellation per interview (and calendar SEQUENCE, should it be reinstated and
	cancelled again); it does not depend on the automation, so two invitations make one."""
	return f"{interview}:{CANCEL_MARK}:{sequence}"


def is_cancel_key(key: str | None) -> bool:
	parts = (key or "").split(":")
	return len(parts) == 3 and parts[1] == CANCEL_MARK


def parse_slot(slot: str | None) -> tuple[date, time] | None:
	"""A slot's date and start time ('2026-03-03:09:30:00'), or None when it is not one."""
	try:
		day, clock = (slot or "").split(":", 1)
		return date.fromisoformat(day), time.fromisoformat(clock)
	except ValueError:
		return None


def reminder_due(start: datetime, hours_before: int, now: datetime, lookahead: timedelta) -> datetime | None:
	"""When a reminder `hours_before` an interview starting at `start` is due, if it should be
	queued now (due within `lookahead`, interview not started yet); else None."""
	if start <= now:
		return None
	due = start - timedelta(hours=max(hours_before, 0))
	if due > now + lookahead:
		return None
	return max(due, now)


def business_hours(default_tz: str, holidays: frozenset[date] = frozenset()) -> SendWindow:
	return SendWindow(start=BUSINESS_START, end=BUSINESS_END, holidays=holidays, default_tz=default_tz)


def is_silver_medalist(kinds_reached: set[str] | frozenset[str]) -> bool:
	"""Turned down after reaching the final stages (an Interview or Offer kind of state)."""
	return any(k in kinds_reached for k in FINAL_STAGE_KINDS)


class Verdict(str, Enum):
	SEND = "Send"
	SUPPRESS = "Suppressed"
	CANCEL = "Cancelled"


@dataclass(frozen=True)
class ClaimFacts:
	"""What the sender knows about one queued pipeline email when it claims it."""

	trigger: str | None  # None: the automation was deleted
	automation_enabled: bool = True
	has_candidate: bool = True
	has_email: bool = True
	do_not_contact: bool = False
	anonymized: bool = False
	unsubscribed: bool = False
	bounced: bool = False
	only_while_in_state: bool = False
	automation_state: str | None = None
	current_state: str | None = None
	stay_ended: bool = False
	interview_exists: bool = True
	interview_cancelled: bool = False
	queued_slot: str | None = None  # from the key
	current_slot: str | None = None  # the interview's slot now
	interview_started: bool = False
	cancellation: bool = False  # the email that withdraws an interview (its key says so)


def claim_verdict(f: ClaimFacts) -> tuple[Verdict, str]:
	"""Send, suppress (the person may not be emailed) or cancel (the email no longer applies),
	with the reason stored on the ledger row. Transactional: no marketing consent needed."""
	if not f.has_candidate or f.anonymized or f.do_not_contact:
		return Verdict.SUPPRESS, "Do Not Contact"
	if f.unsubscribed:
		return Verdict.SUPPRESS, "Unsubscribed"
	if f.bounced:
		return Verdict.SUPPRESS, "Bounced"
	if not f.has_email:
		return Verdict.SUPPRESS, "No Email Address"
	if f.trigger is None:
		return Verdict.CANCEL, "The automation was deleted before the email went out."
	if f.cancellation:
		# The candidate holds the invitation: the withdrawal goes even if the automation was
		# switched off since, but not when the interview is back on or already took place.
		if f.interview_exists and not f.interview_cancelled:
			return Verdict.CANCEL, "The interview was reinstated."
		if f.interview_started:
			return Verdict.CANCEL, "The interview had already started."
		return Verdict.SEND, ""
	if not f.automation_enabled:
		return Verdict.CANCEL, "The automation was disabled before the email went out."
	left = f.stay_ended or (f.automation_state and f.current_state != f.automation_state)
	if f.trigger == ENTERS_STATE and f.only_while_in_state and left:
		return (
			Verdict.CANCEL,
			f"The application left {f.automation_state or 'the state'} before the email went out.",
		)
	if f.trigger in INTERVIEW_TRIGGERS:
		if not f.interview_exists or f.interview_cancelled:
			return Verdict.CANCEL, "The interview was cancelled."
		if f.queued_slot and f.current_slot and f.queued_slot != f.current_slot:
			return Verdict.CANCEL, "The interview was rescheduled."
		if f.trigger == BEFORE_INTERVIEW and f.interview_started:
			return Verdict.CANCEL, "The interview had already started."
	return Verdict.SEND, ""


def slot_of_key(key: str | None) -> str | None:
	"""The slot part of an interview key ('automation:interview:YYYY-MM-DD:HH:MM:SS[#n]')."""
	if is_cancel_key(key):
		return None
	parts = (key or "").split(":", 2)
	return parts[2].split("#", 1)[0] if len(parts) == 3 else None


# ------------------------------------------------------------------ what install ships


@dataclass(frozen=True)
class TemplateSpec:
	name: str
	subject: str
	body: str


@dataclass(frozen=True)
class AutomationSpec:
	title: str
	trigger: str
	template: str
	state_kind: StageKind | None = None
	delay_value: int = 0
	delay_unit: str = "Minutes"
	send_window: str = ANY_TIME
	hours_before: int = 0
	attach_calendar: bool = False
	only_while_in_state: bool = False
	invite_to_community: bool = False
	silver_medals: bool = False


_LINK = '<p><a href="{{ applications_link }}" class="rc-button">See your applications</a></p>'

DEFAULT_TEMPLATES: tuple[TemplateSpec, ...] = (
	TemplateSpec(
		"Recruit CRM: Application Received",
		"We received your application for {{ application.job_title }}",
		"<p>Hi {{ candidate.first_name }},</p>"
		"<p>Thank you for applying for <b>{{ application.job_title }}</b>{% if company %} at {{ company }}{% endif %}. "
		"{{ application.next_step }}</p>" + _LINK,
	),
	TemplateSpec(
		"Recruit CRM: Interview Invitation",
		"Your interview for {{ application.job_title }}: {{ interview.when }}",
		"<p>Hi {{ candidate.first_name }},</p>"
		"<p>We would like to meet you for <b>{{ application.job_title }}</b>.</p>"
		"<p><b>When:</b> {{ interview.when }}<br><b>Round:</b> {{ interview.round }}</p>"
		"<p>The invitation is attached; you can also "
		'<a href="{{ interview.google_calendar_link }}">add it to Google Calendar</a>.</p>' + _LINK,
	),
	TemplateSpec(
		"Recruit CRM: Interview Reminder",
		"Reminder: your interview for {{ application.job_title }} is {{ interview.when }}",
		"<p>Hi {{ candidate.first_name }},</p>"
		"<p>A reminder of your interview for <b>{{ application.job_title }}</b>: {{ interview.when }}.</p>"
		+ _LINK,
	),
	TemplateSpec(
		"Recruit CRM: Offer",
		"Good news about {{ application.job_title }}",
		"<p>Hi {{ candidate.first_name }},</p>"
		"<p>We are preparing an offer for <b>{{ application.job_title }}</b> and will be in touch "
		"very soon to talk it through.</p>" + _LINK,
	),
	TemplateSpec(
		"Recruit CRM: Not Selected",
		"Your application for {{ application.job_title }}",
		"<p>Hi {{ candidate.first_name }},</p>"
		"<p>Thank you for your interest in <b>{{ application.job_title }}</b> and for the time you gave us. "
		"After careful consideration we will not be moving forward with your application this time.</p>"
		"{% if community_link %}<p>We would like to stay in touch for future roles: "
		'<a href="{{ community_link }}">join our talent community</a>.</p>{% endif %}' + _LINK,
	),
)

# The email that withdraws an interview invitation. An Email Template of this name, if HR creates
# one, is used instead; install does not ship it (so no site's templates change under it).
CANCELLATION_TEMPLATE = TemplateSpec(
	"Recruit CRM: Interview Cancelled",
	"Cancelled: your interview for {{ application.job_title }} ({{ interview.when }})",
	"<p>Hi {{ candidate.first_name }},</p>"
	"<p>Your interview for <b>{{ application.job_title }}</b> on {{ interview.when }} has been cancelled. "
	"The attached calendar update removes it from your calendar.</p>"
	"<p>We are sorry for the change and will be in touch about what happens next.</p>" + _LINK,
)

DEFAULT_AUTOMATIONS: tuple[AutomationSpec, ...] = (
	AutomationSpec(
		"Acknowledge new applications", ENTERS_STATE, "Recruit CRM: Application Received",
		StageKind.APPLIED, delay_value=5,
	),
	AutomationSpec(
		"Interview invitation", INTERVIEW_SCHEDULED, "Recruit CRM: Interview Invitation", attach_calendar=True
	),
	AutomationSpec(
		"Interview reminder", BEFORE_INTERVIEW, "Recruit CRM: Interview Reminder", hours_before=24,
		attach_calendar=True,
	),
	AutomationSpec(
		"Offer on its way", ENTERS_STATE, "Recruit CRM: Offer", StageKind.OFFER, delay_value=10,
		only_while_in_state=True,
	),
	AutomationSpec(
		"Rejection after an undo window", ENTERS_STATE, "Recruit CRM: Not Selected", StageKind.REJECTED,
		delay_value=2, delay_unit="Days", send_window=BUSINESS_HOURS, only_while_in_state=True,
		invite_to_community=True, silver_medals=True,
	),
)  # fmt: skip
