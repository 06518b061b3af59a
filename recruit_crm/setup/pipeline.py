"""Install, migrate and uninstall the hiring pipeline: the Workflow on Job Applicant, the fields the
app adds to it, to Job Applicant and to Job Opening, and the indexes the pipeline reads by.

Idempotent. An admin's edits to the Workflow are never overwritten: install creates it once; a
site that already has another active Workflow on Job Applicant gets ours inactive (the admin
chooses). Existing applications start in the state their HRMS status and documents imply.
"""

import frappe
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

from recruit_crm.domain.pipeline import DEFAULT_STATES, DEFAULT_TRANSITIONS, StageKind, default_pipeline
from recruit_crm.domain.pipeline_mail import DEFAULT_AUTOMATIONS, DEFAULT_TEMPLATES
from recruit_crm.services.pipeline import history, sla
from recruit_crm.services.pipeline.workflow import APPLICANT, AUTOMATION, STATE_FIELD, WORKFLOW_NAME

MODULE = "Recruit CRM"
INSTALLED_KEY = "recruit_crm_pipeline_installed"
CREATED_STATE_FIELD_KEY = "recruit_crm_created_workflow_state_field"
AUTOMATIONS_KEY = "recruit_crm_pipeline_automations_seeded"
SLA_DUE_KEY = "recruit_crm_pipeline_sla_due_filled"
KIND_OPTIONS = "\n" + "\n".join(k.value for k in StageKind)
_PIPELINE_DEPENDS = 'eval:parent.document_type=="Job Applicant"'


