"""Nurture campaigns as pure rules: sequencing, branching, goals, exits, re-entry and A/B variants.

When an email may go out (windows, caps, frequency, forecasts) is `send_rules`.

Nothing here reads the clock or the database: the current time and every fact come in as
arguments, so each rule is unit-tested with an injected clock.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from enum import Enum

from recruit_crm.domain.types import FUNNEL_ORDER, EmailFrequency

UTC = timezone.utc


class StepType(str, Enum):
	SEND_EMAIL = "Send Email"
	WAIT = "Wait"
	BRANCH = "Branch"
	CREATE_TASK = "Create Task"
	UPDATE_CANDIDATE = "Update Candidate"
	INVITE_TO_APPLY = "Invite To Apply"
	SHARE_CONTENT = "Share Content"


# Steps that produce one email (a ledger row) per enrolled person.
EMAIL_STEPS = frozenset({StepType.SEND_EMAIL, StepType.INVITE_TO_APPLY, StepType.SHARE_CONTENT})


class EnrollmentStatus(str, Enum):
	ACTIVE = "Active"  # due for its next step at next_action_at
	WAITING = "Waiting"  # its email is queued or being sent
	PAUSED = "Paused"
	COMPLETED = "Completed"
	EXITED = "Exited"


class MessageStatus(str, Enum):
	QUEUED = "Queued"
	SENDING = "Sending"
	SENT = "Sent"
	UNKNOWN = "Unknown"  # the worker died between claiming and recording: maybe sent, never auto-resent
	FAILED = "Failed"
	SUPPRESSED = "Suppressed"
	CANCELLED = "Cancelled"


class ExitReason(str, Enum):
	APPLIED = "Applied"
	REPLIED = "Replied"
	HIRED = "Hired"
	GOAL_STAGE = "Goal Stage Reached"
	UNSUBSCRIBED = "Unsubscribed"
	CONSENT_LOST = "Consent Lost"
	BOUNCED = "Bounced"
	DO_NOT_CONTACT = "Do Not Contact"
	PREFERENCES = "Email Preferences"
	REMOVED = "Removed By Recruiter"
	CAMPAIGN_STOPPED = "Campaign Stopped"
	INVALID_FLOW = "Invalid Flow"


class BranchCondition(str, Enum):
	OPENED = "Opened"
	CLICKED = "Clicked"
	REPLIED = "Replied"
	SCORE_AT_LEAST = "Score At Least"
	STAGE_IS = "Stage Is"
	READINESS_IS = "Readiness Is"


class ReentryPolicy(str, Enum):
	ONCE = "Once"
	AFTER_DAYS = "Again After Days"


FUNNEL = tuple(stage.value for stage in FUNNEL_ORDER)


@dataclass(frozen=True)
class Step:
	"""One step of a campaign; `idx` is 1-based. Branch targets are step numbers (0 = next step)."""

	idx: int
	step_type: StepType
	key: str = ""
	wait_amount: int = 0
	wait_unit: str = "Days"  # Hours | Days
	wait_until: datetime | None = None  # aware (UTC)
	condition: BranchCondition | None = None
	condition_value: str = ""
	yes_step: int = 0
	no_step: int = 0
	ab_split_percent: int = 0  # share of people who get variant B; 0 = no test

	@property
	def is_email(self) -> bool:
		return self.step_type in EMAIL_STEPS


@dataclass(frozen=True)
class Facts:
	"""What is known about one enrolled person when a step is decided."""

	opened: bool = False
	clicked: bool = False
	replied: bool = False
	score: float = 0.0
	stage: str = ""
	readiness: str = ""


@dataclass(frozen=True)
class Advance:
	"""Outcome of moving one enrolment forward: where it stands now and what to do.

	`actions` are the side-effect steps passed on the way (tasks, updates); `position` is the step
	to run next (an email step to queue, or the step after a wait); None means completed.
	"""

	position: int | None
	status: EnrollmentStatus
	next_action_at: datetime | None
	actions: tuple[Step, ...] = ()
	exit_reason: ExitReason | None = None


MAX_HOPS = 100


def wait_until(step: Step, now: datetime) -> datetime:
	"""When a wait step started at `now` is over."""
	if step.wait_until:
		return max(step.wait_until, now)
	hours = step.wait_amount * (24 if step.wait_unit == "Days" else 1)
	return now + timedelta(hours=max(hours, 0))


def condition_holds(step: Step, facts: Facts) -> bool:
	"""Whether a branch step's condition is true for this person."""
	c = step.condition
	if c == BranchCondition.OPENED:
		return facts.opened or facts.clicked  # a click implies the email was opened
	if c == BranchCondition.CLICKED:
		return facts.clicked
	if c == BranchCondition.REPLIED:
		return facts.replied
	if c == BranchCondition.SCORE_AT_LEAST:
		try:
			return facts.score >= float(step.condition_value or 0)
		except ValueError:
			return False
	if c == BranchCondition.STAGE_IS:
		return facts.stage == step.condition_value
	if c == BranchCondition.READINESS_IS:
		return facts.readiness == step.condition_value
	return False


