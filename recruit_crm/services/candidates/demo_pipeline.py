"""The demo's set-based applications in the hiring pipeline: each stands in the Workflow state its
history reached (Applied, Screening, Interview, Offer, Hired, Rejected), with one stage-history
row per stay, dated when it happened, and its people's CRM stage follows.

HRMS documents are worked for a bounded subset only (`demo_hrms`); the rest reach the same states
as the pipeline would have put them in, through the same tables the pipeline writes
(`services.pipeline.history`): `workflow_state`, `rc_stage_entered_at`, `rc_sla_status` on the Job
Applicant and RC Application Stage rows. An accepted offer whose start date has come makes the
person Hired, as an Employee made from the applicant does.
"""

import time
from dataclasses import dataclass
from datetime import datetime

import frappe

from recruit_crm.domain.demo_history import HIRED_STAGE, INTERVIEW_STAGE, OFFER_STAGE
from recruit_crm.domain.naming import sortable_names
from recruit_crm.domain.pipeline import MoveSource, Pipeline, StageKind, days_in_stage, sla_level
from recruit_crm.domain.stages import stage_from_applications
from recruit_crm.domain.types import ACTIVE_APPLICATION_STATUSES, CrmStage
from recruit_crm.services._sql import SideWriter, bulk_update_by_name, multi_row_insert
from recruit_crm.services.pipeline import stay_facts, workflow
from recruit_crm.services.pipeline.history import COLUMNS

CANDIDATE = "RC Candidate"
STAGE_COLUMNS = (*COLUMNS, "left_at", "days_in_stage", *stay_facts.FACT_COLUMNS)
# A kind the Workflow lacks falls back as the install step places applications
# (`history.place_existing_applications`): to the nearest earlier kind, else the first state.
_FALLBACK = {
	StageKind.APPLIED: (),
	StageKind.SCREENING: (StageKind.APPLIED,),
	StageKind.INTERVIEW: (StageKind.SCREENING, StageKind.APPLIED),
	StageKind.OFFER: (StageKind.INTERVIEW, StageKind.SCREENING, StageKind.APPLIED),
	StageKind.HIRED: (),
	StageKind.REJECTED: (),
}
_SOURCE = {
	StageKind.APPLIED: MoveSource.APPLICATION,
	StageKind.SCREENING: MoveSource.RECRUITER,
	StageKind.INTERVIEW: MoveSource.INTERVIEW,
	StageKind.OFFER: MoveSource.JOB_OFFER,
	StageKind.HIRED: MoveSource.JOB_OFFER,
	StageKind.REJECTED: MoveSource.RECRUITER,
}


@dataclass(frozen=True)
class Stay:
	state: str
	kind: str
	entered_at: datetime
	left_at: datetime | None
	sla: str


class Placement:
	"""Where each application stands in the active Workflow and how it got there."""

	def __init__(self, pipeline: Pipeline, now: datetime, field: str = workflow.STATE_FIELD):
		self.pipeline = pipeline
		self.now = now
		self.field = field  # the Job Applicant column the Workflow keeps its state in
		self._states: dict[str, str] = {}
		self._actions: dict[tuple[str, str], str] = {}
		for kind in _FALLBACK:
			state = pipeline.of_kind(kind) or next(
				(pipeline.of_kind(k) for k in _FALLBACK[kind] if pipeline.of_kind(k)), None
			)
			self._states[kind.value] = (state or pipeline.first).name

	def stays(self, application) -> list[Stay]:
		"""The application's stays, oldest first; consecutive stages in one state are one stay."""
		merged: list[tuple[str, datetime]] = []
		for kind, at in application.stages or ((StageKind.APPLIED.value, application.applied_at),):
			state = self._states[kind]
			if not merged or merged[-1][0] != state:
				merged.append((state, at))
		out = []
		for position, (state, entered) in enumerate(merged):
			left = merged[position + 1][1] if position + 1 < len(merged) else None
			spec = self.pipeline.state(state)
			level = (
				sla_level(days_in_stage(entered, left or self.now), spec.ideal_days, spec.max_days)
				if spec and not spec.is_closed
				else None
			)
			out.append(
				Stay(state, spec.kind.value if spec else "Other", entered, left, level.value if level else "")
			)
		return out

	def action(self, before: str | None, state: str) -> str:
		"""The Workflow action that moves an application from `before` into `state`."""
		if before is None:
			return ""
		if (before, state) not in self._actions:
			move = self.pipeline.any_move_to(before, state)
			self._actions[before, state] = move.action if move else ""
		return self._actions[before, state]