def custom_fields() -> dict[str, list[dict]]:
	return {
		APPLICANT: [
			{
				"fieldname": "rc_pipeline_section",
				"fieldtype": "Section Break",
				"label": "Pipeline",
				"insert_after": "rc_candidate_summary",
				"collapsible": 0,
			},
			{
				"fieldname": "rc_stage_entered_at",
				"fieldtype": "Datetime",
				"label": "In This Stage Since",
				"insert_after": "rc_pipeline_section",
				"read_only": 1,
				"no_copy": 1,
			},
			{
				"fieldname": "rc_sla_status",
				"fieldtype": "Select",
				"label": "Waiting",
				"options": "\nOn Track\nPast Ideal\nPast Max",
				"insert_after": "rc_stage_entered_at",
				"read_only": 1,
				"no_copy": 1,
				"in_list_view": 1,
				"in_standard_filter": 1,
			},
			{
				"fieldname": "rc_sla_due_at",
				"fieldtype": "Datetime",
				"label": "Waiting Flag Due",
				"insert_after": "rc_sla_status",
				"read_only": 1,
				"hidden": 1,
				"no_copy": 1,
				"description": "When the waiting flag next changes; the 15-minute scan reads only due rows.",
			},
			{
				"fieldname": "rc_first_response_at",
				"fieldtype": "Datetime",
				"label": "First Response At",
				"insert_after": "rc_sla_due_at",
				"read_only": 1,
				"no_copy": 1,
				"description": "The first call, meeting, message or email from someone on our side to the candidate since this application.",
			},
			{
				"fieldname": "rc_pipeline_column",
				"fieldtype": "Column Break",
				"insert_after": "rc_first_response_at",
			},
			{
				"fieldname": "rc_recruiter",
				"fieldtype": "Link",
				"label": "Recruiter",
				"options": "User",
				"insert_after": "rc_pipeline_column",
				"in_standard_filter": 1,
				"no_copy": 1,
				"description": "Assigned in turn from the Job Opening's recruiters; receives this application's alerts.",
			},
			{
				"fieldname": "rc_stage_html",
				"fieldtype": "HTML",
				"label": "Stage History",
				"insert_after": "rc_recruiter",
			},
		],
		"Job Opening": [
			{
				"fieldname": "rc_team_section",
				"fieldtype": "Section Break",
				"label": "Recruiting Team and Pipeline",
				"insert_after": "closes_on",
				"collapsible": 1,
			},
			{
				"fieldname": "rc_recruiters",
				"fieldtype": "Table MultiSelect",
				"label": "Recruiters",
				"options": "RC Opening Recruiter",
				"insert_after": "rc_team_section",
				"description": "New applicants are assigned to them in turn.",
			},
			{
				"fieldname": "rc_stage_slas",
				"fieldtype": "Table",
				"label": "Time in Stage for This Opening",
				"options": "RC Stage SLA",
				"insert_after": "rc_recruiters",
				"description": "Overrides the ideal and maximum days set on the Workflow's states.",
			},
		],
		"Workflow Document State": [
			{
				"fieldname": "rc_pipeline_section",
				"fieldtype": "Section Break",
				"label": "Recruit CRM Pipeline",
				"insert_after": "send_email",
				"depends_on": _PIPELINE_DEPENDS,
			},
			{
				"fieldname": "rc_stage_kind",
				"fieldtype": "Select",
				"label": "Stage Kind",
				"options": KIND_OPTIONS,
				"insert_after": "rc_pipeline_section",
				"depends_on": _PIPELINE_DEPENDS,
				"description": "What the state means to Recruit CRM, whatever it is called: interviews scheduled move applications to the Interview state, accepted offers to Hired.",
			},
			{
				"fieldname": "rc_candidate_label",
				"fieldtype": "Data",
				"label": "Candidate Sees",
				"insert_after": "rc_stage_kind",
				"depends_on": _PIPELINE_DEPENDS,
			},
			{
				"fieldname": "rc_next_step",
				"fieldtype": "Small Text",
				"label": "What Happens Next (for the Candidate)",
				"insert_after": "rc_candidate_label",
				"depends_on": _PIPELINE_DEPENDS,
			},
			{
				"fieldname": "rc_pipeline_column",
				"fieldtype": "Column Break",
				"insert_after": "rc_next_step",
			},
			{
				"fieldname": "rc_ideal_days",
				"fieldtype": "Float",
				"label": "Ideal Days in State",
				"insert_after": "rc_pipeline_column",
				"depends_on": _PIPELINE_DEPENDS,
				"non_negative": 1,
			},
			{
				"fieldname": "rc_max_days",
				"fieldtype": "Float",
				"label": "Maximum Days in State",
				"insert_after": "rc_ideal_days",
				"depends_on": _PIPELINE_DEPENDS,
				"non_negative": 1,
			},
		],
	}


def state_field_definition() -> dict:
	return {
		"fieldname": STATE_FIELD,
		"fieldtype": "Link",
		"label": "Pipeline Stage",
		"options": "Workflow State",
		"insert_after": "status",
		"read_only": 1,
		"allow_on_submit": 1,
		"no_copy": 1,
		"in_standard_filter": 1,
		"search_index": 1,
	}


def install() -> None:
	"""Fields, indexes, and the Workflow (once), with existing applications placed in it."""
	_ensure_fields()
	_add_indexes()
	frappe.db.set_default(INSTALLED_KEY, "1")
	if frappe.db.exists("Workflow", WORKFLOW_NAME):
		seed_automations()
		_fill_sla_due_times()
		return
	_ensure_masters()
	other_active = frappe.db.get_value("Workflow", {"document_type": APPLICANT, "is_active": 1}, "name")
	if not other_active:  # another Workflow owns the state field until the admin switches
		history.place_existing_applications(default_pipeline())
	workflow = frappe.new_doc("Workflow")
	workflow.update(
		{
			"workflow_name": WORKFLOW_NAME,
			"document_type": APPLICANT,
			"workflow_state_field": STATE_FIELD,
			"is_active": 0 if other_active else 1,
			"send_email_alert": 0,
		}
	)
	for spec in DEFAULT_STATES:
		workflow.append(
			"states",
			{
				"state": spec.name,
				"doc_status": "0",
				"update_field": "status",
				"update_value": spec.status,
				"allow_edit": "All",  # editing is governed by Job Applicant permissions, not by state
				"rc_stage_kind": spec.kind.value,
				"rc_candidate_label": spec.label,
				"rc_next_step": spec.next_step,
				"rc_ideal_days": spec.ideal_days,
				"rc_max_days": spec.max_days,
			},
		)
	for state, action, next_state, roles in DEFAULT_TRANSITIONS:
		for role in roles:
			if frappe.db.exists("Role", role):
				workflow.append(
					"transitions",
					{
						"state": state,
						"action": action,
						"next_state": next_state,
						"allowed": role,
						"allow_self_approval": 1,
					},
				)
	workflow.flags.ignore_permissions = True
	workflow.insert()
	frappe.cache.hdel("workflow", APPLICANT)
	seed_automations()
	_fill_sla_due_times()


