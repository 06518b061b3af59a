"""Pipeline endpoints for the desk: the board, moves (one or many), stage history, SLA snooze and
dismiss. Every move is a Workflow transition the caller's roles allow."""

import frappe
from frappe import _

from recruit_crm.api._params import names as names_param
from recruit_crm.services.pipeline import board as board_service
from recruit_crm.services.pipeline import history, sla, transitions, workflow
from recruit_crm.services.pipeline.workflow import APPLICANT


def _require(ptype: str = "read") -> None:
	if not frappe.has_permission(APPLICANT, ptype):
		frappe.throw(_("Not permitted to {0} job applicants.").format(_(ptype)), frappe.PermissionError)


def _applicant(name: str, ptype: str = "read"):
	doc = frappe.get_doc(APPLICANT, name)
	doc.check_permission(ptype)
	return doc


@frappe.whitelist()
@frappe.read_only()
def board(job_opening: str) -> dict:
	"""Columns, cards and the moves the caller may make, for one Job Opening."""
	_require()
	frappe.get_doc("Job Opening", job_opening).check_permission("read")
	return board_service.board(job_opening)


@frappe.whitelist(methods=["POST"])
def move(job_applicant: str, state: str) -> dict:
	"""Move one application (a drag on the board)."""
	_require("write")
	result = transitions.move([job_applicant], state)
	if not result.moved:
		frappe.throw(result.skipped.get(job_applicant) or _("Not moved."), title=_("Not Moved"))
	return result.as_dict()


@frappe.whitelist(methods=["POST"])
def bulk_move(names: list | str, state: str, send_emails: bool | int = 1) -> dict:
	"""Move many applications at once (list view); the state's emails go out unless told not to."""
	_require("write")
	result = transitions.move(names_param(names), state, notify=bool(int(send_emails)))
	return result.as_dict()


@frappe.whitelist()
@frappe.read_only()
def states() -> list[dict]:
	"""The pipeline's states, for pickers."""
	_require()
	pipeline = workflow.require()
	return [{"name": s.name, "label": s.public_label, "closed": s.is_closed} for s in pipeline.states]


@frappe.whitelist()
@frappe.read_only()
def stage_history(job_applicant: str) -> dict:
	"""The application's stays in each state, and its SLA flag now (Job Applicant form)."""
	doc = _applicant(job_applicant)
	stage = frappe.db.get_value(
		"RC Application Stage",
		{"job_applicant": job_applicant, "left_at": ("is", "not set")},
		["snoozed_until", "dismissed", "snooze_reason"],
		as_dict=True,
	)
	return {"stays": history.stays(doc.name), "sla": doc.get("rc_sla_status") or "", "alert": stage}


@frappe.whitelist(methods=["POST"])
def snooze_alert(job_applicant: str, days: int, reason: str) -> dict:
	_applicant(job_applicant, "write")
	return {"snoozed_until": sla.snooze(job_applicant, days, reason)}


@frappe.whitelist(methods=["POST"])
def dismiss_alert(job_applicant: str, reason: str) -> dict:
	_applicant(job_applicant, "write")
	sla.dismiss(job_applicant, reason)
	return {"dismissed": True}


@frappe.whitelist()
@frappe.read_only()
def candidate_applications(candidate: str) -> list[dict]:
	"""The person's applications with their pipeline stage, days in it and waiting flag (RC
	Candidate form)."""
	frappe.get_doc("RC Candidate", candidate).check_permission("read")
	_require()
	return frappe.get_list(
		APPLICANT,
		filters={"rc_candidate": candidate},
		fields=["name", "job_title", "workflow_state", "status", "rc_sla_status", "rc_stage_entered_at"],
		order_by="creation desc",
		limit_page_length=50,
	)
