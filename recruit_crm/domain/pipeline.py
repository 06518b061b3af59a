"""The hiring pipeline as the Workflow on Job Applicant describes it.

Pure: the states and transitions come in as values (read from the Workflow the admin edits), so
every rule here follows the Workflow as configured, never a hard-coded list of states. A state's
*kind* (Applied, Screening, Interview, Offer, Hired, Rejected, Withdrawn, Other) says what it
means to the app whatever the admin calls it; events (an interview scheduled, an offer accepted)
look states up by kind.

Forward means down the Workflow's list of states; a closed state (Hired, Rejected, Withdrawn)
ends the application. Automatic moves only go forward, along transitions the Workflow has
(directly or through intermediate states), and never out of a closed state: anything else is
left to a person, and said so.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum


class StageKind(str, Enum):
	"""What a pipeline state means, whatever it is called."""

	APPLIED = "Applied"
	SCREENING = "Screening"
	INTERVIEW = "Interview"
	OFFER = "Offer"
	HIRED = "Hired"
	REJECTED = "Rejected"
	WITHDRAWN = "Withdrawn"
	OTHER = "Other"


CLOSED_KINDS = frozenset({StageKind.HIRED, StageKind.REJECTED, StageKind.WITHDRAWN})


class SlaLevel(str, Enum):
	"""How long an application has waited in its state, against the state's ideal and maximum."""

	ON_TRACK = "On Track"
	PAST_IDEAL = "Past Ideal"
	PAST_MAX = "Past Max"


class MoveSource(str, Enum):
	"""What moved an application (recorded on each entry of its stage history)."""

	APPLICATION = "Application"
	RECRUITER = "Recruiter"
	BULK = "Bulk Move"
	INTERVIEW = "Interview"
	JOB_OFFER = "Job Offer"
	STATUS = "HRMS Status"
	CANDIDATE = "Candidate"
	INSTALL = "Install"


AUTOMATION_TRIGGERS = ("Enters State", "Interview Scheduled", "Before Interview")
DELAY_UNITS = ("Minutes", "Hours", "Days")
SEND_WINDOWS = ("Any Time", "Business Hours")
ALERT_LEVELS = (SlaLevel.PAST_IDEAL.value, SlaLevel.PAST_MAX.value)


@dataclass(frozen=True)
class State:
	name: str
	kind: StageKind = StageKind.OTHER
	idx: int = 0
	status: str | None = None  # the HRMS status the Workflow sets on entry (update_value)
	label: str | None = None  # what the candidate sees
	next_step: str | None = None  # what happens next, for the candidate
	ideal_days: float | None = None
	max_days: float | None = None

	@property
	def is_closed(self) -> bool:
		return self.kind in CLOSED_KINDS

	@property
	def public_label(self) -> str:
		return self.label or self.name


@dataclass(frozen=True)
class Transition:
	state: str
	action: str
	next_state: str
	allowed: str  # a role
	has_condition: bool = False


@dataclass(frozen=True)
class Pipeline:
	states: tuple[State, ...]
	transitions: tuple[Transition, ...] = ()
	_by_name: dict[str, State] = field(default_factory=dict, compare=False, repr=False)

	def __post_init__(self) -> None:
		self._by_name.update({s.name: s for s in self.states})

	def state(self, name: str | None) -> State | None:
		return self._by_name.get(name or "")

	@property
	def first(self) -> State:
		return self.states[0]

	def of_kind(self, kind: StageKind) -> State | None:
		"""The first state of this kind, in the Workflow's order."""
		return next((s for s in self.states if s.kind == kind), None)

	def names(self) -> list[str]:
		return [s.name for s in self.states]

	def open_states(self) -> list[State]:
		return [s for s in self.states if not s.is_closed]

	def moves(self, current: str, roles: Iterable[str]) -> list[Transition]:
		"""Transitions out of `current` that a user with these roles may take (one per action)."""
		roles = set(roles)
		seen: set[tuple[str, str]] = set()
		out = []
		for t in self.transitions:
			key = (t.action, t.next_state)
			if t.state == current and t.allowed in roles and key not in seen:
				seen.add(key)
				out.append(t)
		return out

	def move_to(self, current: str, target: str, roles: Iterable[str]) -> Transition | None:
		"""The transition a user with these roles takes from `current` to `target`, if any."""
		return next((t for t in self.moves(current, roles) if t.next_state == target), None)

	def any_move_to(self, current: str, target: str) -> Transition | None:
		"""A transition from `current` to `target` whoever takes it (system and candidate moves)."""
		return next((t for t in self.transitions if t.state == current and t.next_state == target), None)

	def is_forward(self, current: str, target: str) -> bool:
		"""Whether `target` lies ahead of `current`: further down the list, or a closed state
		reached from an open one."""
		a, b = self.state(current), self.state(target)
		if not a or not b or a.is_closed or a.name == b.name:
			return False
		return b.is_closed or b.idx > a.idx

	def reachable(self, current: str, target: str) -> bool:
		"""Whether the Workflow leads from `current` to `target` through forward transitions."""
		if not self.is_forward(current, target):
			return False
		queue, seen = deque([current]), {current}
		while queue:
			here = queue.popleft()
			for t in self.transitions:
				if t.state != here or t.next_state in seen or not self.is_forward(here, t.next_state):
					continue
				if t.next_state == target:
					return True
				seen.add(t.next_state)
				queue.append(t.next_state)
		return False


