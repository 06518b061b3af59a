"""Hiring drive arithmetic and hiring event rules (no frappe)."""

import unittest
from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from recruit_crm.domain import drives
from recruit_crm.domain.drives import RegistrationStatus as S

NOW = datetime(2026, 12, 2, 12, 0)


class TestProgressAndCosts(unittest.TestCase):
	def test_progress_counts_towards_the_target_and_caps_the_bar(self):
		self.assertEqual(
			drives.progress(10, 4), drives.Progress(target=10, hires=4, remaining=6, percent=40.0)
		)
		over = drives.progress(3, 5)
		self.assertEqual((over.percent, over.remaining, over.hires), (100.0, 0, 5))

	def test_a_drive_without_target_shows_zero_percent(self):
		self.assertEqual(drives.progress(0, 2).percent, 0.0)
		self.assertEqual(drives.progress(None, None), drives.Progress(0, 0, 0, 0.0))

	def test_per_unit_has_no_value_without_a_denominator(self):
		self.assertEqual(drives.per_unit(1000, 8), 125.0)
		self.assertEqual(drives.per_unit(100, 3), 33.33)
		self.assertIsNone(drives.per_unit(1000, 0))
		self.assertEqual(drives.per_unit(0, 4), 0.0)

	def test_spend_is_summed_per_channel_whatever_the_case(self):
		lines = [("LinkedIn", 300), (" linkedin ", 200.5), ("Indeed", 100), (None, 50)]
		self.assertEqual(
			drives.spend_by_channel(lines), {"LinkedIn": 500.5, "Indeed": 100.0, "Unknown": 50.0}
		)


class TestSourceMixAndFunnel(unittest.TestCase):
	def test_source_label_prefers_the_tracked_link(self):
		self.assertEqual(drives.source_label("linkedin", "Campaign"), "linkedin")
		self.assertEqual(drives.source_label("  ", "Walk In"), "Walk In")
		self.assertEqual(drives.source_label(None, None), "Unknown")

	def test_source_mix_shares_and_channel_cost(self):
		rows = drives.source_mix({"linkedin": 6, "Walk In": 2, "indeed": 2}, {"LinkedIn": 300})
		self.assertEqual([r["source"] for r in rows], ["linkedin", "indeed", "Walk In"])
		self.assertEqual([r["share"] for r in rows], [60.0, 20.0, 20.0])
		self.assertEqual((rows[0]["spend"], rows[0]["per_applicant"]), (300.0, 50.0))
		self.assertIsNone(rows[1]["per_applicant"])

	def test_empty_mix(self):
		self.assertEqual(drives.source_mix({}), [])

	def test_funnel_follows_the_workflow_and_keeps_strays(self):
		states = [("Applied", "Applied"), ("Interview", "Interview"), ("Hired", "Hired")]
		rows = drives.funnel({"Applied": 5, "Hired": 1, "Legacy": 2}, states)
		self.assertEqual(
			[(r["state"], r["count"]) for r in rows],
			[("Applied", 5), ("Interview", 0), ("Hired", 1), ("Legacy", 2)],
		)

	@given(st.dictionaries(st.text(min_size=1, max_size=5), st.integers(0, 1000), max_size=8))
	def test_funnel_counts_every_application_once(self, counts):
		states = [("Applied", "Applied"), ("Hired", "Hired")]
		self.assertEqual(sum(r["count"] for r in drives.funnel(counts, states)), sum(counts.values()))

	@given(st.dictionaries(st.text(min_size=1, max_size=5), st.integers(1, 1000), min_size=1, max_size=8))
	def test_shares_add_up_to_about_100(self, counts):
		total = sum(r["share"] for r in drives.source_mix(counts))
		self.assertAlmostEqual(total, 100.0, delta=0.1 * len(counts))


