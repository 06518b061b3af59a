"""Candidate data is HR data: each rule is proved here."""

import frappe

from recruit_crm.tests.factories import make_candidate, make_job_applicant, make_user
from recruit_crm.tests.integration import RCTestCase

HR_ROLES = ("HR Manager", "HR User", "Recruiter")
NON_HR_ROLES = ("Sales User", "Purchase User", "Accounts User", "Stock User")


class TestCandidatePermissions(RCTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.candidate = make_candidate(full_name="Private Person").name
		cls.applicant = make_job_applicant(
			email=frappe.db.get_value("RC Candidate", cls.candidate, "email")
		).name
		cls.users = {
			role: make_user(f"rc-{role.lower().replace(' ', '-')}@example.org", (role,))
			for role in HR_ROLES + NON_HR_ROLES
		}
		cls.website_user = make_user("rc-website@example.org", ())

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_hr_roles_read_candidates(self):
		for role in HR_ROLES:
			with self.subTest(role=role):
				frappe.set_user(self.users[role])
				self.assertTrue(frappe.has_permission("RC Candidate", "read", doc=self.candidate))
				self.assertIn(self.candidate, frappe.get_list("RC Candidate", pluck="name", limit=0))

	def test_recruiter_can_work_with_job_applicants(self):
		frappe.set_user(self.users["Recruiter"])
		self.assertTrue(frappe.has_permission("Job Applicant", "read", doc=self.applicant))
		self.assertTrue(frappe.has_permission("Job Applicant", "create"))
		self.assertFalse(frappe.has_permission("Job Applicant", "delete", doc=self.applicant))

	def test_sales_and_purchase_users_see_nothing(self):
		for role in NON_HR_ROLES:
			with self.subTest(role=role):
				frappe.set_user(self.users[role])
				self.assertFalse(frappe.has_permission("RC Candidate", "read", doc=self.candidate))
				with self.assertRaises(frappe.PermissionError):
					frappe.get_list("RC Candidate", limit=1)

	def test_only_hr_roles_run_the_reports(self):
		from frappe.desk.query_report import run

		reports = frappe.get_all("Report", filters={"module": "Recruit CRM"}, pluck="name")
		self.assertIn("Candidate Readiness", reports)
		for report in reports:
			roles = {row.role for row in frappe.get_doc("Report", report).roles}
			self.assertLessEqual(roles, set(HR_ROLES), f"{report} is for HR roles only")
			for role in HR_ROLES + NON_HR_ROLES:
				with self.subTest(report=report, role=role):
					frappe.set_user(self.users[role])
					self.assertEqual(bool(frappe.get_doc("Report", report).is_permitted()), role in roles)
					if role in NON_HR_ROLES:
						with self.assertRaises(frappe.PermissionError):
							run(report, filters={})

	def test_website_user_and_guest_see_nothing(self):
		for user in (self.website_user, "Guest"):
			with self.subTest(user=user):
				frappe.set_user(user)
				self.assertFalse(frappe.has_permission("RC Candidate", "read", doc=self.candidate))
				self.assertFalse(frappe.has_permission("RC Candidate", "read"))

	def test_endpoints_check_permissions(self):
		from recruit_crm.api.candidate import create_job_applicant, get_summary, merge

		other = make_candidate().name
		frappe.set_user(self.users["Sales User"])
		with self.assertRaises(frappe.PermissionError):
			get_summary(self.applicant)
		with self.assertRaises(frappe.PermissionError):
			merge(other, self.candidate)
		with self.assertRaises(frappe.PermissionError):
			create_job_applicant(self.candidate, "any")
		frappe.set_user("Administrator")
		self.assertTrue(frappe.db.exists("RC Candidate", other), "a refused merge changes nothing")

	def test_even_a_website_user_given_an_hr_role_is_denied(self):
		frappe.set_user("Administrator")
		frappe.db.set_value("User", self.website_user, "user_type", "Website User")
		frappe.get_doc("User", self.website_user).add_roles("HR User")
		frappe.db.set_value("User", self.website_user, "user_type", "Website User")
		frappe.clear_cache(user=self.website_user)
		try:
			frappe.set_user(self.website_user)
			self.assertFalse(frappe.has_permission("RC Candidate", "read", doc=self.candidate))
			self.assertEqual(frappe.get_list("RC Candidate", limit=1), [])
		finally:
			frappe.set_user("Administrator")
			frappe.get_doc("User", self.website_user).remove_roles("HR User")
			frappe.db.set_value("User", self.website_user, "user_type", "Website User")
			frappe.clear_cache(user=self.website_user)
