"""The arithmetic of the recruiter home and reports: medians, rates, the funnel's conversion and
drop-off, quarters and report periods. No frappe, no site."""

import unittest
from datetime import date, datetime

from hypothesis import given
from hypothesis import strategies as st

from recruit_crm.domain import analytics as a


class TestMedian(unittest.TestCase):
	def test_odd_even_and_empty(self):
		self.assertEqual(a.median([3, 1, 2]), 2)
		self.assertEqual(a.median([4, 1, 3, 2]), 2.5)
		self.assertIsNone(a.median([]))
		self.assertEqual(a.median([None, 5, None]), 5)

	@given(st.lists(st.integers(-1000, 1000), min_size=1))
	def test_half_the_values_lie_on_each_side(self, values):
		m = a.median(values)
		self.assertGreaterEqual(sum(v <= m for v in values) * 2, len(values))
		self.assertGreaterEqual(sum(v >= m for v in values) * 2, len(values))


class TestRates(unittest.TestCase):
	def test_rate_and_share(self):
		self.assertEqual(a.rate(1, 3), 33.3)
		self.assertIsNone(a.rate(0, 0), "an empty stage has no conversion")
		self.assertEqual(a.share(0, 0), 0.0)
		self.assertEqual(a.share(2, 4), 50.0)

	def test_days_between(self):
		self.assertEqual(a.days_between(datetime(2026, 1, 1), datetime(2026, 1, 2, 12)), 1.5)
		self.assertEqual(a.days_between(date(2026, 1, 1), datetime(2026, 1, 3)), 2.0)
		self.assertIsNone(a.days_between(None, date(2026, 1, 1)))


class TestFunnel(unittest.TestCase):
	def test_conversion_and_drop_off_along_the_states(self):
		steps = a.funnel(
			["Applied", "Screening", "Hired"], {"Applied": 10, "Screening": 4, "Hired": 1}, {"Applied": 2.0}
		)
		self.assertEqual([s.entries for s in steps], [10, 4, 1])
		self.assertEqual([s.conversion for s in steps], [40.0, 25.0, None])
		self.assertEqual([s.drop_off for s in steps], [6, 3, 0])
		self.assertEqual(steps[0].median_days, 2.0)
		self.assertIsNone(steps[1].median_days)

	def test_a_skipped_state_never_gives_negative_drop_off(self):
		steps = a.funnel(["Applied", "Screening", "Offer"], {"Applied": 3, "Screening": 0, "Offer": 2})
		self.assertEqual(steps[1].drop_off, 0)
		self.assertIsNone(steps[1].conversion)


class TestPeriods(unittest.TestCase):
	def test_quarter_bounds(self):
		self.assertEqual(a.quarter_bounds(date(2026, 2, 15)), (date(2026, 1, 1), date(2026, 4, 1)))
		self.assertEqual(a.quarter_bounds(date(2026, 12, 31)), (date(2026, 10, 1), date(2027, 1, 1)))

	def test_period_bounds_default_and_inclusive_to(self):
		self.assertEqual(
			a.period_bounds(None, None, date(2026, 3, 31), 30), (date(2026, 3, 1), date(2026, 4, 1))
		)
		with self.assertRaises(ValueError):
			a.period_bounds(date(2026, 2, 1), date(2026, 1, 1), date(2026, 3, 1))

	def test_progress_label(self):
		self.assertEqual(a.progress_label(4, 10), "4 of 10")
		self.assertEqual(a.progress_label(4, 0), "4")
