"""CRM stage transitions driven by applications (no frappe, no site)."""

import unittest
from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from recruit_crm.domain.consent import RetentionFacts, retention_due_on
from recruit_crm.domain.stages import advance, funnel_rank, stage_from_applications
from recruit_crm.domain.types import (
	ACTIVE_APPLICATION_STATUSES,
	CLOSED_APPLICATION_STATUSES,
	ApplicationStatus,
	CrmStage,
)


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


STATUSES = [s.value for s in ApplicationStatus]
STAGES = [s.value for s in CrmStage]


class TestStageFollowsHrmsStatuses(unittest.TestCase):
	def test_an_accepted_offer_is_offered_not_applied(self):
		self.assertEqual(stage_from_applications("Applied", ["Accepted"]), CrmStage.OFFERED)
		self.assertEqual(
			stage_from_applications("Past Applicant", ["Rejected", "Accepted"]), CrmStage.OFFERED
		)

	def test_replied_and_hold_are_applications_in_progress(self):
		for status in ("Replied", "Hold"):
			with self.subTest(status=status):
				self.assertEqual(stage_from_applications("Prospect", [status]), CrmStage.APPLIED)

	@given(
		st.lists(st.sampled_from(STATUSES), max_size=4),
		st.booleans(),
		st.booleans(),
		st.booleans(),
		st.sampled_from(STAGES),
	)
	def test_every_combination_of_statuses(self, statuses, interview, offer, hired, current):
		stage = stage_from_applications(
			current, statuses, has_interview=interview, has_open_offer=offer, is_hired=hired
		)
		active = [s for s in statuses if s in ACTIVE_APPLICATION_STATUSES]
		if hired or current == "Hired":
			self.assertEqual(stage, CrmStage.HIRED)
		elif not statuses:
			self.assertEqual(stage, CrmStage(current))
		elif "Accepted" in statuses:
			self.assertEqual(
				stage, CrmStage.OFFERED, "an accepted offer is an offer, never just an application"
			)
		elif active:
			self.assertNotIn(stage, (CrmStage.PAST_APPLICANT, CrmStage.NOT_INTERESTED, CrmStage.PROSPECT))
			self.assertGreaterEqual(funnel_rank(stage), funnel_rank(CrmStage.APPLIED))
		elif current == "Not Interested":
			self.assertEqual(stage, CrmStage.NOT_INTERESTED)
		else:
			self.assertEqual(stage, CrmStage.PAST_APPLICANT, "everything rejected: a past applicant")

	def test_every_status_is_either_kept_or_decided(self):
		self.assertEqual(sorted(ACTIVE_APPLICATION_STATUSES + CLOSED_APPLICATION_STATUSES), sorted(STATUSES))
		self.assertFalse(set(ACTIVE_APPLICATION_STATUSES) & set(CLOSED_APPLICATION_STATUSES))

	@given(
		st.lists(st.sampled_from(STATUSES), max_size=4),
		st.booleans(),
		st.booleans(),
		st.integers(min_value=0, max_value=48),
	)
	def test_retention_never_touches_work_in_progress_accepted_offers_or_hires(
		self, statuses, hired, consent, months_ago
	):
		facts = RetentionFacts(
			has_valid_consent=consent,
			has_open_application=any(s in ACTIVE_APPLICATION_STATUSES for s in statuses),
			is_hired=hired,
			is_anonymized=False,
			last_decision_at=datetime(2026, 12, 1) - timedelta(days=30 * months_ago),
		)
		due, _reason = retention_due_on(facts, 6)
		if hired or consent or any(s in ("Open", "Replied", "Hold", "Accepted") for s in statuses):
			self.assertIsNone(due)
		else:
			self.assertIsNotNone(due)