def advance(steps: list[Step], position: int, facts: Facts, now: datetime) -> Advance:
	"""Run an enrolment from `position` until it must wait, send an email, or ends.

	Side-effect steps (tasks, candidate updates) are collected in order; branches jump;
	a wait stops with the time it is over; an email step stops at that step so its
	message can be queued set-based.
	"""
	by_idx = {s.idx: s for s in steps}
	actions: list[Step] = []
	for _ in range(MAX_HOPS):
		step = by_idx.get(position)
		if step is None:
			return Advance(None, EnrollmentStatus.COMPLETED, None, tuple(actions))
		if step.is_email:
			return Advance(position, EnrollmentStatus.ACTIVE, now, tuple(actions))
		if step.step_type == StepType.WAIT:
			return Advance(position + 1, EnrollmentStatus.ACTIVE, wait_until(step, now), tuple(actions))
		if step.step_type == StepType.BRANCH:
			target = step.yes_step if condition_holds(step, facts) else step.no_step
			position = target or position + 1
			continue
		actions.append(step)
		position += 1
	return Advance(
		position, EnrollmentStatus.EXITED, None, tuple(actions), exit_reason=ExitReason.INVALID_FLOW
	)


def validate_steps(steps: list[Step]) -> list[str]:
	"""Problems that make a campaign unsafe to launch (empty list when it is fine)."""
	problems: list[str] = []
	if not steps:
		return ["A campaign needs at least one step."]
	indexes = {s.idx for s in steps}
	for s in steps:
		if s.step_type == StepType.BRANCH:
			if not s.condition:
				problems.append(f"Step {s.idx}: a branch needs a condition.")
			for target in (s.yes_step, s.no_step):
				if target and target not in indexes:
					problems.append(f"Step {s.idx}: branch target {target} does not exist.")
		if s.step_type == StepType.WAIT and not s.wait_until and s.wait_amount <= 0:
			problems.append(f"Step {s.idx}: a wait needs a duration or a date.")
		if s.ab_split_percent and not 0 < s.ab_split_percent < 100:
			problems.append(f"Step {s.idx}: the B share must be between 1 and 99 percent.")
	if not problems and _has_instant_loop(steps):
		problems.append("The steps loop back without a wait or an email in between.")
	return problems


def _has_instant_loop(steps: list[Step]) -> bool:
	"""A cycle through branches and side-effect steps only would spin forever."""
	by_idx = {s.idx: s for s in steps}

	def successors(s: Step) -> list[int]:
		if s.is_email or s.step_type == StepType.WAIT:
			return []
		if s.step_type == StepType.BRANCH:
			return [s.yes_step or s.idx + 1, s.no_step or s.idx + 1]
		return [s.idx + 1]

	state: dict[int, int] = {}

	def visit(i: int) -> bool:
		if i not in by_idx:
			return False
		if state.get(i) == 1:
			return True
		if state.get(i) == 2:
			return False
		state[i] = 1
		if any(visit(n) for n in successors(by_idx[i])):
			return True
		state[i] = 2
		return False

	return any(visit(s.idx) for s in steps)


@dataclass(frozen=True)
class Goals:
	exit_on_apply: bool = True
	exit_on_reply: bool = True
	exit_on_hire: bool = True
	goal_stage: str = ""


@dataclass(frozen=True)
class Person:
	"""Contact flags and progress of a person, as stored on the candidate."""

	do_not_contact: bool = False
	is_unsubscribed: bool = False
	has_bounced: bool = False
	has_marketing_consent: bool = True
	consent_expires_on: date | None = None
	is_anonymized: bool = False
	email_frequency: str = "Any"
	legitimate_interest: bool = False  # the site sends nurture email on legitimate interest
	objected: bool = False  # they objected (withdrew marketing consent or unsubscribed)
	applied_since_enrolment: bool = False
	hired: bool = False
	replied: bool = False
	stage: str = ""


