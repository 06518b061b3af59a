"""Idempotent install and migrate steps."""

import frappe

from recruit_crm.recruit_crm.doctype.rc_candidate_skill import rc_candidate_skill
from recruit_crm.recruit_crm.doctype.rc_talent_pool_change import rc_talent_pool_change
from recruit_crm.recruit_crm.doctype.rc_talent_pool_member import rc_talent_pool_member
from recruit_crm.services.candidates.backfill import link_unlinked_applicants
from recruit_crm.setup import analytics, pipeline
from recruit_crm.setup.custom_fields import create_recruit_crm_custom_fields
from recruit_crm.setup.global_search import add_candidates_to_global_search
from recruit_crm.setup.permissions import setup_recruiter_role, setup_template_authors


def after_install() -> None:
	create_recruit_crm_custom_fields()
	setup_recruiter_role()
	_add_pool_indexes()
	analytics.add_indexes()
	setup_template_authors()
	add_candidates_to_global_search()
	link_unlinked_applicants()
	pipeline.install()
	_queue_system_pool_backfill()


def after_migrate() -> None:
	create_recruit_crm_custom_fields()
	setup_recruiter_role()
	_add_pool_indexes()
	analytics.add_indexes()
	setup_template_authors()
	add_candidates_to_global_search()
	pipeline.migrate()


def before_tests() -> None:
	"""Complete the ERPNext/HRMS setup a test site needs (company, holiday list, roles)."""
	# Imported here: HRMS's test helpers are not loaded by a production site.
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


def _add_pool_indexes() -> None:
	"""Indexes on HRMS tables that talent pool rules and rediscovery read by."""
	frappe.db.add_index(
		"Job Applicant", ["rc_candidate", "creation", "name", "status"], "rc_candidate_creation"
	)
	# Applicants of a designation: rediscovery and "applied for designation" rules.
	frappe.db.add_index("Job Applicant", ["designation", "rc_candidate"], "rc_designation_candidate")
	# Our own doctypes' composite indexes, also on sites that synced the doctypes before they
	# were added (on_doctype_update only runs when a doctype's JSON changes).
	for module in (rc_candidate_skill, rc_talent_pool_member, rc_talent_pool_change):
		module.on_doctype_update()


def _queue_system_pool_backfill() -> None:
	"""Fill the system pools (silver medalists, past applicants, alumni) from existing HRMS history."""
	frappe.enqueue(
		"recruit_crm.tasks.pools.backfill_system_pools",
		queue="long",
		timeout=3600,
		job_id="recruit_crm:backfill_system_pools",
		deduplicate=True,
		enqueue_after_commit=True,
	)