def migrate() -> None:
	"""Fields and indexes; the Workflow too on a site that had the app before the pipeline (once:
	an admin who deletes it later is not overruled)."""
	if not frappe.db.get_default(INSTALLED_KEY):
		install()
		return
	_ensure_fields()
	_add_indexes()
	seed_automations()
	_fill_sla_due_times()


def _fill_sla_due_times() -> None:
	"""A site from before `rc_sla_due_at` gets every flag's due time once, so the 15-minute scan
	(which reads only due rows) sees its open applications at once rather than after the daily run."""
	if frappe.db.get_default(SLA_DUE_KEY):
		return
	sla.scan(full=True)
	frappe.db.set_default(SLA_DUE_KEY, "1")


def seed_automations() -> None:
	"""The shipped pipeline emails, enabled, with their Email Templates (once: automations an admin
	deletes or edits later stay as the admin left them)."""
	if frappe.db.get_default(AUTOMATIONS_KEY) or not frappe.db.table_exists(AUTOMATION):
		return
	for t in DEFAULT_TEMPLATES:
		if not frappe.db.exists("Email Template", t.name):
			frappe.get_doc(
				{
					"doctype": "Email Template",
					"name": t.name,
					"subject": t.subject,
					"use_html": 1,
					"response_html": t.body,
				}
			).insert(ignore_permissions=True)
	pipeline = default_pipeline()
	silver = _silver_medalists_pool()
	for spec in DEFAULT_AUTOMATIONS:
		if frappe.db.exists(AUTOMATION, {"email_template": spec.template}):
			continue
		state = pipeline.of_kind(spec.state_kind) if spec.state_kind else None
		if spec.state_kind and not (state and frappe.db.exists("Workflow State", state.name)):
			continue
		frappe.get_doc(
			{
				"doctype": AUTOMATION,
				"title": spec.title,
				"enabled": 1,
				"trigger": spec.trigger,
				"state": state.name if state else None,
				"hours_before": spec.hours_before,
				"email_template": spec.template,
				"attach_calendar": int(spec.attach_calendar),
				"delay_value": spec.delay_value,
				"delay_unit": spec.delay_unit,
				"send_window": spec.send_window,
				"only_while_in_state": int(spec.only_while_in_state),
				"invite_to_community": int(spec.invite_to_community),
				"silver_medal_pool": silver if spec.silver_medals else None,
			}
		).insert(ignore_permissions=True)
	frappe.db.set_default(AUTOMATIONS_KEY, "1")


def _silver_medalists_pool() -> str | None:
	pool = frappe.db.get_value(
		"RC Talent Pool", {"pool_type": "System", "system_kind": "Silver Medalists"}, "name"
	)
	if pool or not frappe.db.table_exists("RC Talent Pool"):
		return pool
	from recruit_crm.services.pools.system import system_pool

	return system_pool("Silver Medalists")


