"""Who may author campaign email: HR roles write Email Templates; everyone else only reads them."""

import frappe

from recruit_crm.setup.install import PRISTINE_PERMS_KEY

TEMPLATE_AUTHORS = ("HR Manager", "HR User")
AUTHOR_RIGHTS = ("read", "write", "create", "delete", "report", "export", "share")


def setup_template_authors() -> None:
	"""Give HR roles authoring rights on Email Template (idempotent; uninstall restores standard)."""
	from frappe.permissions import add_permission, update_permission_property

	doctype = "Email Template"
	untouched = set(frappe.parse_json(frappe.db.get_default(PRISTINE_PERMS_KEY) or "[]"))
	if not frappe.db.exists("Custom DocPerm", {"parent": doctype}):
		untouched.add(doctype)
	for role in TEMPLATE_AUTHORS:
		if not frappe.db.exists("Role", role):
			continue
		if not frappe.db.exists("Custom DocPerm", {"parent": doctype, "role": role, "permlevel": 0}):
			add_permission(doctype, role, 0)
		for right in AUTHOR_RIGHTS:
			update_permission_property(doctype, role, 0, right, 1, validate=False)
	frappe.db.set_default(PRISTINE_PERMS_KEY, frappe.as_json(sorted(untouched)))
