"""Install, migrate and uninstall steps are idempotent and leave HRMS working."""

import frappe

from recruit_crm.setup import install, permissions, uninstall
from recruit_crm.setup.custom_fields import get_custom_fields
from recruit_crm.tests.factories import make_job_applicant, unique_email
from recruit_crm.tests.integration import RCTestCase


def _our_fields() -> set[str]:
	return {f["fieldname"] for f in get_custom_fields()["Job Applicant"]}


def _perms(doctype: str) -> set[tuple]:
	return set(frappe.get_all("Custom DocPerm", filters={"parent": doctype}, fields=["role"], as_list=True))


class TestInstallUninstall(RCTestCase):
	def test_install_steps_run_twice_change_nothing(self):
		install.after_migrate()
		before = frappe.db.count("Custom DocPerm", {"role": "Recruiter"})
		install.after_migrate()
		self.assertEqual(frappe.db.count("Custom DocPerm", {"role": "Recruiter"}), before)
		self.assertEqual(
			{f.fieldname for f in frappe.get_meta("Job Applicant").fields} & _our_fields(), _our_fields()
		)

	def test_uninstall_steps_leave_hrms_working_and_reinstall_keeps_links(self):
		applicant = make_job_applicant(email=unique_email("keep"))
		candidate = applicant.rc_candidate
		pristine = frappe.parse_json(frappe.db.get_default(permissions.PRISTINE_PERMS_KEY) or "[]")
		perms_before_install = (
			set() if "Job Applicant" in pristine else _perms("Job Applicant") - {("Recruiter",)}
		)
		try:
			uninstall.before_uninstall()
			meta = frappe.get_meta("Job Applicant")
			self.assertFalse(_our_fields() & {f.fieldname for f in meta.fields})
			self.assertFalse(frappe.db.exists("Custom DocPerm", {"role": "Recruiter"}))
			self.assertEqual(
				_perms("Job Applicant"), perms_before_install, "HRMS's own permissions apply again"
			)
			# HRMS still creates and saves applicants without our fields
			other = frappe.get_doc(
				{
					"doctype": "Job Applicant",
					"applicant_name": "After Uninstall",
					"email_id": unique_email("after"),
					"status": "Open",
				}
			)
			with _without_our_hooks():
				other.insert(ignore_permissions=True)
				other.status = "Hold"
				other.save(ignore_permissions=True)
		finally:
			install.after_install()
			# Custom field DDL commits implicitly, so this test cannot be rolled back: persist the
			# reinstalled state rather than leave the site half-way.
			frappe.db.commit()  # nosemgrep
		self.assertIn("rc_candidate", {f.fieldname for f in frappe.get_meta("Job Applicant").fields})
		self.assertEqual(frappe.db.get_value("Job Applicant", applicant.name, "rc_candidate"), candidate)
		self.assertTrue(
			frappe.db.get_value("Job Applicant", other.name, "rc_candidate"),
			"the backfill links what arrived meanwhile",
		)


class _without_our_hooks:
	"""Simulate an uninstalled app: the cached doc_events without recruit_crm's handlers."""

	def __enter__(self):
		hooks = frappe.get_doc_hooks()
		frappe.local.doc_events_hooks = {
			dt: {
				ev: [h for h in handlers if not h.startswith("recruit_crm.")]
				for ev, handlers in events.items()
			}
			for dt, events in hooks.items()
		}
		return self

	def __exit__(self, *exc):
		del frappe.local.doc_events_hooks
		return False
