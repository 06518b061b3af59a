"""Moving applications through the pipeline: one, or a thousand at once, by the same rules.

A move is a Workflow transition: the user needs a transition from the application's state to the
target for one of their roles (Workflow Transition `allowed`), and write access to the applicant.
System moves (interviews scheduled, offers made, HRMS statuses set elsewhere) go forward only,
where the Workflow leads (`domain.pipeline.event_move` / `status_move`).

Bulk moves are set-based: one UPDATE of Job Applicant, one INSERT of history rows, one INSERT of
timeline comments, then the candidate facts, pools and automations for the whole set.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

import frappe
from frappe import _
from frappe.utils import now_datetime

from recruit_crm.domain.naming import sortable_names
from recruit_crm.domain.pipeline import MoveSource, Pipeline, StageKind, event_move, status_move
from recruit_crm.services._sql import multi_row_insert
from recruit_crm.services.candidates.records import refresh_candidates
from recruit_crm.services.pipeline import automations, history, workflow
from recruit_crm.services.pipeline.history import Entry
from recruit_crm.services.pipeline.workflow import APPLICANT, STATE_FIELD
from recruit_crm.services.pools.upkeep import applications_changed

MAX_BULK = 5000
INLINE_REFRESH = 50  # more people than this: their CRM facts are refreshed in a background job
REFRESH_CHUNK = 1000


@dataclass
class MoveResult:
	moved: list[str] = field(default_factory=list)
	skipped: dict[str, str] = field(default_factory=dict)  # applicant -> why not
	entries: list[Entry] = field(default_factory=list)

	def as_dict(self) -> dict:
		return {"moved": len(self.moved), "skipped": self.skipped, "moved_names": self.moved}


def move(
	applicants: Iterable[str],
	target: str,
	*,
	user: str | None = None,
	source: MoveSource = MoveSource.RECRUITER,
	check_roles: bool = True,
	notify: bool = True,
) -> MoveResult:
	"""Move these applications to `target` where the Workflow allows this user to. Returns who
	moved and why the others did not."""
	pipeline = workflow.require()
	user = user or frappe.session.user
	names = sorted({a for a in applicants if a})
	if len(names) > MAX_BULK:
		frappe.throw(_("Move at most {0} applications at once.").format(MAX_BULK))
	target_state = pipeline.state(target)
	if not target_state:
		frappe.throw(_("{0} is not a state of the pipeline.").format(target))
	result = MoveResult()
	if not names:
		return result
	rows = _rows(names, user if check_roles else None)
	for name in names:
		if name not in rows:
			result.skipped[name] = _("Not found, or not yours to change")
	roles = frappe.get_roles(user)
	allowed: list[frappe._dict] = []
	actions: dict[str, str] = {}
	for name, row in rows.items():
		current = row.get(STATE_FIELD) or pipeline.first.name
		if current == target:
			result.skipped[name] = _("Already in {0}").format(target)
			continue
		transition = (
			pipeline.move_to(current, target, roles) if check_roles else pipeline.any_move_to(current, target)
		)
		if not transition:
			result.skipped[name] = _("The pipeline has no move from {0} to {1} for you").format(
				current, target
			)
			continue
		actions[name] = transition.action
		allowed.append(row)
	if not allowed:
		return result
	result.entries = apply(
		pipeline, allowed, target, source=source, user=user, action=_single(actions), notify=notify
	)
	result.moved = [r.name for r in allowed]
	return result


def apply(
	pipeline: Pipeline,
	rows: list,
	target: str,
	*,
	source: MoveSource,
	user: str,
	action: str | None = None,
	notify: bool = True,
) -> list[Entry]:
	"""Write a move that has been allowed: state and HRMS status, history, timeline, candidate
	facts, Workflow Actions, and the target state's automations."""
	now = now_datetime()
	names = [r.name for r in rows]
	status = pipeline.state(target).status
	sla = history.initial_sla(pipeline, target)
	for start in range(0, len(names), 1000):
		chunk = names[start : start + 1000]
		# The new state and the new stay's stamps (history.stamp) in one statement.
		frappe.db.sql(
			f"""update `tab{APPLICANT}` set {STATE_FIELD} = %(target)s, status = coalesce(%(status)s, status),
				modified = %(now)s, modified_by = %(user)s,
				rc_stage_entered_at = %(now)s, rc_sla_status = %(sla)s,
				rc_sla_due_at = if(%(sla)s = '', null, %(now)s)
			where name in %(names)s""",
			{"target": target, "status": status, "now": now, "user": user, "sla": sla, "names": chunk},
		)
	entries = history.record_entries(
		pipeline,
		[Entry(r.name, r.get("rc_candidate"), r.get("job_title"), target) for r in rows],
		source=source,
		action=action,
		user=user,
		at=now,
		stamp_applicants=False,
	)
	_timeline(names, target, user, now)
	_complete_workflow_actions(names, user, now)
	after_moves(rows, status, notify=notify, entries=entries)
	return entries


