"""System pools fill themselves from real HRMS documents: interviews, rejections, leavers."""

import frappe
from frappe.utils import add_days, nowdate, random_string

from recruit_crm.services.pools import system
from recruit_crm.tests.factories import (
	ensure_designation,
	make_candidate,
	make_employee,
	make_interview,
	make_job_applicant,
	make_job_opening,
)
from recruit_crm.tests.integration import RCTestCase


def member_reason(kind: str, candidate: str, designation: str | None = None) -> str | None:
	pool = system.system_pool(kind, designation=designation)
	return frappe.db.get_value(
		"RC Talent Pool Member",
		{"talent_pool": pool, "candidate": candidate, "removed_at": ["is", "not set"]},
		"reason",
	)


class TestSilverMedalists(RCTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		frappe.db.set_single_value(
			"RC Settings", {"silver_medalist_any_interview": 1, "silver_medalist_min_rating": 0.6}
		)
		self.designation = ensure_designation(f"RCT Analyst {random_string(5)}")
		self.opening = make_job_opening(title=f"RCT Analyst {random_string(4)}", designation=self.designation)
		self.applicant = make_job_applicant(job_opening=self.opening.name)
		self.candidate = self.applicant.rc_candidate

	def _reject(self):
		applicant = frappe.get_doc("Job Applicant", self.applicant.name)
		applicant.status = "Rejected"
		applicant.save()

	def test_rejected_after_an_interview_round_becomes_a_silver_medalist(self):
		make_interview(self.applicant.name, status="Under Review")
		self.assertIsNone(member_reason("Silver Medalists", self.candidate))
		self._reject()
		reason = member_reason("Silver Medalists", self.candidate)
		self.assertEqual(reason, f"Rejected for {self.opening.job_title} after RC Test Technical Round")

	def test_rejected_without_an_interview_is_not_a_silver_medalist(self):
		self._reject()
		self.assertIsNone(member_reason("Silver Medalists", self.candidate))

	def test_high_interview_rating_qualifies_when_any_interview_does_not(self):
		settings = frappe.get_single("RC Settings")
		settings.silver_medalist_any_interview = 0
		settings.silver_medalist_min_rating = 0.7
		settings.save()
		interview = make_interview(self.applicant.name, status="Under Review", average_rating=0.5)
		self._reject()
		self.assertIsNone(member_reason("Silver Medalists", self.candidate))
		interview.reload()
		interview.average_rating = 0.8
		interview.save()
		self.assertEqual(
			member_reason("Silver Medalists", self.candidate),
			f"Rejected for {self.opening.job_title} with interview rating 4/5",
		)

	def test_submitted_rejected_interview_counts_before_the_application_is_closed(self):
		interview = make_interview(self.applicant.name, status="Rejected", average_rating=0.6)
		interview.submit()
		self.assertIsNotNone(member_reason("Silver Medalists", self.candidate))

	def test_reopened_application_leaves_the_pool_with_a_reason(self):
		make_interview(self.applicant.name, status="Under Review")
		self._reject()
		applicant = frappe.get_doc("Job Applicant", self.applicant.name)
		applicant.status = "Open"
		applicant.save()
		self.assertIsNone(member_reason("Silver Medalists", self.candidate))
		left = frappe.get_all(
			"RC Talent Pool Change",
			filters={"candidate": self.candidate, "change": "Left"},
			pluck="reason",
		)
		self.assertEqual(left, ["No longer a silver medalist (application reopened or hired)"])


class TestPastApplicants(RCTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		self.designation = ensure_designation(f"RCT Accountant {random_string(5)}")
		self.opening = make_job_opening(designation=self.designation)

	def test_rejected_applicant_joins_the_designation_pool(self):
		applicant = make_job_applicant(job_opening=self.opening.name, status="Rejected")
		reason = member_reason("Past Applicants", applicant.rc_candidate, self.designation)
		self.assertIn(f"Applied for {self.opening.job_title}", reason)
		pool = system.system_pool("Past Applicants", designation=self.designation)
		self.assertEqual(
			frappe.db.get_value("RC Talent Pool", pool, "pool_name"), f"Past Applicants: {self.designation}"
		)

	def test_closing_an_opening_makes_its_open_applicants_past_applicants(self):
		applicant = make_job_applicant(job_opening=self.opening.name, status="Open")
		self.assertIsNone(member_reason("Past Applicants", applicant.rc_candidate, self.designation))
		opening = frappe.get_doc("Job Opening", self.opening.name)
		opening.status = "Closed"
		opening.closed_on = nowdate()
		opening.save()
		self.assertTrue(
			member_reason("Past Applicants", applicant.rc_candidate, self.designation).endswith(
				"opening closed"
			)
		)


class TestAlumni(RCTestCase):
	def setUp(self):
		frappe.set_user("Administrator")

	def _leave(self, employee, eligible=1):
		doc = frappe.get_doc("Employee", employee.name)
		doc.status = "Left"
		doc.relieving_date = add_days(nowdate(), -1)
		doc.rc_is_eligible_for_rehire = eligible
		doc.save()
		return doc

	def test_employee_who_left_and_is_eligible_becomes_alumni_with_a_candidate_record(self):
		employee = make_employee(designation=ensure_designation())
		self.assertFalse(frappe.db.exists("RC Candidate", {"email": employee.personal_email}))
		self._leave(employee)
		candidate = frappe.db.get_value("RC Candidate", {"email": employee.personal_email}, "name")
		self.assertTrue(candidate)
		reason = member_reason("Alumni", candidate)
		self.assertTrue(reason.startswith(f"Left on {add_days(nowdate(), -1)}"), reason)
		self.assertTrue(reason.endswith("eligible for rehire"))

	def test_existing_candidate_is_reused(self):
		person = make_candidate(full_name="Known Person")
		employee = make_employee(personal_email=person.email)
		self._leave(employee)
		self.assertIsNotNone(member_reason("Alumni", person.name))
		self.assertEqual(frappe.db.count("RC Candidate", {"email": person.email}), 1)

	def test_not_eligible_for_rehire_is_not_alumni_and_unticking_removes(self):
		employee = make_employee()
		self._leave(employee, eligible=0)
		self.assertFalse(frappe.db.exists("RC Candidate", {"email": employee.personal_email}))
		employee = make_employee()
		doc = self._leave(employee, eligible=1)
		candidate = frappe.db.get_value("RC Candidate", {"email": employee.personal_email}, "name")
		doc.rc_is_eligible_for_rehire = 0
		doc.save()
		self.assertIsNone(member_reason("Alumni", candidate))
		self.assertIn(
			"Marked not eligible for rehire",
			frappe.get_all("RC Talent Pool Change", filters={"candidate": candidate}, pluck="reason"),
		)

	def test_active_employee_is_not_alumni(self):
		employee = make_employee()
		system.update_alumni([employee.name])
		self.assertFalse(frappe.db.exists("RC Candidate", {"email": employee.personal_email}))


class TestTalentCommunity(RCTestCase):
	def test_sign_up_joins_the_community_pool_with_reason(self):
		frappe.set_user("Administrator")
		person = make_candidate().name
		self.assertEqual(system.add_to_talent_community([person]), 1)
		self.assertEqual(member_reason("Talent Community", person), "Joined the talent community")
		self.assertEqual(system.add_to_talent_community([person]), 0)