class TestEventRules(unittest.TestCase):
	def test_sign_up_refusals(self):
		later = NOW + timedelta(days=3)
		self.assertIsNone(drives.sign_up_refusal(True, later, NOW, 0, 500))
		self.assertIsNone(drives.sign_up_refusal(True, later, NOW, 10, 9))
		self.assertEqual(drives.sign_up_refusal(True, later, NOW, 10, 10), "full")
		self.assertEqual(drives.sign_up_refusal(True, NOW, NOW, None, 0), "over")
		self.assertEqual(drives.sign_up_refusal(False, later, NOW, None, 0), "not-found")

	def test_places_left(self):
		self.assertIsNone(drives.places_left(None, 3))
		self.assertEqual(drives.places_left(5, 7), 0)
		self.assertEqual(drives.places_left(5, 2), 3)

	def test_only_confirmed_people_are_checked_in(self):
		self.assertTrue(drives.may_check_in(S.CONFIRMED.value))
		self.assertTrue(drives.may_check_in(S.ATTENDED.value))
		self.assertFalse(drives.may_check_in(S.REGISTERED.value))
		self.assertFalse(drives.may_check_in(S.CANCELLED.value))

	def test_attendance_split(self):
		rows = [
			(S.ATTENDED.value, "a"),
			(S.CONFIRMED.value, "b"),
			(S.NO_SHOW.value, "c"),
			(S.REGISTERED.value, "d"),
			(S.CANCELLED.value, "e"),
			(S.CONFIRMED.value, "a"),  # registered twice, came once: an attendee
			(S.ATTENDED.value, None),
		]
		self.assertEqual(drives.attendance_split(rows), (["a"], ["b", "c"]))

	def test_routes(self):
		self.assertEqual(drives.slug("  Career Fair: Zürich 2027! "), "career-fair-zurich-2027")
		self.assertEqual(drives.slug("<script>"), "script")
		self.assertTrue(drives.is_valid_route("open-day-1"))
		for bad in ("", None, "Open", "a--b", "-a", "a/b", "a" * 81, "a b"):
			self.assertFalse(drives.is_valid_route(bad), bad)

	@given(st.text(max_size=200))
	def test_a_slug_is_empty_or_a_valid_route(self, text):
		value = drives.slug(text)
		self.assertTrue(value == "" or drives.is_valid_route(value), value)


class TestCancellingAPlace(unittest.TestCase):
	def test_who_may_give_their_place_back(self):
		later, before = NOW + timedelta(days=1), NOW - timedelta(hours=1)
		C = drives.CancelOutcome
		self.assertEqual(drives.cancel_outcome(S.REGISTERED.value, later, NOW), C.CANCEL)
		self.assertEqual(drives.cancel_outcome(S.CONFIRMED.value, later, NOW), C.CANCEL)
		self.assertEqual(drives.cancel_outcome(S.CANCELLED.value, later, NOW), C.ALREADY)
		self.assertEqual(
			drives.cancel_outcome(S.CANCELLED.value, before, NOW), C.ALREADY, "the same answer, even later"
		)
		self.assertEqual(drives.cancel_outcome(S.CONFIRMED.value, before, NOW), C.TOO_LATE)
		self.assertEqual(drives.cancel_outcome(S.CONFIRMED.value, NOW, NOW), C.TOO_LATE)
		self.assertEqual(drives.cancel_outcome(S.ATTENDED.value, later, NOW), C.TOO_LATE)
		self.assertEqual(drives.cancel_outcome(S.NO_SHOW.value, later, NOW), C.TOO_LATE)

	def test_a_cancelled_place_is_free_again(self):
		self.assertNotIn(S.CANCELLED.value, drives.HOLDS_A_PLACE)
		self.assertEqual(drives.attendance_split([(S.CANCELLED.value, "a")]), ([], []))


class TestDriveLandingPage(unittest.TestCase):
	def test_only_published_drives_that_are_not_cancelled_are_public(self):
		self.assertTrue(drives.drive_is_public(1, "Active"))
		self.assertTrue(drives.drive_is_public(True, "Planned"))
		self.assertTrue(drives.drive_is_public(1, "Completed"))
		self.assertFalse(drives.drive_is_public(1, "Cancelled"))
		self.assertFalse(drives.drive_is_public(0, "Active"))
		self.assertFalse(drives.drive_is_public(None, None))

	def test_unique_route_adds_the_first_free_number(self):
		self.assertEqual(drives.unique_route("spring-drive", []), "spring-drive")
		self.assertEqual(drives.unique_route("spring-drive", ["spring-drive"]), "spring-drive-2")
		self.assertEqual(
			drives.unique_route("spring-drive", ["spring-drive", "spring-drive-2"]), "spring-drive-3"
		)
		long = "a" * drives.ROUTE_MAX
		self.assertEqual(drives.unique_route(long, [long]), "a" * (drives.ROUTE_MAX - 2) + "-2")

	@given(st.text(max_size=120), st.lists(st.text(max_size=90), max_size=5))
	def test_unique_routes_stay_valid_and_free(self, title, taken):
		base = drives.slug(title) or "drive"
		value = drives.unique_route(base, [*taken, base])
		self.assertTrue(drives.is_valid_route(value), value)
		self.assertNotIn(value, [*taken, base])
