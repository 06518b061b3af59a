"""Candidate identity, import preparation and merge rules (no frappe, no site)."""

import unittest

from hypothesis import given
from hypothesis import strategies as st

from recruit_crm.domain.candidates import (
	InvalidEmail,
	fill_blanks,
	guess_name_from_email,
	is_valid_email,
	merge_skill_rows,
	normalize_email,
	prepare_import,
	union_by_key,
)


class TestNormalizeEmail(unittest.TestCase):
	def test_case_and_surrounding_whitespace_are_folded(self):
		self.assertEqual(normalize_email("  Jane.Doe@Example.COM \t"), "jane.doe@example.com")

	def test_variants_of_one_address_share_one_identity(self):
		variants = ["jane@x.org", "JANE@X.ORG", " jane@x.org", "Jane@X.org\n"]
		self.assertEqual({normalize_email(v) for v in variants}, {"jane@x.org"})

	def test_rejects_what_is_not_an_address(self):
		for bad in [
			"",
			None,
			"   ",
			"jane",
			"jane@",
			"@x.org",
			"jane@x",
			"ja ne@x.org",
			"jane@@x.org",
			"jane..doe@x.org",
		]:
			with self.subTest(bad=bad), self.assertRaises(InvalidEmail):
				normalize_email(bad)

	def test_rejects_overlong_addresses(self):
		with self.assertRaises(InvalidEmail):
			normalize_email("a" * 140 + "@x.org")

	def test_accepts_plus_addressing_and_subdomains(self):
		self.assertTrue(is_valid_email("jane+jobs@mail.example.co.uk"))

	@given(st.emails())
	def test_normalising_twice_changes_nothing(self, email):
		if len(email) > 140 or not is_valid_email(email):
			return
		once = normalize_email(email)
		self.assertEqual(normalize_email(once), once)
		self.assertEqual(normalize_email(f"  {email.upper()} "), once)


class TestGuessName(unittest.TestCase):
	def test_dotted_local_part_becomes_a_name(self):
		self.assertEqual(guess_name_from_email("jane.doe@x.org"), "Jane Doe")

	def test_digits_are_dropped(self):
		self.assertEqual(guess_name_from_email("john_smith_1987@x.org"), "John Smith")


class TestFillBlanks(unittest.TestCase):
	def test_only_blank_fields_take_the_new_value(self):
		target = {"full_name": "Jane Doe", "phone": "", "location": None, "current_title": "Engineer"}
		source = {"full_name": "J. Doe", "phone": "+1 555", "location": "Paris", "current_title": "CTO"}
		self.assertEqual(fill_blanks(target, source), {"phone": "+1 555", "location": "Paris"})

	def test_blank_source_values_change_nothing(self):
		self.assertEqual(fill_blanks({"phone": ""}, {"phone": "  "}), {})


class TestMergeSkills(unittest.TestCase):
	def test_one_row_per_skill_keeping_the_stronger_claim(self):
		merged = merge_skill_rows(
			[{"skill": "Python", "proficiency": "Intermediate", "years": 5}],
			[
				{"skill": "python", "proficiency": "Expert", "years": 2},
				{"skill": "SQL", "proficiency": "Beginner", "years": 1},
			],
		)
		self.assertEqual(
			merged,
			[
				{"skill": "Python", "proficiency": "Expert", "years": 5.0},
				{"skill": "SQL", "proficiency": "Beginner", "years": 1},
			],
		)

	def test_union_by_key_ignores_case_and_known_rows(self):
		added = union_by_key(
			[{"email": "a@x.org"}],
			[{"email": "A@X.org"}, {"email": "b@x.org"}, {"email": "b@x.org"}],
			"email",
		)
		self.assertEqual(added, [{"email": "b@x.org"}])


class TestPrepareImport(unittest.TestCase):
	def test_bad_rows_are_reported_with_row_number_and_reason(self):
		result = prepare_import(
			[
				{"email": "good@x.org", "full_name": "Good"},
				{"email": "not-an-email", "full_name": "Bad"},
				{"email": "", "full_name": "Missing"},
				{"email": "exp@x.org", "total_experience_years": "ten"},
				{"email": "old@x.org", "total_experience_years": "120"},
			]
		)
		self.assertEqual([r["email"] for r in result.rows], ["good@x.org"])
		self.assertEqual([e.row_number for e in result.errors], [2, 3, 4, 5])
		self.assertIn("not a valid email", result.errors[0].reason)
		self.assertIn("Missing required value: email", result.errors[1].reason)
		self.assertIn("not a number", result.errors[2].reason)
		self.assertIn("outside 0-80", result.errors[3].reason)

	def test_rows_of_one_person_fold_into_the_first(self):
		result = prepare_import(
			[
				{
					"email": "Jane@X.org",
					"full_name": "Jane",
					"phone": "",
					"tags": "remote",
					"skills": [{"skill": "SQL", "proficiency": "Beginner"}],
				},
				{
					"email": " jane@x.org ",
					"full_name": "Janet",
					"phone": "+1 555",
					"tags": "senior, remote",
					"skills": [{"skill": "SQL", "proficiency": "Expert"}],
				},
			]
		)
		self.assertEqual(result.duplicates_in_file, 1)
		self.assertEqual(len(result.rows), 1)
		row = result.rows[0]
		self.assertEqual((row["email"], row["full_name"], row["phone"]), ("jane@x.org", "Jane", "+1 555"))
		self.assertEqual(row["tags"], ["remote", "senior"])
		self.assertEqual(row["skills"][0]["proficiency"], "Expert")

	def test_every_row_is_accounted_for(self):
		raw = [{"email": f"p{i % 7}@x.org"} for i in range(20)] + [{"email": "bad"}]
		result = prepare_import(raw)
		self.assertEqual(len(result.rows) + result.duplicates_in_file + len(result.errors), len(raw))

	def test_missing_name_is_guessed_from_email(self):
		result = prepare_import([{"email": "mary.major@x.org"}])
		self.assertEqual(result.rows[0]["full_name"], "Mary Major")


class TestTopSkills(unittest.TestCase):
	def test_strongest_first_then_years_then_name(self):
		from recruit_crm.domain.candidates import top_skills

		rows = [
			{"skill": "SQL", "proficiency": "Intermediate", "years": 9},
			{"skill": "Python", "proficiency": "Expert", "years": 2},
			{"skill": "Go", "proficiency": "Expert", "years": 5},
			{"skill": "Rust", "proficiency": "Beginner", "years": 1},
			{"skill": "", "proficiency": "Expert", "years": 30},
		]
		self.assertEqual(top_skills(rows), "Go, Python, SQL")
		self.assertEqual(top_skills([]), "")
