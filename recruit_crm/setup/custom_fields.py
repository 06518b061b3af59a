"""Fields recruit_crm adds to HRMS and Frappe doctypes, and the workspace's desk block: created on
install/migrate, removed on uninstall."""

import frappe
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

MODULE = "Recruit CRM"


def get_custom_fields() -> dict[str, list[dict]]:
	return {
		"Job Applicant": [
			{
				"fieldname": "rc_crm_section",
				"fieldtype": "Section Break",
				"label": "Candidate Relationship",
				"insert_after": "status",
				"collapsible": 0,
			},
			{
				"fieldname": "rc_candidate",
				"fieldtype": "Link",
				"label": "Candidate",
				"options": "RC Candidate",
				"insert_after": "rc_crm_section",
				"search_index": 1,
				"in_standard_filter": 1,
				"no_copy": 1,
				"description": "The person behind this application; set automatically from the email.",
			},
			{
				"fieldname": "rc_crm_column",
				"fieldtype": "Column Break",
				"insert_after": "rc_candidate",
			},
			{
				"fieldname": "rc_candidate_summary",
				"fieldtype": "HTML",
				"label": "CRM Summary",
				"insert_after": "rc_crm_column",
			},
			{
				"fieldname": "rc_attribution_section",
				"fieldtype": "Section Break",
				"label": "Attribution",
				"insert_after": "applicant_rating",
				"collapsible": 1,
			},
			{
				"fieldname": "rc_utm_source",
				"fieldtype": "Data",
				"label": "Channel (utm_source)",
				"insert_after": "rc_attribution_section",
				"read_only": 1,
				"search_index": 1,
			},
			{
				"fieldname": "rc_utm_medium",
				"fieldtype": "Data",
				"label": "Medium (utm_medium)",
				"insert_after": "rc_utm_source",
				"read_only": 1,
			},
			{
				"fieldname": "rc_utm_campaign",
				"fieldtype": "Data",
				"label": "Campaign (utm_campaign)",
				"insert_after": "rc_utm_medium",
				"read_only": 1,
			},
		],
		"Job Opening": [
			{
				"fieldname": "rc_is_remote",
				"fieldtype": "Check",
				"label": "Remote",
				"insert_after": "location",
				"description": "Shown as remote on the career site and in the job's structured data.",
			},
			{
				"fieldname": "rc_min_experience_years",
				"fieldtype": "Float",
				"label": "Minimum Experience (Years)",
				"insert_after": "employment_type",
				"non_negative": 1,
				"description": "Used to rank candidates in Find Candidates; leave empty for no minimum.",
			},
			{
				"fieldname": "rc_max_experience_years",
				"fieldtype": "Float",
				"label": "Maximum Experience (Years)",
				"insert_after": "rc_min_experience_years",
				"non_negative": 1,
			},
		],
		# HRMS v15 records a departure (status Left, relieving date, exit interview) but has no
		# rehire flag; Alumni pools need one.
		"Employee": [
			{
				"fieldname": "rc_is_eligible_for_rehire",
				"fieldtype": "Check",
				"label": "Eligible for Rehire",
				"insert_after": "reason_for_leaving",
				"default": "1",
				"description": "Former employees who are eligible join the Alumni talent pool when they leave.",
			},
		],
		# Campaign email may only leave from an account that has been seen to deliver: test sends
		# (RC Settings > Email, or a campaign's "Send Test To Me") record their outcome here.
		"Email Account": [
			{
				"fieldname": "rc_sending_section",
				"fieldtype": "Section Break",
				"label": "Campaign Email (Recruit CRM)",
				"insert_after": "always_bcc",
				"collapsible": 1,
			},
			{
				"fieldname": "rc_last_test_ok_at",
				"fieldtype": "Datetime",
				"label": "Last Successful Test Send",
				"insert_after": "rc_sending_section",
				"read_only": 1,
				"no_copy": 1,
				"description": "Campaigns can be launched from this account once a test send has succeeded "
				"(RC Settings > Email > Send Test Email).",
			},
			{
				"fieldname": "rc_sending_column",
				"fieldtype": "Column Break",
				"insert_after": "rc_last_test_ok_at",
			},
			{
				"fieldname": "rc_last_error_at",
				"fieldtype": "Datetime",
				"label": "Last Delivery Error At",
				"insert_after": "rc_sending_column",
				"read_only": 1,
				"no_copy": 1,
			},
			{
				"fieldname": "rc_last_error",
				"fieldtype": "Small Text",
				"label": "Last Delivery Error",
				"insert_after": "rc_last_error_at",
				"read_only": 1,
				"no_copy": 1,
			},
		],
	}


