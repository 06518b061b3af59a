"""Time-ordered bulk names (no frappe)."""

import random
import unittest

from recruit_crm.domain.naming import sortable_names


class TestSortableNames(unittest.TestCase):
	def test_names_are_distinct_and_sorted_in_creation_order(self):
		names = sortable_names(5000, now_ms=1_764_000_000_000, rng=random.Random(1))
		self.assertEqual(len(set(names)), 5000)
		self.assertEqual(names, sorted(names))

	def test_later_calls_sort_after_earlier_ones(self):
		first = sortable_names(3, now_ms=1_764_000_000_000)
		second = sortable_names(3, now_ms=1_764_000_000_001)
		self.assertLess(first[-1], second[0])

	def test_names_are_short_and_opaque(self):
		name = sortable_names(1, now_ms=1_764_000_000_000)[0]
		self.assertEqual(len(name), 16)
		self.assertTrue(name.isalnum())