@dataclass(frozen=True)
class AutoMove:
	"""The outcome of an event for one application: move to `target`, or stay with a reason."""

	target: str | None
	reason: str = ""


def event_move(pipeline: Pipeline, current: str | None, kind: StageKind) -> AutoMove:
	"""Where an event that means `kind` (an interview scheduled means Interview, an accepted offer
	means Hired) takes an application now in `current`: forward only, where the Workflow leads."""
	target = pipeline.of_kind(kind)
	return _auto_move(pipeline, current, target, f"the Workflow has no {kind.value} state")


def status_move(pipeline: Pipeline, current: str | None, status: str) -> AutoMove:
	"""Where an HRMS status set outside the pipeline (Job Offer accepted -> Accepted, an interview's
	"Mark as Rejected") takes the application: the first state that sets that status, if forward."""
	here = pipeline.state(current)
	if here and here.status == status:
		return AutoMove(None, "")  # already in step
	candidates = [s for s in pipeline.states if s.status == status]
	forward = [s for s in candidates if here and pipeline.is_forward(here.name, s.name)]
	target = forward[0] if forward else (candidates[0] if candidates else None)
	return _auto_move(pipeline, current, target, f"no pipeline state sets the status {status}")


def _auto_move(pipeline: Pipeline, current: str | None, target: State | None, missing: str) -> AutoMove:
	here = pipeline.state(current)
	if target is None:
		return AutoMove(None, missing)
	if here is None:
		return AutoMove(None, f"the application's state {current!r} is not in the Workflow")
	if here.name == target.name:
		return AutoMove(None, "")
	if here.is_closed:
		return AutoMove(None, f"{here.name} is closed; only a person can reopen it")
	if not pipeline.is_forward(here.name, target.name):
		return AutoMove(None, f"{target.name} is behind {here.name}; the pipeline never moves back by itself")
	if not pipeline.reachable(here.name, target.name):
		return AutoMove(None, f"the Workflow has no way from {here.name} to {target.name}")
	return AutoMove(target.name)


# ------------------------------------------------------------------ time in stage


def days_in_stage(entered_at: datetime, now: datetime) -> float:
	return max((now - entered_at).total_seconds(), 0.0) / 86400.0


def sla_level(days: float, ideal_days: float | None, max_days: float | None) -> SlaLevel | None:
	"""On track, past the ideal or past the maximum; None when the state has no time set."""
	if not ideal_days and not max_days:
		return None
	if max_days and days > max_days:
		return SlaLevel.PAST_MAX
	if ideal_days and days > ideal_days:
		return SlaLevel.PAST_IDEAL
	return SlaLevel.ON_TRACK


def effective_days(
	state: State, overrides: dict[str, tuple[float | None, float | None]] | None = None
) -> tuple[float | None, float | None]:
	"""The (ideal, max) days of a state: a Job Opening's override beats the global setting."""
	ideal, most = (overrides or {}).get(state.name, (None, None))
	return (ideal or state.ideal_days or None, most or state.max_days or None)


def hear_back_by(entered_at: datetime, ideal_days: float | None, max_days: float | None) -> datetime | None:
	"""When a candidate can expect to hear from us: the state's ideal time (else its maximum)."""
	days = ideal_days or max_days
	return entered_at + timedelta(days=days) if days else None


