"""The Job Applicant Workflow as the domain's Pipeline: read from the Workflow the admin edits.

Everything in the pipeline follows the active Workflow on Job Applicant, whatever it is called
and however its states are named. Without an active Workflow the pipeline is off: events and
emails do nothing and HRMS works as it always did.
"""

import frappe
from frappe.model.workflow import get_workflow_name

from recruit_crm.domain.pipeline import Pipeline, StageKind, State, Transition

APPLICANT = "Job Applicant"
WORKFLOW_NAME = "Recruit CRM Pipeline"  # the Workflow the app installs
STATE_FIELD = "workflow_state"
STAGE = "RC Application Stage"
AUTOMATION = "RC Pipeline Automation"
_CACHE_KEY = "rc_pipeline"


def workflow_name() -> str | None:
	return get_workflow_name(APPLICANT) or None


def is_on() -> bool:
	return bool(workflow_name())


def current() -> Pipeline | None:
	"""The active pipeline, cached per request and invalidated when the Workflow changes."""
	name = workflow_name()
	if not name:
		return None
	modified = frappe.db.get_value("Workflow", name, "modified")
	cached = getattr(frappe.local, "rc_pipeline", None)
	if cached and cached[0] == (name, modified):
		return cached[1]
	pipeline = load(name)
	frappe.local.rc_pipeline = ((name, modified), pipeline)
	return pipeline


def require() -> Pipeline:
	pipeline = current()
	if not pipeline:
		frappe.throw(
			frappe._("There is no active Workflow on Job Applicant. Activate the {0} Workflow first.").format(
				WORKFLOW_NAME
			)
		)
	return pipeline


def state_field(name: str | None = None) -> str:
	name = name or workflow_name()
	return (frappe.db.get_value("Workflow", name, "workflow_state_field") if name else None) or STATE_FIELD


def load(name: str) -> Pipeline:
	"""Read a Workflow's states (with the app's fields on them) and transitions."""
	has_fields = frappe.db.has_column("Workflow Document State", "rc_stage_kind")
	extra = (
		", rc_stage_kind, rc_candidate_label, rc_next_step, rc_ideal_days, rc_max_days" if has_fields else ""
	)
	rows = frappe.db.sql(
		f"""select state, idx, update_field, update_value{extra}
		from `tabWorkflow Document State` where parent = %s and parenttype = 'Workflow' order by idx""",
		name,
		as_dict=True,
	)
	states, seen = [], set()
	for r in rows:
		if r.state in seen:  # several rows for one state (one per editing role): the first speaks
			continue
		seen.add(r.state)
		kind = _kind(r.get("rc_stage_kind"), r.state)
		states.append(
			State(
				name=r.state,
				kind=kind,
				idx=len(states) + 1,
				status=r.update_value if r.update_field == "status" else None,
				label=r.get("rc_candidate_label") or None,
				next_step=r.get("rc_next_step") or None,
				ideal_days=r.get("rc_ideal_days") or None,
				max_days=r.get("rc_max_days") or None,
			)
		)
	transitions = tuple(
		Transition(t.state, t.action, t.next_state, t.allowed, bool((t.condition or "").strip()))
		for t in frappe.db.sql(
			"""select state, action, next_state, allowed, `condition` from `tabWorkflow Transition`
			where parent = %s and parenttype = 'Workflow' order by idx""",
			name,
			as_dict=True,
		)
	)
	return Pipeline(tuple(states), transitions)


def _kind(value: str | None, state: str) -> StageKind:
	"""The state's kind as set on the Workflow, else guessed from a standard name."""
	for candidate in (value, state):
		try:
			return StageKind(candidate)
		except ValueError:
			continue
	return StageKind.OTHER