def after_moves(rows: list, status: str | None, *, notify: bool, entries: list[Entry]) -> None:
	"""What follows any move, single or bulk: Employee Referral status (as HRMS keeps it), the
	candidates' CRM facts and pools, and the state's automations."""
	for r in rows:
		if r.get("employee_referral") and status:
			referral = "In Process" if status in ("Open", "Replied", "Hold") else status
			if status in ("Open", "Replied", "Hold", "Accepted", "Rejected"):
				frappe.db.set_value("Employee Referral", r.employee_referral, "status", referral)
	candidates = sorted({r.get("rc_candidate") for r in rows if r.get("rc_candidate")})
	if len(candidates) > INLINE_REFRESH:
		# A bulk move answers at once; the people's CRM facts and pools follow in a job (idempotent).
		for start in range(0, len(candidates), REFRESH_CHUNK):
			frappe.enqueue(
				"recruit_crm.tasks.pipeline.refresh_after_moves",
				queue="long",
				candidates=candidates[start : start + REFRESH_CHUNK],
				enqueue_after_commit=True,
			)
	elif candidates:
		refresh_after_moves(candidates)
	if notify:
		automations.entered(entries)


def refresh_after_moves(candidates: list[str]) -> None:
	"""The people's CRM stage and facts, and the pools that follow applications."""
	refresh_candidates(candidates)
	applications_changed(candidates)


def move_for_event(job_applicant: str, kind: StageKind, source: MoveSource, why: str) -> str | None:
	"""An interview was scheduled or an offer made: move the application forward to the state of
	that kind, if the Workflow leads there. Says on the timeline when it stays. Returns the state."""
	pipeline = workflow.current()
	if not pipeline:
		return None
	row = _rows([job_applicant], None).get(job_applicant)
	if not row:
		return None
	decision = event_move(pipeline, row.get(STATE_FIELD) or pipeline.first.name, kind)
	return _follow(pipeline, row, decision, source, why)


def follow_status(doc) -> str | None:
	"""HRMS set the applicant's status outside the pipeline (an accepted offer, a rejection from an
	interview, an edit on the form): bring the pipeline state along, forward only."""
	pipeline = workflow.current()
	if not pipeline:
		return None
	decision = status_move(pipeline, doc.get(STATE_FIELD) or pipeline.first.name, doc.status)
	row = frappe._dict(
		name=doc.name,
		rc_candidate=doc.get("rc_candidate"),
		job_title=doc.get("job_title"),
		employee_referral=None,  # HRMS's own save has just set it
	)
	row[STATE_FIELD] = doc.get(STATE_FIELD)
	return _follow(pipeline, row, decision, MoveSource.STATUS, _("Status set to {0}").format(doc.status))


def _follow(pipeline: Pipeline, row, decision, source: MoveSource, why: str) -> str | None:
	if decision.target:
		apply(pipeline, [row], decision.target, source=source, user=frappe.session.user, action=why)
		return decision.target
	if decision.reason:
		frappe.get_doc(APPLICANT, row.name).add_comment(
			"Info",
			_("{0}; the pipeline stays in {1}: {2}").format(why, row.get(STATE_FIELD), decision.reason),
		)
	return None


def _rows(names: list[str], user: str | None) -> dict[str, frappe._dict]:
	fields = ["name", STATE_FIELD, "status", "rc_candidate", "job_title", "employee_referral"]
	if user:  # what this user may change: read through their permissions, then check write
		if not frappe.has_permission(APPLICANT, "write", user=user):
			return {}
		found = frappe.get_list(
			APPLICANT, filters={"name": ("in", names)}, fields=fields, user=user, limit_page_length=0
		)
	else:
		found = frappe.get_all(APPLICANT, filters={"name": ("in", names)}, fields=fields)
	return {r.name: r for r in found}


def _single(actions: dict[str, str]) -> str | None:
	values = set(actions.values())
	return values.pop() if len(values) == 1 else None


def _timeline(names: list[str], state: str, user: str, now) -> None:
	"""The same "Workflow" comment Frappe writes for a transition made on the form."""
	ids = sortable_names(len(names), int(now.timestamp() * 1000))
	multi_row_insert(
		"Comment",
		("name", "creation", "modified", "owner", "modified_by", "comment_type", "reference_doctype",
			"reference_name", "content", "comment_email", "comment_by"),
		[(i, now, now, user, user, "Workflow", APPLICANT, n, state, user, user) for i, n in zip(ids, names, strict=True)],
	)  # fmt: skip


def _complete_workflow_actions(names: list[str], user: str, now) -> None:
	"""Open Workflow Actions of these applications are done, as Frappe marks them after a move."""
	frappe.db.sql(
		"""update `tabWorkflow Action` set status = 'Completed', completed_by = %(user)s,
			completed_by_role = null, modified = %(now)s
		where reference_doctype = %(dt)s and reference_name in %(names)s and status = 'Open'""",
		{"user": user, "now": now, "dt": APPLICANT, "names": names},
	)