def remove_seeded_templates() -> None:
	"""The Email Templates install created, where nobody changed them (with the automations that
	use them); edited ones stay."""
	for t in DEFAULT_TEMPLATES:
		row = frappe.db.get_value("Email Template", t.name, ["subject", "response_html"], as_dict=True)
		if not row or row.subject != t.subject or (row.response_html or "") != t.body:
			continue
		if frappe.db.table_exists(AUTOMATION):
			frappe.db.delete(AUTOMATION, {"email_template": t.name})
		frappe.db.delete("Email Template", {"name": t.name})
	frappe.db.set_default(AUTOMATIONS_KEY, None)


def uninstall() -> None:
	"""Remove the Workflow and every field the pipeline added; HRMS statuses stay as they are."""
	remove_seeded_templates()
	if frappe.db.exists("Workflow", WORKFLOW_NAME):
		frappe.delete_doc("Workflow", WORKFLOW_NAME, ignore_permissions=True, force=True)
	frappe.cache.hdel("workflow", APPLICANT)
	frappe.db.delete("Workflow Action", {"reference_doctype": APPLICANT})
	for doctype, rows in custom_fields().items():
		names = [r["fieldname"] for r in rows]
		frappe.db.delete("Custom Field", {"dt": doctype, "fieldname": ("in", names)})
		frappe.db.delete("Property Setter", {"doc_type": doctype, "field_name": ("in", names)})
		frappe.clear_cache(doctype=doctype)
	if frappe.db.get_default(CREATED_STATE_FIELD_KEY) and not frappe.db.exists(
		"Workflow", {"document_type": APPLICANT}
	):
		frappe.db.delete("Custom Field", {"dt": APPLICANT, "fieldname": STATE_FIELD})
		frappe.db.set_default(CREATED_STATE_FIELD_KEY, None)
		frappe.clear_cache(doctype=APPLICANT)
	for index in (
		"rc_state_entered",
		"rc_state_sla_entered",
		"rc_opening_state",
		"rc_recruiter_sla",
		"rc_sla_due",
	):
		if frappe.db.sql("show index from `tabJob Applicant` where Key_name = %s", index):
			frappe.db.sql_ddl(f"alter table `tabJob Applicant` drop index `{index}`")
	frappe.db.set_default(INSTALLED_KEY, None)
	frappe.db.set_default(SLA_DUE_KEY, None)


def _ensure_fields() -> None:
	fields = custom_fields()
	if not frappe.get_meta(APPLICANT).get_field(STATE_FIELD):
		fields[APPLICANT].insert(0, state_field_definition())
		frappe.db.set_default(CREATED_STATE_FIELD_KEY, "1")
	for rows in fields.values():
		for row in rows:
			row.setdefault("module", MODULE)
	create_custom_fields(fields, ignore_validate=True, update=True)


def _add_indexes() -> None:
	"""The SLA scan reads open states by entry time; boards read one opening's states."""
	frappe.db.add_index(
		APPLICANT, [STATE_FIELD, "rc_sla_status", "rc_stage_entered_at"], "rc_state_sla_entered"
	)
	frappe.db.add_index(APPLICANT, ["job_title", STATE_FIELD], "rc_opening_state")
	frappe.db.add_index(APPLICANT, ["rc_recruiter", "rc_sla_status"], "rc_recruiter_sla")
	frappe.db.add_index(APPLICANT, ["rc_sla_due_at"], "rc_sla_due")


def _ensure_masters() -> None:
	"""Workflow State and Workflow Action Master records the shipped Workflow names."""
	for spec in DEFAULT_STATES:
		if not frappe.db.exists("Workflow State", spec.name):
			frappe.get_doc(
				{"doctype": "Workflow State", "workflow_state_name": spec.name, "style": spec.style}
			).insert(ignore_permissions=True)
	for action in sorted({action for _s, action, _n, _r in DEFAULT_TRANSITIONS}):
		if not frappe.db.exists("Workflow Action Master", action):
			frappe.get_doc({"doctype": "Workflow Action Master", "workflow_action_name": action}).insert(
				ignore_permissions=True
			)
