"""Engagement scores on a real site: incremental updates agree with the set-based recompute,
settings drive the weights, readiness stages and their changes are recorded and explained."""

from datetime import timedelta
from unittest.mock import patch

import frappe
from frappe.utils import now_datetime

from recruit_crm.domain import scoring as rules
from recruit_crm.services.engagement import scoring, touchpoints
from recruit_crm.tests.factories import make_candidate
from recruit_crm.tests.integration import RCTestCase


def stored(candidate: str) -> frappe._dict:
	return frappe.db.get_value(
		"RC Candidate", candidate, ["engagement_score", "readiness_stage"], as_dict=True
	)


class TestEngagement(RCTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		self.candidate = make_candidate().name
		self.now = now_datetime()

	def record_history(self, candidate: str) -> None:
		touchpoints.record_many(
			[
				{"candidate": candidate, "touchpoint_type": "Email Opened", "occurred_at": self.now - timedelta(days=90)},
				{"candidate": candidate, "touchpoint_type": "Email Clicked", "occurred_at": self.now - timedelta(days=30),
					"job_opening": None},
				{"candidate": candidate, "touchpoint_type": "Email Replied", "occurred_at": self.now - timedelta(days=2)},
			]
		)  # fmt: skip
		touchpoints.record(candidate, "Call", occurred_at=self.now - timedelta(days=1))

	def test_incremental_scores_match_the_full_recompute(self):
		self.record_history(self.candidate)
		incremental = stored(self.candidate)
		scoring.recompute_all()
		recomputed = stored(self.candidate)
		self.assertAlmostEqual(incremental.engagement_score, recomputed.engagement_score, places=2)
		self.assertEqual(incremental.readiness_stage, recomputed.readiness_stage)
		expected = 1 * 0.5**3 + 3 * 0.5 + 8 * 0.5 ** (2 / 30) + 5 * 0.5 ** (1 / 30)
		self.assertAlmostEqual(recomputed.engagement_score, expected, places=2)

	def test_scores_of_many_chunks_match_the_full_recompute(self):
		"""The incremental path works out each chunk while the previous chunk's UPDATE runs: with
		chunks of two, five people's scores, stages and signal times equal the recompute's, and the
		connection is usable afterwards."""
		people = [make_candidate().name for _ in range(5)]
		with patch.object(scoring, "CHUNK", 2):
			for person in people:
				self.record_history(person)
			touchpoints.record_many(
				[{"candidate": p, "touchpoint_type": "Meeting", "occurred_at": self.now} for p in people]
			)
		fields = ["engagement_score", "readiness_stage", *rules.SIGNAL_COLUMNS.values()]
		incremental = {p: frappe.db.get_value("RC Candidate", p, fields, as_dict=True) for p in people}
		scoring.recompute(people)
		for person in people:
			again = frappe.db.get_value("RC Candidate", person, fields, as_dict=True)
			self.assertAlmostEqual(incremental[person].engagement_score, again.engagement_score, places=2)
			self.assertEqual(
				{k: v for k, v in incremental[person].items() if k != "engagement_score"},
				{k: v for k, v in again.items() if k != "engagement_score"},
			)

	def test_a_failed_chunk_leaves_the_connection_usable(self):
		"""A failure while a chunk's UPDATE is in flight still reads its reply before raising."""
		people = [make_candidate().name for _ in range(3)]
		rows = [(p, "Meeting", self.now, False) for p in people]
		stages = [scoring.ReadinessStage.WARM.value, RuntimeError("boom")]
		with (
			patch.object(scoring, "CHUNK", 1),
			patch.object(scoring.rules, "stage_of", side_effect=stages),
			self.assertRaises(RuntimeError),
		):
			scoring.apply_rows(rows, self.now)
		self.assertEqual(frappe.db.sql("select 1")[0][0], 1)

	def test_the_breakdown_explains_the_stored_score(self):
		self.record_history(self.candidate)
		explained = scoring.explain(self.candidate)
		self.assertAlmostEqual(
			sum(line["contribution"] for line in explained["lines"]), explained["score"], places=1
		)
		self.assertAlmostEqual(explained["score"], stored(self.candidate).engagement_score, places=1)
		self.assertEqual(explained["lines"][0]["touchpoint_type"], "Email Replied")
		self.assertIn("replied to an email", explained["signals"])

	def restore_weights(self, rows: list[dict]) -> None:
		settings = frappe.get_single("RC Settings")
		settings.set(
			"touchpoint_weights", [{"touchpoint_type": r.touchpoint_type, "weight": r.weight} for r in rows]
		)
		settings.save()

	def test_changing_a_weight_recomputes_everyone(self):
		touchpoints.record(self.candidate, "Email Opened")
		self.assertAlmostEqual(stored(self.candidate).engagement_score, 1.0, places=3)
		settings = frappe.get_single("RC Settings")
		original = [row.as_dict() for row in settings.touchpoint_weights]
		settings.append("touchpoint_weights", {"touchpoint_type": "Email Opened", "weight": 4})
		settings.save()
		self.addCleanup(self.restore_weights, original)
		scoring.recompute_all()  # what the queued job runs
		self.assertAlmostEqual(stored(self.candidate).engagement_score, 4.0, places=3)

	def test_stage_changes_are_recorded_with_their_reason(self):
		touchpoints.record(self.candidate, "Portal Visit")
		touchpoints.record(self.candidate, "Email Replied")
		# applied yesterday: 10 x 0.5^(1/30) brings 10 points to 19.8, short of hot (20): no change
		touchpoints.record(self.candidate, "Applied", occurred_at=self.now - timedelta(days=1))
		changes = frappe.get_all(
			"RC Readiness Change",
			filters={"candidate": self.candidate},
			fields=["from_stage", "to_stage", "reason"],
			order_by="changed_at asc, name asc",
		)
		self.assertEqual(
			[(c.from_stage or "Cold", c.to_stage) for c in changes], [("Cold", "Warm"), ("Warm", "Hot")]
		)
		self.assertIn("replied to an email", changes[-1].reason)

	def test_sql_decays_a_score_milliseconds_old_as_python_does(self):
		# A DECIMAL half-life would keep 9 decimals of the exponent: no decay under ~2.6 ms, and a
		# score one touchpoint short of a threshold would reach it in SQL but not in Python.
		stored_at = self.now
		frappe.db.set_value(
			"RC Candidate",
			self.candidate,
			{"engagement_score": 10, "engagement_updated_at": stored_at},
			update_modified=False,
		)
		for age in (timedelta(microseconds=1), timedelta(milliseconds=2), timedelta(days=45)):
			later = stored_at + age
			(sql_value,) = frappe.db.sql(
				f"select {scoring.score_sql('c', later)} from `tabRC Candidate` c where c.name = %s",
				self.candidate,
			)[0]
			python_value = rules.carry_forward(10.0, stored_at, later, scoring.get_settings().half_life_days)
			self.assertLess(sql_value, 10)
			self.assertAlmostEqual(sql_value, python_value, delta=1e-12)

	def test_a_rebuild_ignores_long_decayed_touchpoints(self):
		touchpoints.record(self.candidate, "Meeting", occurred_at=self.now - timedelta(days=400))
		touchpoints.record(self.candidate, "Email Replied", occurred_at=self.now - timedelta(days=200))
		scoring.recompute_all()
		self.assertEqual(stored(self.candidate).readiness_stage, "Cold")

	def test_the_nightly_refresh_lets_decay_and_the_signal_window_lower_the_stage(self):
		touchpoints.record(self.candidate, "Email Replied")  # 8 points and a reply: Hot
		touchpoints.record(self.candidate, "Call")
		self.assertEqual(stored(self.candidate).readiness_stage, "Hot")
		before = frappe.db.get_value(
			"RC Candidate", self.candidate, ["engagement_score", "engagement_updated_at"], as_dict=True
		)
		scoring.refresh_stages(self.now)
		self.assertEqual(stored(self.candidate).readiness_stage, "Hot")
		# Two half-lives on, 13 points are worth 3.25 and the reply has left the 30-day window.
		later = self.now + timedelta(days=60)
		scoring.refresh_stages(later)
		self.assertEqual(stored(self.candidate).readiness_stage, "Cold")
		after = frappe.db.get_value(
			"RC Candidate", self.candidate, ["engagement_score", "engagement_updated_at"], as_dict=True
		)
		self.assertEqual(after, before)  # the stored score is not rewritten; it decays on read
		change = frappe.get_all(
			"RC Readiness Change",
			filters={"candidate": self.candidate, "to_stage": "Cold"},
			fields=["from_stage", "engagement_score", "reason"],
		)
		self.assertEqual(len(change), 1)
		self.assertEqual(change[0].from_stage, "Hot")
		self.assertAlmostEqual(change[0].engagement_score, 13 * 0.25, places=1)
		self.assertIn("below warm", change[0].reason)

	def test_readers_see_the_score_decayed_to_today(self):
		touchpoints.record(self.candidate, "Applied")
		later = self.now + timedelta(days=30)
		in_sql = frappe.db.sql(
			f"select {scoring.score_sql('c', later)} from `tabRC Candidate` c where c.name = %s",
			self.candidate,
		)[0][0]
		self.assertAlmostEqual(float(in_sql), 5.0, places=2)  # 10 points, one half-life on
		row = stored(self.candidate)
		updated_at = frappe.db.get_value("RC Candidate", self.candidate, "engagement_updated_at")
		half_life = scoring.get_settings().half_life_days
		self.assertAlmostEqual(
			rules.carry_forward(row.engagement_score, updated_at, later, half_life), 5.0, places=2
		)

	def test_touchpoints_that_weigh_nothing_leave_the_candidate_row_alone(self):
		touchpoints.record(self.candidate, "Call", occurred_at=self.now - timedelta(days=1))
		before = frappe.db.get_value(
			"RC Candidate", self.candidate, ["engagement_score", "engagement_updated_at"], as_dict=True
		)
		touchpoints.record(self.candidate, "Email Sent")  # weight 0, no signal
		after = frappe.db.get_value(
			"RC Candidate", self.candidate, ["engagement_score", "engagement_updated_at"], as_dict=True
		)
		self.assertEqual(after, before)
		self.assertEqual(frappe.db.count("RC Touchpoint", {"candidate": self.candidate}), 2)

	def test_signal_times_kept_incrementally_equal_the_rebuild(self):
		self.record_history(self.candidate)
		touchpoints.record(self.candidate, "Email Clicked", job_opening=None)
		fields = list(rules.SIGNAL_COLUMNS.values())
		incremental = frappe.db.get_value("RC Candidate", self.candidate, fields, as_dict=True)
		self.assertIsNotNone(incremental.last_replied_at)
		self.assertIsNone(incremental.last_job_click_at)  # a click on no job is no job click
		scoring.recompute_all()
		self.assertEqual(
			frappe.db.get_value("RC Candidate", self.candidate, fields, as_dict=True), incremental
		)

	def test_the_sql_recompute_applies_the_same_stage_rules_as_the_domain(self):
		thresholds = scoring.get_settings().thresholds
		cases = {
			"Cold": [],
			"Warm": [("Portal Visit", 1)],
			"Hot": [("Email Replied", 1), ("Email Opened", 1)],
			"Ready": [("Applied", 1), ("Meeting", 2), ("Email Replied", 3)],
		}
		for expected, events in cases.items():
			candidate = make_candidate().name
			touchpoints.record_many(
				[
					{
						"candidate": candidate,
						"touchpoint_type": t,
						"occurred_at": self.now - timedelta(days=d),
					}
					for t, d in events
				]
			)
			scoring.recompute_all()
			row = stored(candidate)
			domain_stage, _ = rules.readiness(
				row.engagement_score, rules.signals_in([(t, self.now - timedelta(days=d), False) for t, d in events],
				self.now - timedelta(days=30)), thresholds,
			)  # fmt: skip
			self.assertEqual((row.readiness_stage, domain_stage), (expected, expected), events)

	def test_a_merged_candidate_is_rescored_over_both_histories(self):
		from recruit_crm.services.candidates.merge import merge_candidates

		duplicate = make_candidate().name
		touchpoints.record(self.candidate, "Call")
		touchpoints.record(duplicate, "Meeting")
		with patch("frappe.enqueue") as enqueue:
			merge_candidates(duplicate, self.candidate)
		queued = [
			c
			for c in enqueue.call_args_list
			if c.args[:1] == ("recruit_crm.tasks.engagement.recompute_scores",)
		]
		self.assertEqual(
			[c.kwargs["candidates"] for c in queued], [[self.candidate]], "the survivor is rescored"
		)
		scoring.recompute([self.candidate])  # what the queued job runs after commit
		self.assertAlmostEqual(stored(self.candidate).engagement_score, 5 + 8, places=2)
		self.assertEqual(frappe.db.count("RC Touchpoint", {"candidate": self.candidate}), 2)