def placement(now: datetime) -> Placement | None:
	"""The active pipeline's placement, or None when no Workflow runs on Job Applicant."""
	pipeline = workflow.current()
	return Placement(pipeline, now, workflow.state_field()) if pipeline else None


def write_stage_history(
	place: Placement, planned, openings: list[str], user: str, writer: SideWriter | None = None
) -> int:
	"""One RC Application Stage row per stay of each planned application, written with the facts
	that `stay_facts` copies onto stays (the applications are new and the demo knows each fact, so
	no refresh has to rewrite the rows), on `writer`'s connection when given. Returns rows written."""
	departments = dict(
		frappe.get_all(
			"Job Opening", filters={"name": ["in", sorted(set(openings))]}, fields=["name", "department"],
			as_list=True,
		)
	)  # fmt: skip
	rows = []
	for p in planned:
		application = p.person.history.applications[p.index]
		recruiter = p.person.row.get("recruiter") or user
		opening = openings[application.opening]
		before = None
		entered_states: set[str] = set()
		for stay in place.stays(application):
			entered = str(stay.entered_at)
			left = str(stay.left_at) if stay.left_at else None
			kind = StageKind(stay.kind)
			rows.append(
				(entered, left or entered, user, user, 0, p.name, p.person.name, opening, stay.state, stay.kind,
					entered, user if kind == StageKind.APPLIED else recruiter,
					_SOURCE.get(kind, MoveSource.RECRUITER).value, place.action(before, stay.state), stay.sla, 0,
					left, round(days_in_stage(stay.entered_at, stay.left_at), 4) if stay.left_at else 0,
					*_facts(application, stay, departments.get(opening), p.person.row.get("source"),
						stay.state not in entered_states))
			)  # fmt: skip
			entered_states.add(stay.state)
			before = stay.state
	names = sortable_names(len(rows), int(time.time() * 1000))
	return multi_row_insert(
		workflow.STAGE,
		STAGE_COLUMNS,
		[(name, *row) for name, row in zip(names, rows, strict=True)],
		writer=writer,
	)


def _facts(application, stay: Stay, department: str | None, source: str | None, first: bool) -> tuple:
	"""`stay_facts.FACT_COLUMNS` of one stay, as `stay_facts.refresh_stays` would copy them: the
	application's creation, opening and source (a set-based application has no recruiter), the
	opening's department, the finished stay's whole seconds, and whether it is the first in its state."""
	seconds = int((stay.left_at - stay.entered_at).total_seconds()) if stay.left_at else 0
	return (str(application.applied_at), department, source, None, seconds, int(first))


def settle_stages(people, hrms_worked: set[tuple[int, int]]) -> dict[str, int]:
	"""CRM stages that the set-based applications' pipeline implies, on top of what
	`refresh_candidates` found: interviews and offers under way, and hires that have begun.

	Forward only (the domain's `stage_from_applications`), so a later refresh keeps them: Hired
	never moves again. Returns how many people are Interviewing, Offered and Hired by it.
	"""
	facts = {}
	for person in people:
		if not person.name or not person.history.applications:
			continue
		interview = offer = hired = False
		statuses = []
		for index, application in enumerate(person.history.applications):
			if (person.number, index) in hrms_worked:
				continue  # HRMS documents speak for these
			statuses.append(application.status)
			kind = application.stages[-1][0] if application.stages else None
			live = application.status in ACTIVE_APPLICATION_STATUSES
			interview |= live and kind == INTERVIEW_STAGE
			offer |= live and kind == OFFER_STAGE
			hired |= kind == HIRED_STAGE and application.hired_on is not None
		if interview or offer or hired:
			facts[person.name] = (statuses, interview, offer, hired)
	counts = {CrmStage.INTERVIEWING.value: 0, CrmStage.OFFERED.value: 0, CrmStage.HIRED.value: 0}
	if not facts:
		return counts
	names = sorted(facts)
	current = {}
	for start in range(0, len(names), 5000):
		current.update(
			frappe.db.sql(
				f"select name, crm_stage from `tab{CANDIDATE}` where name in %(names)s",
				{"names": names[start : start + 5000]},
			)
		)
	updates = []
	for name in names:
		statuses, interview, offer, hired = facts[name]
		was = current.get(name) or CrmStage.PROSPECT.value
		stage = stage_from_applications(
			was, statuses, has_interview=interview, has_open_offer=offer, is_hired=hired
		).value
		if stage in counts:
			counts[stage] += 1
		if stage != was:
			updates.append((name, stage))
	bulk_update_by_name(CANDIDATE, ("crm_stage",), updates)
	return counts
