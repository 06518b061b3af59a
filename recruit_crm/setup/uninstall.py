"""Leave HRMS as it was: remove our fields, permissions and role."""

import frappe

from recruit_crm.setup.custom_fields import delete_recruit_crm_custom_fields
from recruit_crm.setup.install import PRISTINE_PERMS_KEY, RECRUITER


def before_uninstall() -> None:
	delete_recruit_crm_custom_fields()
	# Doctypes that had standard permissions before us go back to them; elsewhere only our rows go.
	for doctype in frappe.parse_json(frappe.db.get_default(PRISTINE_PERMS_KEY) or "[]"):
		frappe.db.delete("Custom DocPerm", {"parent": doctype})
	frappe.db.delete("Custom DocPerm", {"role": RECRUITER})
	frappe.db.set_default(PRISTINE_PERMS_KEY, None)
	frappe.db.delete("Has Role", {"role": RECRUITER})
	if frappe.db.exists("Role", RECRUITER):
		frappe.delete_doc("Role", RECRUITER, force=True, ignore_permissions=True)
	frappe.clear_cache()
