"""What a candidate reads about an application on "My applications" (no frappe, no site)."""

import unittest
from datetime import datetime, timedelta

from recruit_crm.domain.candidate_view import NEUTRAL_LABEL, stage_view, withdraw_target
from recruit_crm.domain.pipeline import Pipeline, StageKind, State, Transition, default_pipeline

NOW = datetime(2026, 12, 2, 12, 0)


class TestStageView(unittest.TestCase):
	def setUp(self):
		self.pipeline = default_pipeline()

	def test_open_state_shows_its_candidate_label_next_step_and_ideal_date(self):
		entered = NOW - timedelta(days=1)
		view = stage_view(self.pipeline, "Screening", "Replied", entered, NOW)
		self.assertEqual(view.label, "Under review")
		self.assertIn("next step", view.next_step)
		self.assertEqual(view.hear_back_by, entered + timedelta(days=5))
		self.assertFalse(view.overdue)
		self.assertEqual(view.withdraw_to, "Withdrawn")
		self.assertFalse(view.closed)

	def test_an_openings_own_days_beat_the_workflows(self):
		entered = NOW - timedelta(days=1)
		view = stage_view(self.pipeline, "Applied", "Open", entered, NOW, {"Applied": (10.0, 20.0)})
		self.assertEqual(view.hear_back_by, entered + timedelta(days=10))

	def test_a_promised_date_in_the_past_is_overdue(self):
		view = stage_view(self.pipeline, "Applied", "Open", NOW - timedelta(days=4), NOW)
		self.assertTrue(view.overdue)

	def test_closed_states_promise_nothing_and_cannot_be_withdrawn(self):
		for state, label in (("Rejected", "Not selected"), ("Withdrawn", "Withdrawn"), ("Hired", "Hired")):
			view = stage_view(self.pipeline, state, "Rejected", NOW - timedelta(days=1), NOW)
			self.assertEqual((view.label, view.hear_back_by, view.withdraw_to), (label, None, None))
			self.assertTrue(view.closed)

	def test_a_state_without_a_candidate_label_never_shows_its_internal_name(self):
		pipeline = Pipeline(
			(
				State("Failed culture fit", StageKind.OTHER, 1, status="Hold"),
				State("Gone", StageKind.WITHDRAWN, 2, status="Rejected"),
			),
			(Transition("Failed culture fit", "Withdraw", "Gone", "HR User"),),
		)
		view = stage_view(pipeline, "Failed culture fit", "Hold", None, NOW)
		self.assertEqual(view.label, "Under review")
		self.assertIsNone(view.hear_back_by)
		self.assertEqual(view.withdraw_to, "Gone", "the Withdrawn state is found by kind, not name")

	def test_pipeline_off_reads_the_hrms_status_neutrally(self):
		self.assertEqual(stage_view(None, None, "Open", None, NOW).label, "Application received")
		self.assertEqual(stage_view(None, None, "Rejected", None, NOW).label, "Closed")
		self.assertTrue(stage_view(None, None, "Rejected", None, NOW).closed)
		self.assertEqual(stage_view(None, None, "Odd", None, NOW).label, NEUTRAL_LABEL)
		self.assertIsNone(stage_view(None, None, "Open", None, NOW).withdraw_to)


class TestWithdrawTarget(unittest.TestCase):
	def test_only_where_the_workflow_has_a_transition_to_a_withdrawn_state(self):
		pipeline = Pipeline(
			(
				State("Applied", StageKind.APPLIED, 1),
				State("Offer", StageKind.OFFER, 2),
				State("Withdrawn", StageKind.WITHDRAWN, 3),
			),
			(Transition("Applied", "Withdraw", "Withdrawn", "HR User"),),
		)
		self.assertEqual(withdraw_target(pipeline, "Applied"), "Withdrawn")
		self.assertIsNone(withdraw_target(pipeline, "Offer"))
		self.assertIsNone(withdraw_target(pipeline, "Withdrawn"))
		self.assertIsNone(withdraw_target(pipeline, "Unknown"))
