"""Frappe's counting endpoints, made to respect permissions for candidate data.

`frappe.client.get_count` counts any table without a permission check, and
`frappe.desk.listview.get_group_by_count` ignores permissions when grouping by assignee. Any
logged-in user (a website user included) could ask "is there an RC Candidate with this email?"
and recover addresses by binary search. For the app's doctypes and Job Applicant these
overrides (hooks `override_whitelisted_methods`) demand read permission and count only the rows
the user may see (permission query conditions included); other doctypes behave exactly as
before.
"""

import frappe
import frappe.client
import frappe.desk.listview
import frappe.desk.reportview
from frappe import _

MODULE = "Recruit CRM"
FOREIGN_PROTECTED = frozenset({"Job Applicant"})


def is_protected(doctype: object) -> bool:
	"""Candidate data: the app's own doctypes and HRMS's Job Applicant."""
	if not isinstance(doctype, str) or not doctype:
		return False
	if doctype in FOREIGN_PROTECTED:
		return True
	module = frappe.db.get_value("DocType", doctype, "module", cache=True)
	return module == MODULE


def _require_read(doctype: str) -> None:
	if not frappe.has_permission(doctype, "read"):
		frappe.local.flags.disable_traceback = True  # the refusal is the whole answer
		frappe.throw(_("Not permitted"), frappe.PermissionError)


def _permitted_count(doctype: str, filters) -> int:
	rows = frappe.get_list(doctype, filters=filters, fields=["count(*) as total"], order_by=None, limit=0)
	return int(rows[0].total) if rows else 0


@frappe.whitelist()
@frappe.read_only()
def get_count(doctype: str, filters=None, debug: bool = False, cache: bool = False) -> int:
	"""`frappe.client.get_count`, permission-aware for candidate data."""
	if not is_protected(doctype):
		return frappe.client.get_count(doctype, filters, debug, cache)
	_require_read(doctype)
	return _permitted_count(doctype, frappe.client.get_safe_filters(filters))


@frappe.whitelist()
@frappe.read_only()
def get_report_count() -> int:
	"""`frappe.desk.reportview.get_count` (list view totals), with a read check first."""
	doctype = frappe.form_dict.get("doctype")
	if is_protected(doctype):
		_require_read(doctype)
	return frappe.desk.reportview.get_count()


@frappe.whitelist()
@frappe.read_only()
def get_group_by_count(doctype: str, current_filters: str, field: str) -> list[dict]:
	"""`frappe.desk.listview.get_group_by_count` (sidebar counts), permission-aware."""
	if not is_protected(doctype):
		return frappe.desk.listview.get_group_by_count(doctype, current_filters, field)
	_require_read(doctype)
	if field != "assigned_to":
		return frappe.desk.listview.get_group_by_count(doctype, current_filters, field)
	# Frappe's own assignee count builds its subquery without permissions.
	visible = frappe.get_list(
		doctype,
		filters=frappe.parse_json(current_filters),
		fields=["name"],
		order_by=None,
		limit=0,
		run=False,
	)
	# The subquery arrives with its values inlined and escaped by Frappe; the statement is run
	# without parameters so no "%" in a filter value is taken for a placeholder.
	return frappe.db.sql(
		f"""select t.allocated_to as name, count(*) as count
		from `tabToDo` t join `tabUser` u on u.name = t.allocated_to
		where t.status != 'Cancelled' and u.user_type = 'System User'
			and t.reference_type = {frappe.db.escape(doctype)} and t.reference_name in ({visible})
		group by t.allocated_to order by count desc limit 50""",
		as_dict=True,
	)
