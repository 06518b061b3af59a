"""CRM stage transitions driven by applications (no frappe, no site)."""

import unittest

from recruit_crm.domain.stages import advance, stage_from_applications
from recruit_crm.domain.types import CrmStage


class TestAdvance(unittest.TestCase):
	def test_moves_forward_only(self):
		self.assertEqual(advance("Engaged", "Contacted"), CrmStage.ENGAGED)
		self.assertEqual(advance("Contacted", "Engaged"), CrmStage.ENGAGED)

	def test_hired_is_final_for_automatic_events(self):
		self.assertEqual(advance("Hired", "Applied"), CrmStage.HIRED)

	def test_not_interested_people_return_only_by_applying(self):
		self.assertEqual(advance("Not Interested", "Engaged"), CrmStage.NOT_INTERESTED)
		self.assertEqual(advance("Not Interested", "Applied"), CrmStage.APPLIED)


class TestStageFromApplications(unittest.TestCase):
	def test_prospect_without_applications_stays(self):
		self.assertEqual(stage_from_applications("Prospect", []), CrmStage.PROSPECT)

	def test_an_open_application_makes_an_applicant(self):
		self.assertEqual(stage_from_applications("Engaged", ["Open"]), CrmStage.APPLIED)

	def test_interview_and_offer_progress(self):
		self.assertEqual(
			stage_from_applications("Applied", ["Open"], has_interview=True), CrmStage.INTERVIEWING
		)
		self.assertEqual(
			stage_from_applications("Interviewing", ["Accepted"], has_open_offer=True), CrmStage.OFFERED
		)

	def test_all_applications_closed_make_a_past_applicant(self):
		self.assertEqual(
			stage_from_applications("Interviewing", ["Rejected", "Rejected"]), CrmStage.PAST_APPLICANT
		)

	def test_one_live_application_keeps_the_person_in_the_funnel(self):
		self.assertEqual(stage_from_applications("Applied", ["Rejected", "Hold"]), CrmStage.APPLIED)

	def test_hire_wins_over_everything(self):
		self.assertEqual(
			stage_from_applications("Past Applicant", ["Rejected"], is_hired=True), CrmStage.HIRED
		)
		self.assertEqual(stage_from_applications("Hired", ["Rejected"]), CrmStage.HIRED)

	def test_a_new_application_revives_a_past_applicant(self):
		self.assertEqual(stage_from_applications("Past Applicant", ["Rejected", "Open"]), CrmStage.APPLIED)

	def test_not_interested_stays_when_old_applications_close(self):
		self.assertEqual(stage_from_applications("Not Interested", ["Rejected"]), CrmStage.NOT_INTERESTED)
