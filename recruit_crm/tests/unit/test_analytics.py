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


class TestMiddleValues(unittest.TestCase):
	def test_odd_even_and_empty(self):
		counts = [(0, 2), (3, 1), (4, 2)]  # e.g. values 1, 2 | 31 | 40, 41 in buckets of ten
		self.assertEqual(a.middle_values(counts), a.MiddleValues(3, 3, 0, 1), "the 3rd of 5: bucket 3")
		self.assertEqual(
			a.middle_values([(0, 2), (3, 2)]), a.MiddleValues(0, 3, 1, 2), "the 2nd and 3rd of 4"
		)
		self.assertIsNone(a.middle_values([]))
		self.assertIsNone(a.middle_values([(1, 0)]))

	@given(st.lists(st.integers(-500, 5000), min_size=1), st.integers(1, 100))
	def test_the_values_it_points_at_give_the_median(self, values, width):
		"""Counted per DIV bucket as the funnel counts stays, then read back between the bounds."""
		ordered = sorted(values)
		counts: dict[int, int] = {}
		for v in ordered:
			counts[a.div_bucket(v, width)] = counts.get(a.div_bucket(v, width), 0) + 1
		m = a.middle_values(sorted(counts.items()))
		assert m is not None
		low, high = a.div_bucket_bounds(m.first_bucket, m.last_bucket, width)
		window = [v for v in ordered if low <= v < high]
		self.assertEqual(a.median(window[m.skip : m.skip + m.take]), a.median(values))

	@given(st.integers(-10_000, 10_000), st.integers(1, 100))
	def test_div_buckets_match_sql_and_their_bounds(self, value, width):
		bucket = a.div_bucket(value, width)
		self.assertEqual(bucket, int(value / width), "MariaDB's DIV truncates toward zero")
		low, high = a.div_bucket_bounds(bucket, bucket, width)
		self.assertTrue(low <= value < high)
		self.assertEqual(a.div_bucket(low, width), bucket)
		self.assertEqual(a.div_bucket(high - 1, width), bucket)
		self.assertNotEqual(a.div_bucket(low - 1, width), bucket)
		self.assertNotEqual(a.div_bucket(high, width), bucket)


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