# ------------------------------------------------------------------ assignment


def next_recruiter(recruiters: Sequence[tuple[str, datetime | None]]) -> str | None:
	"""Round robin: the recruiter assigned longest ago (never assigned first), in list order on ties."""
	if not recruiters:
		return None
	order = sorted(
		range(len(recruiters)),
		key=lambda i: (recruiters[i][1] is not None, recruiters[i][1] or datetime.min, i),
	)
	return recruiters[order[0]][0]


# ------------------------------------------------------------------ the Workflow shipped on install


@dataclass(frozen=True)
class StateSpec:
	name: str
	kind: StageKind
	status: str
	label: str
	next_step: str
	ideal_days: int
	max_days: int
	style: str


STANDARD_ROLES = ("Recruiter", "HR User", "HR Manager")
DECIDING_ROLES = ("HR User", "HR Manager")

DEFAULT_STATES: tuple[StateSpec, ...] = (
	StateSpec(
		"Applied",
		StageKind.APPLIED,
		"Open",
		"Application received",
		"A recruiter reads every application and replies to each one.",
		3,
		7,
		"Primary",
	),
	StateSpec(
		"Screening",
		StageKind.SCREENING,
		"Replied",
		"Under review",
		"We are looking at your experience against the role and will tell you the next step.",
		5,
		10,
		"Info",
	),
	StateSpec(
		"Interview",
		StageKind.INTERVIEW,
		"Replied",
		"Interviewing",
		"You meet the team. We send each invitation with the time in your time zone.",
		7,
		14,
		"Warning",
	),
	StateSpec(
		"Offer",
		StageKind.OFFER,
		"Replied",
		"Offer",
		"We are preparing or discussing an offer with you.",
		5,
		10,
		"Warning",
	),
	StateSpec("Hired", StageKind.HIRED, "Accepted", "Hired", "Welcome aboard.", 0, 0, "Success"),
	StateSpec(
		"Rejected",
		StageKind.REJECTED,
		"Rejected",
		"Not selected",
		"This application is closed. We keep your profile for future roles if you allow it.",
		0,
		0,
		"Danger",
	),
	StateSpec(
		"Withdrawn",
		StageKind.WITHDRAWN,
		"Rejected",
		"Withdrawn",
		"You withdrew this application.",
		0,
		0,
		"Inverse",
	),
)

# (from, action, to, roles)
DEFAULT_TRANSITIONS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
	("Applied", "Screen", "Screening", STANDARD_ROLES),
	("Applied", "Invite to Interview", "Interview", STANDARD_ROLES),
	("Applied", "Reject", "Rejected", STANDARD_ROLES),
	("Applied", "Withdraw", "Withdrawn", STANDARD_ROLES),
	("Screening", "Invite to Interview", "Interview", STANDARD_ROLES),
	("Screening", "Make Offer", "Offer", DECIDING_ROLES),
	("Screening", "Reject", "Rejected", STANDARD_ROLES),
	("Screening", "Withdraw", "Withdrawn", STANDARD_ROLES),
	("Screening", "Back to Applied", "Applied", STANDARD_ROLES),
	("Interview", "Make Offer", "Offer", DECIDING_ROLES),
	("Interview", "Reject", "Rejected", STANDARD_ROLES),
	("Interview", "Withdraw", "Withdrawn", STANDARD_ROLES),
	("Interview", "Back to Screening", "Screening", STANDARD_ROLES),
	("Offer", "Hire", "Hired", DECIDING_ROLES),
	("Offer", "Reject", "Rejected", DECIDING_ROLES),
	("Offer", "Withdraw", "Withdrawn", STANDARD_ROLES),
	("Offer", "Back to Interview", "Interview", DECIDING_ROLES),
	("Rejected", "Reopen", "Screening", DECIDING_ROLES),
	("Withdrawn", "Reopen", "Screening", DECIDING_ROLES),
)


def default_pipeline() -> Pipeline:
	"""The shipped Workflow as a Pipeline (for tests and the install step)."""
	states = tuple(
		State(s.name, s.kind, i + 1, s.status, s.label, s.next_step, s.ideal_days or None, s.max_days or None)
		for i, s in enumerate(DEFAULT_STATES)
	)
	transitions = tuple(
		Transition(a, action, b, role) for a, action, b, roles in DEFAULT_TRANSITIONS for role in roles
	)
	return Pipeline(states, transitions)
