"""Idempotent install and migrate steps."""

import frappe

from recruit_crm.services.candidates import link_unlinked_applicants
from recruit_crm.setup.custom_fields import create_recruit_crm_custom_fields

RECRUITER = "Recruiter"
PRISTINE_PERMS_KEY = "recruit_crm_pristine_perm_doctypes"

# What a Recruiter may do on HRMS and ERPNext doctypes, beside full access to recruit_crm's own.
RECRUITER_PERMISSIONS: dict[str, dict[str, int]] = {
	"Job Applicant": {
		"read": 1,
		"write": 1,
		"create": 1,
		"report": 1,
		"export": 1,
		"email": 1,
		"print": 1,
		"share": 1,
	},
	"Job Opening": {"read": 1, "report": 1},
	"Interview": {"read": 1, "report": 1},
	"Job Offer": {"read": 1, "report": 1},
	"Designation": {"read": 1},
	"Skill": {"read": 1},
	"Job Applicant Source": {"read": 1},
}


def after_install() -> None:
	create_recruit_crm_custom_fields()
	setup_recruiter_role()
	_add_pool_indexes()
	_setup_nurture()
	link_unlinked_applicants()
	_queue_system_pool_backfill()


def after_migrate() -> None:
	create_recruit_crm_custom_fields()
	setup_recruiter_role()
	_add_pool_indexes()
	_setup_nurture()


def setup_recruiter_role() -> None:
	"""The Recruiter role with access to what recruiting needs and nothing else of HR."""
	if not frappe.db.exists("Role", RECRUITER):
		frappe.get_doc({"doctype": "Role", "role_name": RECRUITER, "desk_access": 1}).insert(
			ignore_permissions=True
		)
	from frappe.permissions import add_permission, update_permission_property

	untouched = set(frappe.parse_json(frappe.db.get_default(PRISTINE_PERMS_KEY) or "[]"))
	for doctype, rights in RECRUITER_PERMISSIONS.items():
		if not frappe.db.exists("DocType", doctype):
			continue
		if not frappe.db.exists("Custom DocPerm", {"parent": doctype}):
			# Remember that the site used standard permissions here, so uninstall can restore them.
			untouched.add(doctype)
		if not frappe.db.exists("Custom DocPerm", {"parent": doctype, "role": RECRUITER, "permlevel": 0}):
			add_permission(doctype, RECRUITER, 0)
		for right, value in rights.items():
			update_permission_property(doctype, RECRUITER, 0, right, value, validate=False)
	frappe.db.set_default(PRISTINE_PERMS_KEY, frappe.as_json(sorted(untouched)))


def before_tests() -> None:
	"""Complete the ERPNext/HRMS setup a test site needs (company, holiday list, roles)."""
	from hrms.tests.test_utils import before_tests as hrms_before_tests

	hrms_before_tests()
	_ensure_test_outgoing_email_account()
	frappe.db.commit()  # nosemgrep: test bootstrap


def _ensure_test_outgoing_email_account() -> None:
	"""HRMS flows send mail; under run-tests nothing leaves the process (frappe.flags.sent_mail)."""
	if frappe.db.exists("Email Account", {"default_outgoing": 1, "enable_outgoing": 1}):
		return
	frappe.get_doc(
		{
			"doctype": "Email Account",
			"email_account_name": "Recruit CRM Test Outgoing",
			"email_id": "recruit-crm-tests@example.org",
			"enable_outgoing": 1,
			"default_outgoing": 1,
			"smtp_server": "127.0.0.1",
			"smtp_port": 2525,
			"no_smtp_authentication": 1,
			"awaiting_password": 0,
		}
	).insert(ignore_permissions=True)


def _setup_nurture() -> None:
	from recruit_crm.setup.nurture import setup_template_authors

	setup_template_authors()


def _add_pool_indexes() -> None:
	"""Indexes on HRMS tables that talent pool rules and rediscovery read by."""
	frappe.db.add_index(
		"Job Applicant", ["rc_candidate", "creation", "name", "status"], "rc_candidate_creation"
	)
	# Applicants of a designation: rediscovery and "applied for designation" rules.
	frappe.db.add_index("Job Applicant", ["designation", "rc_candidate"], "rc_designation_candidate")
	# Our own doctypes' composite indexes, also on sites that synced the doctypes before they
	# were added (on_doctype_update only runs when a doctype's JSON changes).
	from recruit_crm.recruit_crm.doctype.rc_candidate_skill import rc_candidate_skill
	from recruit_crm.recruit_crm.doctype.rc_talent_pool_change import rc_talent_pool_change
	from recruit_crm.recruit_crm.doctype.rc_talent_pool_member import rc_talent_pool_member

	for module in (rc_candidate_skill, rc_talent_pool_member, rc_talent_pool_change):
		module.on_doctype_update()


def _queue_system_pool_backfill() -> None:
	"""Fill the system pools (silver medalists, past applicants, alumni) from existing HRMS history."""
	frappe.enqueue(
		"recruit_crm.services.system_pools.backfill_system_pools",
		queue="long",
		timeout=3600,
		job_id="recruit_crm:backfill_system_pools",
		deduplicate=True,
		enqueue_after_commit=True,
	)
