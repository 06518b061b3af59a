"""RC Touchpoint had two indexes starting (candidate, occurred_at, touchpoint_type), one ending in
job_opening and one in recruiter; every touchpoint written paid for both. One index with both
columns replaces them (`rc_touchpoint.on_doctype_update`)."""

import frappe

from recruit_crm.recruit_crm.doctype.rc_touchpoint import rc_touchpoint


def execute():
	rc_touchpoint.on_doctype_update()  # the new index first, so reads never lose their path
	table = "tabRC Touchpoint"
	for index in rc_touchpoint.REPLACED_INDEXES:
		if frappe.db.has_index(table, index):
			frappe.db.sql_ddl(f"alter table `{table}` drop index `{index}`")
