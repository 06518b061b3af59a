"""Frappe's own privacy requests (from /me) reach the candidate behind a website user."""

import json

import frappe

from recruit_crm.tests.factories import (
	make_candidate,
	make_job_applicant,
	make_job_opening,
	make_user,
	unique_email,
)
from recruit_crm.tests.integration import RCTestCase


class TestFrappePrivacyRequests(RCTestCase):
	def make_person(self):
		email = unique_email("privacy")
		make_user(email, (), user_type="Website User")
		candidate = make_candidate(email=email, full_name="Privacy Person", phone="+1 555 0100")
		opening = make_job_opening()
		applicant = make_job_applicant(email=email, job_opening=opening.name)
		return email, candidate.name, applicant.name

	def test_a_data_download_request_includes_the_recruitment_record(self):
		email, candidate, applicant = self.make_person()
		frappe.set_user(email)
		try:
			request = frappe.get_doc({"doctype": "Personal Data Download Request", "user": email}).insert(
				ignore_permissions=True
			)
		finally:
			frappe.set_user("Administrator")
		file_url = frappe.db.get_value(
			"File",
			{"attached_to_doctype": "Personal Data Download Request", "attached_to_name": request.name},
			"file_url",
		)
		content = frappe.get_doc("File", {"file_url": file_url}).get_content()
		data = json.loads(content)
		recruitment = data["Recruitment (Recruit CRM)"]
		self.assertEqual(recruitment["candidate"]["name"], candidate)
		self.assertEqual([a["name"] for a in recruitment["Job Applicant"]], [applicant])
		frappe.db.rollback()

	def test_a_deletion_request_erases_the_candidate_and_applications(self):
		email, candidate, applicant = self.make_person()
		request = frappe.get_doc({"doctype": "Personal Data Deletion Request", "email": email}).insert(
			ignore_permissions=True
		)
		request.db_set("status", "Pending Approval")
		request.reload()
		request.trigger_data_deletion()
		self.assertFalse(frappe.db.exists("RC Candidate", candidate))
		self.assertFalse(frappe.db.exists("Job Applicant", {"email_id": email}))
		self.assertFalse(frappe.db.exists("Job Applicant", applicant))
		self.assertTrue(
			frappe.db.exists("Comment", {"reference_name": request.name, "content": ("like", "%erased%")})
		)
		frappe.db.rollback()
