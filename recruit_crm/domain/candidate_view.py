"""What a candidate sees of one of their applications on "My applications".

Pure: the pipeline, the application's state, HRMS status and when its current stay began come in
as values. Only what the Workflow says candidates may see leaves here: the state's candidate
label, its next-step text, when they can expect to hear (from the state's ideal time, else its
maximum) and whether they may withdraw. A state's own name is internal (an admin may call a
state "Failed culture fit"), so a state without a candidate label reads by its HRMS status, as
every application does when the pipeline is off.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from recruit_crm.domain.pipeline import Pipeline, StageKind, effective_days, hear_back_by

# HRMS statuses as a candidate may read them when no pipeline is active. "Rejected" reads as
# closed: the page never says why, or who decided.
STATUS_LABELS = {
	"Open": "Application received",
	"Replied": "Under review",
	"Hold": "Under review",
	"Accepted": "Offer accepted",
	"Rejected": "Closed",
}
NEUTRAL_LABEL = "In progress"
CLOSED_STATUSES = frozenset({"Accepted", "Rejected"})


@dataclass(frozen=True)
class StageView:
	label: str
	next_step: str
	hear_back_by: datetime | None  # None for closed applications and states without a time set
	overdue: bool  # the promised date has passed: the page says "soon" instead of a past date
	withdraw_to: str | None  # the Withdrawn-kind state the candidate can move to, if any
	closed: bool


def withdraw_target(pipeline: Pipeline, current: str | None) -> str | None:
	"""The state of kind Withdrawn the Workflow has a transition to from `current`, if any.

	Whoever the transition is configured for: a candidate withdrawing is a system move on their
	behalf. Closed applications cannot be withdrawn."""
	here = pipeline.state(current)
	if here is None or here.is_closed:
		return None
	for t in pipeline.transitions:
		if t.state != here.name:
			continue
		target = pipeline.state(t.next_state)
		if target is not None and target.kind == StageKind.WITHDRAWN:
			return target.name
	return None


def stage_view(
	pipeline: Pipeline | None,
	state_name: str | None,
	status: str | None,
	entered_at: datetime | None,
	now: datetime,
	overrides: dict[str, tuple[float | None, float | None]] | None = None,
) -> StageView:
	"""The candidate-facing view of an application in `state_name` (HRMS `status`) since
	`entered_at`. `overrides` are the Job Opening's own (ideal, max) days per state."""
	state = pipeline.state(state_name) if pipeline else None
	if pipeline is None or state is None:
		closed = (status or "") in CLOSED_STATUSES
		return StageView(STATUS_LABELS.get(status or "", NEUTRAL_LABEL), "", None, False, None, closed)
	due = None
	if not state.is_closed and entered_at is not None:
		due = hear_back_by(entered_at, *effective_days(state, overrides))
	return StageView(
		label=state.label or STATUS_LABELS.get(state.status or status or "", NEUTRAL_LABEL),
		next_step=state.next_step or "",
		hear_back_by=due,
		overdue=bool(due and due < now),
		withdraw_to=withdraw_target(pipeline, state.name),
		closed=state.is_closed,
	)
