"""What the pipeline does when HRMS documents change: a new application enters the first state
and is assigned; a state change on the form is recorded and runs its automations; an HRMS status
set elsewhere, an interview scheduled or an offer made moves the application forward.

Every function does nothing when no Workflow on Job Applicant is active.
"""

import frappe
from frappe import _
from frappe.desk.form import assign_to
from frappe.utils import now_datetime

from recruit_crm.domain.pipeline import MoveSource, StageKind, next_recruiter
from recruit_crm.services.pipeline import automations, history, stay_facts, transitions, workflow
from recruit_crm.services.pipeline.history import Entry
from recruit_crm.services.pipeline.workflow import APPLICANT, STATE_FIELD

RECRUITERS = "RC Opening Recruiter"


def keep_status_in_step(doc) -> None:
	"""Before save: a state chosen on the form (or by a drag on the board) sets the HRMS status
	the Workflow ties to it, as a Workflow action would."""
	pipeline = workflow.current()
	before = doc.get_doc_before_save()
	if not pipeline or not before or before.get(STATE_FIELD) == doc.get(STATE_FIELD):
		return
	state = pipeline.state(doc.get(STATE_FIELD))
	if state and state.status and doc.status != state.status:
		doc.status = state.status


def application_created(doc) -> None:
	"""A new application: its first stay, a recruiter of the opening in turn, and the first
	state's automations (the acknowledgement)."""
	pipeline = workflow.current()
	if not pipeline:
		return
	state = doc.get(STATE_FIELD) or pipeline.first.name
	source = MoveSource.APPLICATION if frappe.session.user == "Guest" else MoveSource.RECRUITER
	entries = history.record_entries(
		pipeline,
		[Entry(doc.name, doc.get("rc_candidate"), doc.get("job_title"), state)],
		source=source,
		at=doc.creation,
	)
	assign_recruiter(doc)
	automations.entered(entries)


def application_updated(doc) -> None:
	"""After save: a new state is recorded (with its automations); a status HRMS set without a
	state change brings the state along."""
	pipeline = workflow.current()
	before = doc.get_doc_before_save()
	if not pipeline or not before:
		return
	if before.get(STATE_FIELD) != doc.get(STATE_FIELD) and doc.get(STATE_FIELD):
		entries = history.record_entries(
			pipeline,
			[Entry(doc.name, doc.get("rc_candidate"), doc.get("job_title"), doc.get(STATE_FIELD))],
			source=MoveSource.RECRUITER,
			action=_action_taken(pipeline, before.get(STATE_FIELD), doc.get(STATE_FIELD)),
		)
		automations.entered(entries)
	elif before.status != doc.status:
		target = transitions.follow_status(doc)
		if target:  # this request's copy stays in step with the row, for a later save
			doc.set(STATE_FIELD, target)
			doc.modified = frappe.db.get_value(APPLICANT, doc.name, "modified")


def interview_scheduled(interview) -> None:
	"""An interview for an application: to the Interview state when the Workflow leads there."""
	if interview.get("job_applicant") and interview.get("status") != "Cancelled":
		transitions.move_for_event(
			interview.job_applicant,
			StageKind.INTERVIEW,
			MoveSource.INTERVIEW,
			_("Interview {0} scheduled").format(interview.name),
		)
		automations.interview_scheduled(interview)  # the invitation (with its .ics)


def offer_made(offer) -> None:
	"""A Job Offer for an application: to the Offer state when the Workflow leads there (its
	acceptance sets the status Accepted, which `application_updated` follows to Hired)."""
	if offer.get("job_applicant") and offer.docstatus < 2:
		transitions.move_for_event(
			offer.job_applicant,
			StageKind.OFFER,
			MoveSource.JOB_OFFER,
			_("Job Offer {0} made").format(offer.name),
		)


def assign_recruiter(doc) -> str | None:
	"""Round robin over the opening's recruiters: the one assigned longest ago gets it, as a ToDo."""
	if not doc.get("job_title") or doc.get("rc_recruiter"):
		return None
	rows = frappe.db.sql(
		f"""select name, user, last_assigned_at from `tab{RECRUITERS}`
		where parent = %s and parenttype = 'Job Opening' and parentfield = 'rc_recruiters'
		order by idx for update""",
		doc.job_title,
		as_dict=True,
	)
	user = next_recruiter([(r.user, r.last_assigned_at) for r in rows if r.user])
	if not user:
		return None
	row = next(r for r in rows if r.user == user)
	frappe.db.set_value(RECRUITERS, row.name, "last_assigned_at", now_datetime(), update_modified=False)
	doc.db_set("rc_recruiter", user, update_modified=False)
	stay_facts.refresh_stays([doc.name])  # the stays' copy of their recruiter
	assign_to.add(
		{
			"assign_to": [user],
			"doctype": APPLICANT,
			"name": doc.name,
			"description": _("New application from {0} for {1}").format(
				doc.get("applicant_name") or doc.name, doc.get("job_title")
			),
		},
		ignore_permissions=True,
	)
	return user


def _action_taken(pipeline, before: str | None, after: str | None) -> str | None:
	transition = pipeline.any_move_to(before or "", after or "")
	return transition.action if transition else None
