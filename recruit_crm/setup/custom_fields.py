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
