"""Roles and permissions the app sets up, idempotently, and takes back on uninstall.

Doctypes whose permissions were standard before install are remembered (`PRISTINE_PERMS_KEY`), so
uninstall can return them to standard; elsewhere only the app's own rows are removed.
"""

import frappe
from frappe.permissions import add_permission, update_permission_property

from recruit_crm.domain.roles import HR_MANAGER, HR_USER, RECRUITER

PRISTINE_PERMS_KEY = "recruit_crm_pristine_perm_doctypes"

# What a Recruiter may do on HRMS and ERPNext doctypes, beside full access to recruit_crm's own.
RECRUITER_PERMISSIONS: dict[str, tuple[str, ...]] = {
	"Job Applicant": ("read", "write", "create", "report", "export", "email", "print", "share"),
	"Job Opening": ("read", "report"),
	"Interview": ("read", "report"),
	"Job Offer": ("read", "report"),
	"Designation": ("read",),
	"Skill": ("read",),
	"Job Applicant Source": ("read",),
}

# Who may author campaign email: HR roles write Email Templates; everyone else only reads them.
TEMPLATE_AUTHORS = (HR_MANAGER, HR_USER)
AUTHOR_RIGHTS = ("read", "write", "create", "delete", "report", "export", "share")


def setup_recruiter_role() -> None:
	"""The Recruiter role with access to what recruiting needs and nothing else of HR."""
	if not frappe.db.exists("Role", RECRUITER):
		frappe.get_doc({"doctype": "Role", "role_name": RECRUITER, "desk_access": 1}).insert(
			ignore_permissions=True
		)
	for doctype, rights in RECRUITER_PERMISSIONS.items():
		grant(doctype, RECRUITER, rights)


def setup_template_authors() -> None:
	"""Give HR roles authoring rights on Email Template."""
	for role in TEMPLATE_AUTHORS:
		if frappe.db.exists("Role", role):
			grant("Email Template", role, AUTHOR_RIGHTS)


def grant(doctype: str, role: str, rights: tuple[str, ...]) -> None:
	"""Give `role` these rights on `doctype` at level 0, remembering if the doctype was standard."""
	if not frappe.db.exists("DocType", doctype):
		return
	untouched = set(frappe.parse_json(frappe.db.get_default(PRISTINE_PERMS_KEY) or "[]"))
	if not frappe.db.exists("Custom DocPerm", {"parent": doctype}):
		untouched.add(doctype)
	if not frappe.db.exists("Custom DocPerm", {"parent": doctype, "role": role, "permlevel": 0}):
		add_permission(doctype, role, 0)
	for right in rights:
		update_permission_property(doctype, role, 0, right, 1, validate=False)
	frappe.db.set_default(PRISTINE_PERMS_KEY, frappe.as_json(sorted(untouched)))


def remove_app_permissions() -> None:
	"""Doctypes that had standard permissions before install go back to them; the Recruiter goes."""
	for doctype in frappe.parse_json(frappe.db.get_default(PRISTINE_PERMS_KEY) or "[]"):
		frappe.db.delete("Custom DocPerm", {"parent": doctype})
	frappe.db.delete("Custom DocPerm", {"role": RECRUITER})
	frappe.db.set_default(PRISTINE_PERMS_KEY, None)
	frappe.db.delete("Has Role", {"role": RECRUITER})
	if frappe.db.exists("Role", RECRUITER):
		frappe.delete_doc("Role", RECRUITER, force=True, ignore_permissions=True)
