"""Who the app puts in its own pools, and the reason it gives."""

import unittest
from datetime import date

from recruit_crm.domain.system_pools import (
	ApplicationFacts,
	EmployeeFacts,
	alumni_leave_reason,
	alumni_reason,
	past_applicant_reason,
	silver_medalist_reason,
)


def app(status="Rejected", **kw):
	return ApplicationFacts(job_applicant="a@x.org", status=status, opening_title="Data Analyst 1", **kw)


class TestSilverMedalists(unittest.TestCase):
	def test_rejected_after_an_interview_round(self):
		reason = silver_medalist_reason(
			[app(interview_count=1, interview_rounds=("Technical",))],
			min_rating=0.6,
			any_interview_counts=True,
		)
		self.assertEqual(reason, "Rejected for Data Analyst 1 after Technical")

	def test_interview_alone_does_not_count_when_setting_is_off(self):
		facts = [app(interview_count=1, best_rating=0.4)]
		self.assertIsNone(silver_medalist_reason(facts, min_rating=0.6, any_interview_counts=False))

	def test_high_rating_qualifies_with_stars_in_the_reason(self):
		facts = [app(interview_count=1, best_rating=0.8)]
		reason = silver_medalist_reason(facts, min_rating=0.6, any_interview_counts=False)
		self.assertEqual(reason, "Rejected for Data Analyst 1 with interview rating 4/5")

	def test_rejected_without_interview_is_not_a_silver_medalist(self):
		self.assertIsNone(silver_medalist_reason([app()], min_rating=0.6, any_interview_counts=True))

	def test_open_application_is_not_yet_a_silver_medalist(self):
		facts = [app(status="Open", interview_count=2, best_rating=0.9)]
		self.assertIsNone(silver_medalist_reason(facts, min_rating=0.6, any_interview_counts=True))

	def test_interview_rejection_counts_before_the_application_is_closed(self):
		facts = [app(status="Open", interview_count=1, rejected_in_interview=True)]
		self.assertIsNotNone(silver_medalist_reason(facts, min_rating=0.6, any_interview_counts=True))

	def test_someone_hired_since_is_not_a_silver_medalist(self):
		facts = [app(interview_count=1, best_rating=0.9), app(status="Accepted")]
		self.assertIsNone(silver_medalist_reason(facts, min_rating=0.6, any_interview_counts=True))

	def test_best_application_gives_the_reason(self):
		facts = [
			app(interview_count=1, interview_rounds=("Screening",)),
			ApplicationFacts(
				"b@x.org", "Rejected", opening_title="Analyst 2", interview_count=1, best_rating=0.9
			),
		]
		reason = silver_medalist_reason(facts, min_rating=0.6, any_interview_counts=True)
		self.assertEqual(reason, "Rejected for Analyst 2 with interview rating 4.5/5")


class TestAlumni(unittest.TestCase):
	def emp(self, **kw):
		values = {
			"employee": "HR-EMP-1",
			"status": "Left",
			"relieving_date": date(2026, 3, 31),
			"is_eligible_for_rehire": True,
			"designation": "Accountant",
		}
		values.update(kw)
		return EmployeeFacts(**values)

	def test_left_and_eligible_is_alumni(self):
		self.assertEqual(alumni_reason(self.emp()), "Left on 2026-03-31 as Accountant; eligible for rehire")

	def test_not_eligible_is_not_alumni(self):
		self.assertIsNone(alumni_reason(self.emp(is_eligible_for_rehire=False)))
		self.assertEqual(
			alumni_leave_reason(self.emp(is_eligible_for_rehire=False)), "Marked not eligible for rehire"
		)

	def test_active_or_without_relieving_date_is_not_alumni(self):
		self.assertIsNone(alumni_reason(self.emp(status="Active")))
		self.assertIsNone(alumni_reason(self.emp(relieving_date=None)))
		self.assertEqual(alumni_leave_reason(self.emp(status="Active")), "Employee is Active again")

	def test_retained_after_exit_interview_is_not_alumni(self):
		self.assertIsNone(alumni_reason(self.emp(exit_confirmed=False)))


class TestPastApplicants(unittest.TestCase):
	def test_rejected_application_is_past(self):
		reason = past_applicant_reason(app(designation="Data Analyst", applied_on=date(2025, 1, 2)))
		self.assertEqual(reason, "Applied for Data Analyst 1 on 2025-01-02; not selected")

	def test_closed_opening_makes_open_application_past(self):
		reason = past_applicant_reason(
			app(status="Open", designation="Data Analyst", opening_status="Closed")
		)
		self.assertEqual(reason, "Applied for Data Analyst 1; opening closed")

	def test_live_or_accepted_application_is_not_past(self):
		self.assertIsNone(past_applicant_reason(app(status="Open", designation="Data Analyst")))
		self.assertIsNone(
			past_applicant_reason(app(status="Accepted", designation="Data Analyst", opening_status="Closed"))
		)
		self.assertIsNone(past_applicant_reason(app(designation=None)))