def create_recruit_crm_custom_fields() -> None:
	fields = get_custom_fields()
	for rows in fields.values():
		for row in rows:
			row.setdefault("module", MODULE)
	create_custom_fields(fields, ignore_validate=True)
	ensure_workspace_blocks()


def delete_recruit_crm_custom_fields() -> None:
	for doctype, rows in get_custom_fields().items():
		fieldnames = [row["fieldname"] for row in rows]
		frappe.db.delete("Custom Field", {"dt": doctype, "fieldname": ("in", fieldnames)})
		frappe.db.delete("Property Setter", {"doc_type": doctype, "field_name": ("in", fieldnames)})
		frappe.clear_cache(doctype=doctype)
	remove_workspace_blocks()


# The Recruit CRM workspace shows this block (recruit_crm/workspace/recruit_crm.json names it). A
# Custom HTML Block is a record, not a synced file, so it is kept here with the other desk fixtures
# that install and migrate put in place and uninstall takes away. Its script makes one cheap call.
EMAIL_READINESS_BLOCK = "RC Email Readiness"
_BLOCK_HTML = """<div class="rc-readiness" hidden></div>"""
_BLOCK_STYLE = """.rc-readiness { padding: 10px 14px; border-radius: 8px; font-size: 13px; }
.rc-readiness.warn { background: var(--bg-orange, #fff4e5); color: var(--text-on-orange, #7a4a00); }
.rc-readiness.ok { color: var(--text-muted, #6b7280); }
.rc-readiness a { color: inherit; text-decoration: underline; }"""
_BLOCK_SCRIPT = """frappe.call({ method: "recruit_crm.api.email_readiness.workspace_status", type: "GET" }).then((r) => {
	const s = r.message || {};
	const box = root_element.querySelector(".rc-readiness");
	if (!s.show) return;
	box.hidden = false;
	if (s.ready) {
		box.className = "rc-readiness ok";
		box.textContent = __("Campaign email: {0} account(s) ready to send.", [s.ready_accounts]);
		return;
	}
	box.className = "rc-readiness warn";
	box.innerHTML = "<b>" + __("No email account can send campaign email yet.") + "</b> " +
		__("Campaigns cannot be launched and one-off emails cannot be sent until an account with outgoing mail on passes a test send.") +
		" <a href='/app/rc-settings'>" + __("Open RC Settings > Email and press Send Test Email") + "</a>";
});"""


def ensure_workspace_blocks() -> None:
	"""Create or refresh the Custom HTML Block the workspace shows (idempotent)."""
	if not frappe.db.exists("DocType", "Custom HTML Block"):
		return
	values = {"html": _BLOCK_HTML, "style": _BLOCK_STYLE, "script": _BLOCK_SCRIPT, "private": 0}
	if frappe.db.exists("Custom HTML Block", EMAIL_READINESS_BLOCK):
		frappe.db.set_value("Custom HTML Block", EMAIL_READINESS_BLOCK, values, update_modified=False)
		return
	doc = frappe.new_doc("Custom HTML Block")
	doc.update(values)
	doc.insert(ignore_permissions=True, set_name=EMAIL_READINESS_BLOCK)


def remove_workspace_blocks() -> None:
	if frappe.db.exists("Custom HTML Block", EMAIL_READINESS_BLOCK):
		frappe.delete_doc("Custom HTML Block", EMAIL_READINESS_BLOCK, force=True, ignore_permissions=True)
