"""Engagement score arithmetic and readiness rules (no frappe, no site)."""

import math
import unittest
from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from recruit_crm.domain import scoring
from recruit_crm.domain.scoring import Thresholds
from recruit_crm.domain.types import ReadinessStage, TouchpointType

NOW = datetime(2026, 11, 25, 12, 0, 0)
ages = st.floats(min_value=0, max_value=3650 * 86400, allow_nan=False)
half_lives = st.floats(min_value=0.5, max_value=720, allow_nan=False)
weights = st.floats(min_value=-50, max_value=50, allow_nan=False)
types = st.sampled_from([t.value for t in TouchpointType])


class TestDecay(unittest.TestCase):
	def test_a_touchpoint_is_worth_half_after_one_half_life(self):
		self.assertAlmostEqual(scoring.contribution(8.0, NOW - timedelta(days=30), NOW, 30), 4.0)
		self.assertAlmostEqual(scoring.contribution(8.0, NOW - timedelta(days=60), NOW, 30), 2.0)

	def test_today_counts_in_full_and_future_events_do_not_grow(self):
		self.assertEqual(scoring.contribution(5.0, NOW, NOW, 30), 5.0)
		self.assertEqual(scoring.contribution(5.0, NOW + timedelta(days=3), NOW, 30), 5.0)

	def test_zero_half_life_means_no_decay(self):
		self.assertEqual(scoring.decay_factor(10 * 365 * 86400, 0), 1.0)

	@given(ages, half_lives)
	def test_decay_stays_between_zero_and_one(self, age, half_life):
		factor = scoring.decay_factor(age, half_life)
		self.assertGreaterEqual(factor, 0.0)
		self.assertLessEqual(factor, 1.0)

	@given(ages, ages, half_lives)
	def test_older_touchpoints_never_count_more(self, a, b, half_life):
		younger, older = sorted((a, b))
		self.assertGreaterEqual(
			scoring.decay_factor(younger, half_life), scoring.decay_factor(older, half_life)
		)

	@given(ages, ages, half_lives)
	def test_decay_over_two_spans_is_the_product_of_each(self, a, b, half_life):
		self.assertTrue(
			math.isclose(
				scoring.decay_factor(a + b, half_life),
				scoring.decay_factor(a, half_life) * scoring.decay_factor(b, half_life),
				rel_tol=1e-9,
				abs_tol=1e-300,
			)
		)

	@given(
		st.lists(st.tuples(types, st.integers(min_value=0, max_value=400 * 86400)), max_size=40),
		st.integers(min_value=1, max_value=400 * 86400),
		half_lives,
	)
	@settings(max_examples=200)
	def test_carrying_a_score_forward_equals_recomputing_it(self, events, later, half_life):
		"""Incremental updates (decay the stored score, add the new rows) match a full recompute."""
		w = scoring.DEFAULT_WEIGHTS
		start = NOW - timedelta(days=800)
		first = [(t, start + timedelta(seconds=s)) for t, s in events[: len(events) // 2]]
		second = [(t, start + timedelta(seconds=s)) for t, s in events[len(events) // 2 :]]
		t1 = start + timedelta(seconds=400 * 86400)
		t2 = t1 + timedelta(seconds=later)
		stored = scoring.score(first, w, t1, half_life)
		incremental = scoring.carry_forward(
			stored, t1, t2, half_life, scoring.score(second, w, t2, half_life)
		)
		full = scoring.score(first + second, w, t2, half_life)
		self.assertTrue(math.isclose(incremental, full, rel_tol=1e-9, abs_tol=1e-9), (incremental, full))

	@given(
		st.lists(st.tuples(types, st.integers(min_value=0, max_value=800 * 86400)), max_size=30), half_lives
	)
	def test_breakdown_adds_up_to_the_score(self, events, half_life):
		rows = [(t, NOW - timedelta(seconds=s)) for t, s in events]
		lines = scoring.breakdown(rows, scoring.DEFAULT_WEIGHTS, NOW, half_life)
		self.assertTrue(
			math.isclose(
				sum(line.contribution for line in lines),
				scoring.score(rows, scoring.DEFAULT_WEIGHTS, NOW, half_life),
				rel_tol=1e-9,
				abs_tol=1e-9,
			)
		)
		self.assertEqual(sum(line.count for line in lines), len(rows))

	@given(weights, ages, half_lives)
	def test_a_score_carried_forward_from_nothing_is_just_what_was_added(self, added, _age, half_life):
		self.assertEqual(scoring.carry_forward(123.0, None, NOW, half_life, added), added)


class TestWeights(unittest.TestCase):
	def test_every_touchpoint_type_has_a_default_weight(self):
		self.assertEqual(set(scoring.DEFAULT_WEIGHTS), {t.value for t in TouchpointType})

	def test_admin_overrides_apply_and_unknown_types_are_ignored(self):
		w = scoring.effective_weights({"Email Opened": 2.5, "Carrier Pigeon": 99})
		self.assertEqual(w["Email Opened"], 2.5)
		self.assertNotIn("Carrier Pigeon", w)
		self.assertEqual(w["Applied"], scoring.DEFAULT_WEIGHTS["Applied"])


class TestReadiness(unittest.TestCase):
	t = Thresholds(warm=5, hot=20, ready=40)

	def test_no_score_and_no_signal_is_cold(self):
		self.assertEqual(scoring.readiness(0, (), self.t)[0], ReadinessStage.COLD.value)

	def test_a_recent_careers_visit_alone_makes_someone_warm(self):
		self.assertEqual(
			scoring.readiness(1, {scoring.VISITED_CAREERS}, self.t)[0], ReadinessStage.WARM.value
		)

	def test_warm_score_plus_a_job_click_is_hot(self):
		stage, reason = scoring.readiness(6, {scoring.CLICKED_JOB}, self.t)
		self.assertEqual(stage, ReadinessStage.HOT.value)
		self.assertIn("clicked a job", reason)

	def test_hot_score_needs_a_reply_or_application_to_be_ready(self):
		self.assertEqual(scoring.readiness(25, set(), self.t)[0], ReadinessStage.HOT.value)
		self.assertEqual(scoring.readiness(25, {scoring.REPLIED}, self.t)[0], ReadinessStage.READY.value)

	def test_a_very_high_score_is_ready_on_its_own(self):
		self.assertEqual(scoring.readiness(40, set(), self.t)[0], ReadinessStage.READY.value)

	@given(
		st.floats(min_value=-100, max_value=1000, allow_nan=False),
		st.sets(st.sampled_from(list(scoring.SIGNAL_LABELS))),
	)
	def test_more_score_never_lowers_the_stage(self, value, signals):
		order = [s.value for s in ReadinessStage]
		lower = order.index(scoring.readiness(value, signals, self.t)[0])
		higher = order.index(scoring.readiness(value + 10, signals, self.t)[0])
		self.assertGreaterEqual(higher, lower)

	def test_the_stage_and_its_reason_say_the_same_thing_at_a_threshold(self):
		# 4.9996 is shown as 5.0: it is warm, and the reason says it reached warm 5.
		stage, reason = scoring.readiness(4.9996, set(), self.t)
		self.assertEqual(stage, ReadinessStage.WARM.value)
		self.assertEqual(reason, "score 5.0 >= warm 5")
		stage, reason = scoring.readiness(4.94, set(), self.t)
		self.assertEqual(
			(stage, reason), (ReadinessStage.COLD.value, "score 4.9 below warm 5, no recent signals")
		)

	@given(
		st.floats(min_value=0, max_value=200, allow_nan=False),
		st.sets(st.sampled_from(list(scoring.SIGNAL_LABELS))),
	)
	def test_a_reason_never_contradicts_its_stage(self, value, signals):
		stage, reason = scoring.readiness(value, signals, self.t)
		shown = float(reason.split()[1]) if reason.startswith("score ") else None
		if shown is not None:
			self.assertEqual(shown, scoring.shown_score(value))
			if "below warm" in reason:
				self.assertLess(shown, self.t.warm)
			for name in ("warm", "hot", "ready"):
				if f">= {name} " in reason:
					self.assertGreaterEqual(shown, getattr(self.t, name))
		self.assertEqual(stage, scoring.stage_of(value, frozenset(signals), self.t))

	def test_shown_score_rounds_half_up_like_sql(self):
		self.assertEqual(
			[scoring.shown_score(v) for v in (4.95, 4.949999, 0.05, 19.999)], [5.0, 4.9, 0.1, 20.0]
		)
		self.assertEqual(scoring.shown_score_sql("c.x"), "(floor((c.x) * 10 + 0.5) / 10)")

	def test_signals_only_count_inside_the_window(self):
		since = NOW - timedelta(days=30)
		rows = [
			("Email Replied", NOW - timedelta(days=40), False),
			("Email Clicked", NOW - timedelta(days=1), False),
			("Email Clicked", NOW - timedelta(days=2), True),
			("Portal Visit", NOW, False),
		]
		self.assertEqual(scoring.signals_in(rows, since), {scoring.CLICKED_JOB, scoring.VISITED_CAREERS})


signal_rows = st.lists(
	st.tuples(types, st.integers(min_value=0, max_value=400), st.booleans()).map(
		lambda r: (r[0], NOW - timedelta(days=r[1]), r[2])
	),
	max_size=25,
)


class TestSignalTimes(unittest.TestCase):
	"""The latest time of each signal is what the candidate row keeps instead of re-reading touchpoints."""

	def test_each_touchpoint_shows_the_signals_of_its_rules(self):
		self.assertEqual(scoring.signals_of("Email Replied", False), (scoring.REPLIED,))
		self.assertEqual(scoring.signals_of("Email Clicked", False), ())
		self.assertEqual(scoring.signals_of("Email Clicked", True), (scoring.CLICKED_JOB,))
		self.assertEqual(scoring.signals_of("Email Opened", True), ())

	def test_every_signal_has_a_candidate_column(self):
		self.assertEqual(set(scoring.SIGNAL_COLUMNS), {rule.signal for rule in scoring.SIGNAL_RULES})

	def test_a_known_later_time_is_never_moved_back(self):
		known = {scoring.REPLIED: NOW, scoring.APPLIED: None}
		latest = scoring.latest_signal_times([("Email Replied", NOW - timedelta(days=3), False)], known)
		self.assertEqual(latest, {scoring.REPLIED: NOW})

	@settings(max_examples=200, deadline=None)
	@given(signal_rows, signal_rows, st.integers(min_value=1, max_value=365))
	def test_folding_batches_into_kept_times_equals_reading_every_touchpoint(self, first, second, window):
		since = NOW - timedelta(days=window)
		kept = scoring.latest_signal_times(first)
		folded = scoring.latest_signal_times(second, kept)
		self.assertEqual(folded, scoring.latest_signal_times(first + second))
		self.assertEqual(scoring.signals_since(folded, since), scoring.signals_in(first + second, since))


class TestDecayedScoreSql(unittest.TestCase):
	def test_the_stored_score_is_decayed_by_its_age_at_the_given_moment(self):
		sql = scoring.decayed_score_sql("c", "%(now)s", 30)
		self.assertEqual(
			sql,
			"(c.`engagement_score` * pow(0.5, greatest(0, coalesce(timestampdiff(microsecond, "
			"c.`engagement_updated_at`, %(now)s), 0)) / 2592000000000.0e0))",
		)

	def test_the_half_life_is_a_double_literal_at_full_precision(self):
		for days in (30, 0.5, 1 / 3, 365.25, 1e9):
			literal = scoring.half_life_microseconds_sql(days)
			self.assertIn("e", literal)  # with an exponent SQL reads a DOUBLE, not a DECIMAL
			self.assertEqual(float(literal), days * scoring.SECONDS_PER_DAY * 1e6)

	def test_no_half_life_reads_the_stored_score_as_it_is(self):
		self.assertEqual(scoring.decayed_score_sql("c", "%(now)s", 0), "c.`engagement_score`")


class TestStageOf(unittest.TestCase):
	@settings(max_examples=300, deadline=None)
	@given(
		st.floats(min_value=-100, max_value=100, allow_nan=False),
		st.sets(
			st.sampled_from([scoring.REPLIED, scoring.CLICKED_JOB, scoring.VISITED_CAREERS, scoring.APPLIED])
		),
	)
	def test_the_stage_alone_is_the_stage_readiness_explains(self, value, signals):
		thresholds = Thresholds()
		self.assertEqual(
			scoring.stage_of(value, signals, thresholds), scoring.readiness(value, signals, thresholds)[0]
		)
