"""Fields recruit_crm adds to HRMS doctypes: created on install/migrate, removed on uninstall."""

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
	}


def create_recruit_crm_custom_fields() -> None:
	fields = get_custom_fields()
	for rows in fields.values():
		for row in rows:
			row.setdefault("module", MODULE)
	create_custom_fields(fields, ignore_validate=True)


def delete_recruit_crm_custom_fields() -> None:
	for doctype, rows in get_custom_fields().items():
		fieldnames = [row["fieldname"] for row in rows]
		frappe.db.delete("Custom Field", {"dt": doctype, "fieldname": ("in", fieldnames)})
		frappe.db.delete("Property Setter", {"doc_type": doctype, "field_name": ("in", fieldnames)})
		frappe.clear_cache(doctype=doctype)