def suppression_reason(person: Person, today: date) -> ExitReason | None:
	"""Why this person may not receive marketing email at all (None when they may)."""
	if person.is_anonymized or person.do_not_contact:
		return ExitReason.DO_NOT_CONTACT
	if person.is_unsubscribed:
		return ExitReason.UNSUBSCRIBED
	if person.has_bounced:
		return ExitReason.BOUNCED
	consented = person.has_marketing_consent and not (
		person.consent_expires_on and person.consent_expires_on < today
	)
	if not consented and not (person.legitimate_interest and not person.objected):
		return ExitReason.CONSENT_LOST
	if person.email_frequency == EmailFrequency.IMPORTANT_ONLY.value:
		return ExitReason.PREFERENCES
	return None


def exit_reason(goals: Goals, person: Person, today: date) -> ExitReason | None:
	"""Why an enrolment should end now: a goal was met or contact is no longer allowed."""
	reason = suppression_reason(person, today)
	if reason:
		return reason
	if goals.exit_on_hire and (person.hired or person.stage == "Hired"):
		return ExitReason.HIRED
	if goals.exit_on_apply and person.applied_since_enrolment:
		return ExitReason.APPLIED
	if goals.exit_on_reply and person.replied:
		return ExitReason.REPLIED
	if goals.goal_stage and stage_reached(person.stage, goals.goal_stage):
		return ExitReason.GOAL_STAGE
	return None


def stage_reached(stage: str, goal: str) -> bool:
	"""Whether `stage` is at or past `goal` in the funnel."""
	if stage == goal:
		return True
	if stage in FUNNEL and goal in FUNNEL:
		return FUNNEL.index(stage) >= FUNNEL.index(goal)
	return False


def may_reenter(policy: ReentryPolicy, ended_at: datetime | None, after_days: int, now: datetime) -> bool:
	"""Whether someone whose enrolment ended may be enrolled again now."""
	if policy == ReentryPolicy.ONCE or ended_at is None:
		return False
	return now >= ended_at + timedelta(days=max(after_days, 0))


_AUTO_SUBJECT = re.compile(
	r"^\s*(auto(matic)?[\s_-]*(reply|response|antwort)|out of (the )?office|abwesenheit|"
	r"r[ée]ponse automatique|respuesta autom[áa]tica|i am (currently )?away|on vacation|ooo\b)",
	re.IGNORECASE,
)


def is_auto_reply(subject: str, headers: Mapping[str, str] | None = None) -> bool:
	"""RFC 3834 auto-replies and the usual out-of-office subjects: pause, do not stop."""
	headers = {k.lower(): (v or "") for k, v in (headers or {}).items()}
	auto = headers.get("auto-submitted", "").strip().lower()
	if auto and auto != "no":
		return True
	if headers.get("x-autoreply") or headers.get("x-autorespond"):
		return True
	if headers.get("precedence", "").strip().lower() in ("auto_reply", "bulk", "junk"):
		return True
	subject = re.sub(r"^\s*(re|aw|fw|fwd)\s*:\s*", "", subject or "", flags=re.IGNORECASE)
	return bool(_AUTO_SUBJECT.search(subject))


def variant_for(enrollment: str, step_key: str, b_percent: int) -> str:
	"""Stable A/B assignment: the same person always gets the same variant of a step.

	Matches SQL `if(crc32(concat(enrollment, ':', step_key)) % 100 < b_percent, 'B', 'A')`.
	"""
	if not b_percent:
		return "A"
	return "B" if zlib.crc32(f"{enrollment}:{step_key}".encode()) % 100 < b_percent else "A"


@dataclass(frozen=True)
class VariantResult:
	variant: str
	sent: int
	opened: int
	clicked: int
	replied: int

	@property
	def open_rate(self) -> float:
		return self.opened / self.sent if self.sent else 0.0

	@property
	def click_rate(self) -> float:
		return self.clicked / self.sent if self.sent else 0.0

	@property
	def reply_rate(self) -> float:
		return self.replied / self.sent if self.sent else 0.0


def leading_variant(results: list[VariantResult], min_sent: int = 100) -> str | None:
	"""The variant ahead on replies, then clicks, then opens, once each has `min_sent` sends."""
	eligible = [r for r in results if r.sent >= min_sent]
	if len(eligible) < 2:
		return None
	ranked = sorted(eligible, key=lambda r: (r.reply_rate, r.click_rate, r.open_rate), reverse=True)
	top, second = ranked[0], ranked[1]
	if (top.reply_rate, top.click_rate, top.open_rate) == (
		second.reply_rate,
		second.click_rate,
		second.open_rate,
	):
		return None
	return top.variant
