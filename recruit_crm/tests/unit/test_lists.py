"""Lists from forms and API calls (no frappe)."""

import unittest

from recruit_crm.domain.lists import NotAList, as_list


class TestAsList(unittest.TestCase):
	def test_lists_json_arrays_and_single_values(self):
		self.assertEqual(as_list(["a", " b ", "", None]), ["a", "b"])
		self.assertEqual(as_list('["a", "b"]'), ["a", "b"])
		self.assertEqual(as_list("cand-1"), ["cand-1"])
		self.assertEqual(as_list(None), [])
		self.assertEqual(as_list("  "), [])

	def test_commas_split_only_when_asked(self):
		self.assertEqual(as_list("Python, SQL ,", split_commas=True), ["Python", "SQL"])
		self.assertEqual(as_list("Python, SQL"), ["Python, SQL"])

	def test_anything_else_is_refused(self):
		for junk in ({"a": 1}, 42, "[not json", [{"a": 1}], '{"a": 1}'):
			with self.subTest(junk=junk):
				if junk == '{"a": 1}':
					self.assertEqual(as_list(junk), ['{"a": 1}'], "text that is not an array is one value")
					continue
				with self.assertRaises(NotAList):
					as_list(junk)
