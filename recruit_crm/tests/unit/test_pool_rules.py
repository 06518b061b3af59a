"""Smart pool rules compile to parameterised SQL; bad rules are rejected with a clear reason."""

import re
import unittest
from datetime import datetime

from hypothesis import given
from hypothesis import strategies as st

from recruit_crm.domain import scoring
from recruit_crm.domain.pool_rules import FIELDS, RuleError, compile_rules, field_catalog
from recruit_crm.domain.rule_words import describe_rules

NOW = datetime(2026, 11, 25, 12, 0, 0)


def rules(*conditions, match="all"):
	return {"match": match, "conditions": list(conditions)}


def cond(field, operator, value=None):
	return {"field": field, "operator": operator, "value": value}


class TestCompilation(unittest.TestCase):
	def test_simple_condition_binds_value_as_parameter(self):
		compiled = compile_rules(rules(cond("country", "=", "Germany")), NOW)
		self.assertEqual(compiled.sql, "((c.`country` in (%(p0)s)))")
		self.assertEqual(compiled.params, {"p0": "Germany"})

	def test_all_and_any_groups_nest(self):
		compiled = compile_rules(
			rules(
				cond("crm_stage", "in", ["Applied", "Engaged"]),
				rules(cond("engagement_score", ">=", 20), cond("has_pool_consent", "=", True), match="any"),
			),
			NOW,
		)
		self.assertIn(" and ", compiled.sql)
		self.assertIn(" or ", compiled.sql)
		self.assertEqual(compiled.params, {"p0": "Applied", "p1": "Engaged", "p2": 20, "p3": 1})

	def test_engagement_score_is_compared_at_its_value_now(self):
		compiled = compile_rules(rules(cond("engagement_score", "between", [5, 20])), NOW, 30)
		self.assertTrue(compiled.is_time_relative)
		decayed = scoring.decayed_score_sql("c", "%(p0)s", 30)
		self.assertEqual(compiled.sql, f"(({decayed} between %(p1)s and %(p2)s))")
		self.assertEqual(compiled.params, {"p0": NOW, "p1": 5, "p2": 20})

	def test_without_a_half_life_the_stored_score_is_compared(self):
		compiled = compile_rules(rules(cond("engagement_score", ">=", 20)), NOW)
		self.assertFalse(compiled.is_time_relative)
		self.assertEqual(compiled.sql, "((c.`engagement_score` >= %(p0)s))")

	def test_skill_with_minimum_proficiency_and_years(self):
		compiled = compile_rules(
			rules(cond("skill", "has", {"skill": "Python", "min_proficiency": "Advanced", "min_years": 3})),
			NOW,
		)
		self.assertIn("`tabRC Candidate Skill`", compiled.sql)
		self.assertEqual(list(compiled.params.values()), ["Python", "Advanced", "Expert", 3])

	def test_education_at_least_expands_to_higher_levels(self):
		compiled = compile_rules(rules(cond("education_level", ">=", "Master")), NOW)
		self.assertEqual(list(compiled.params.values()), ["Master", "Doctorate"])

	def test_last_days_uses_the_given_clock_and_marks_rule_time_relative(self):
		compiled = compile_rules(rules(cond("last_activity_at", "in the last days", 30)), NOW)
		self.assertTrue(compiled.is_time_relative)
		self.assertEqual(compiled.params["p0"], datetime(2026, 10, 26, 12, 0, 0))

	def test_history_fields_read_applications_and_interviews(self):
		compiled = compile_rules(
			rules(
				cond("applied_for_designation", "in", ["Accountant"]),
				cond("interviewed_for_designation", "=", "Accountant"),
				cond("last_application_status", "=", "Rejected"),
			),
			NOW,
		)
		self.assertIn("`tabJob Applicant`", compiled.sql)
		self.assertIn("`tabInterview`", compiled.sql)
		self.assertFalse(compiled.is_time_relative)

	def test_negative_operators_keep_people_with_blank_values(self):
		compiled = compile_rules(rules(cond("country", "not in", ["India"])), NOW)
		self.assertIn("is null or", compiled.sql)

	def test_like_escapes_wildcards_in_the_parameter(self):
		compiled = compile_rules(rules(cond("location", "like", "50%_off")), NOW)
		self.assertEqual(compiled.params["p0"], "%50\\%\\_off%")

	def test_empty_sub_group_is_ignored(self):
		compiled = compile_rules(rules(cond("do_not_contact", "=", 0), rules(match="any")), NOW)
		self.assertEqual(compiled.params, {"p0": 0})

	def test_catalog_lists_every_field_with_operators(self):
		catalog = field_catalog()
		self.assertEqual({f["name"] for f in catalog}, set(FIELDS))
		self.assertTrue(all(f["operators"] for f in catalog))


class TestRulesInWords(unittest.TestCase):
	"""`describe_rules` is what a recruiter reads under "Rules in Words" on pools and campaigns."""

	def test_conditions_read_as_one_sentence_about_candidates(self):
		text = describe_rules(rules(cond("country", "=", "Kenya"), cond("engagement_score", ">", 5)))
		self.assertEqual(text, "Candidates whose country is Kenya and whose engagement score is above 5")

	def test_three_conditions_are_listed_with_commas(self):
		text = describe_rules(
			rules(
				cond("crm_stage", "in", ["Engaged", "Applied"]),
				cond("total_experience_years", ">=", 3),
				cond("tag", "has", "Relocating"),
				match="any",
			)
		)
		self.assertEqual(
			text,
			"Candidates whose CRM stage is Engaged or Applied, whose experience is at least 3 years "
			"or who are tagged \u201cRelocating\u201d",
		)

	def test_a_skill_reads_with_its_level_and_years(self):
		text = describe_rules(
			rules(cond("skill", "has", {"skill": "Python", "min_proficiency": "Advanced", "min_years": 1.0}))
		)
		self.assertEqual(
			text, "Candidates who have the skill Python at Advanced level or above with at least 1 year"
		)
		self.assertEqual(
			describe_rules(rules(cond("skill", "has not", {"skill": "COBOL"}))),
			"Candidates who do not have the skill COBOL",
		)

	def test_a_nested_group_reads_as_either_or(self):
		text = describe_rules(
			rules(
				cond("skill", "has", {"skill": "Go"}),
				rules(cond("country", "=", "Germany"), cond("engagement_score", ">=", 20), match="any"),
			)
		)
		self.assertEqual(
			text,
			"Candidates who have the skill Go and either whose country is Germany "
			"or whose engagement score is at least 20",
		)

	def test_yes_no_fields_say_what_the_person_has_or_is(self):
		self.assertEqual(
			describe_rules(rules(cond("has_marketing_consent", "=", 1), cond("do_not_contact", "=", 0))),
			"Candidates who have marketing consent and who are not marked Do Not Contact",
		)

	def test_dates_and_day_windows_read_as_time(self):
		self.assertEqual(
			describe_rules(rules(cond("last_activity_at", "not in the last days", 30))),
			"Candidates whose last activity was not in the last 30 days (or never)",
		)
		self.assertEqual(
			describe_rules(rules(cond("last_activity_at", "before", "2026-03-01"))),
			"Candidates whose last activity was before 1 March 2026",
		)

	def test_negative_lists_and_ranges(self):
		self.assertEqual(
			describe_rules(rules(cond("country", "not in", ["India", "Peru"]))),
			"Candidates whose country is neither India nor Peru",
		)
		self.assertEqual(
			describe_rules(rules(cond("engagement_score", "between", [10, 40.5]))),
			"Candidates whose engagement score is between 10 and 40.5",
		)
		self.assertEqual(
			describe_rules(rules(cond("education_level", ">=", "Master"))),
			"Candidates whose education level is Master or higher",
		)

	def test_history_reads_as_what_happened(self):
		self.assertEqual(
			describe_rules(
				rules(
					cond("applied_for_designation", "in", ["Accountant", "Auditor"]),
					cond("interviewed_for_designation", "not in", ["Clerk"]),
				)
			),
			"Candidates who applied for a role as Accountant or Auditor and who were never interviewed "
			"for a role as Clerk",
		)

	def test_text_values_are_quoted_and_like_reads_as_contains(self):
		self.assertEqual(
			describe_rules(rules(cond("current_title", "like", "engineer"))),
			"Candidates whose current title contains \u201cengineer\u201d",
		)

	def test_a_condition_without_a_value_yet_does_not_fail(self):
		self.assertEqual(
			describe_rules(rules(cond("skill", "has", {"skill": ""}), cond("country", "=", ""))),
			"Candidates who have the skill \u2026 and whose country is \u2026",
		)

	def test_nothing_to_describe_is_empty(self):
		self.assertEqual(describe_rules(rules()), "")
		self.assertEqual(describe_rules([["email", "like", "%x%"]]), "")


class TestBadRules(unittest.TestCase):
	def assertRejected(self, ruleset, *fragments):
		with self.assertRaises(RuleError) as ctx:
			compile_rules(ruleset, NOW)
		for fragment in fragments:
			self.assertIn(fragment, str(ctx.exception))

	def test_unknown_field_is_named(self):
		self.assertRejected(rules(cond("salary", "=", 1)), "unknown field 'salary'", "condition 1")

	def test_wrong_operator_is_named_with_the_allowed_ones(self):
		self.assertRejected(rules(cond("country", ">", "India")), "operator '>'", "Country", "Use one of")

	def test_wrong_value_type_is_named(self):
		self.assertRejected(rules(cond("engagement_score", ">=", "lots")), "expected a number", "'lots'")
		self.assertRejected(rules(cond("engagement_score", ">=", True)), "expected a number")
		self.assertRejected(rules(cond("has_pool_consent", "=", "maybe")), "expected yes/no")
		self.assertRejected(rules(cond("last_activity_at", "before", "yesterday")), "YYYY-MM-DD")
		self.assertRejected(rules(cond("crm_stage", "in", [])), "non-empty list")

	def test_option_outside_the_select_is_rejected(self):
		self.assertRejected(rules(cond("crm_stage", "=", "Boss")), "'Boss' is not one of")

	def test_reversed_between_is_rejected(self):
		self.assertRejected(rules(cond("total_experience_years", "between", [10, 2])), "reversed")

	def test_position_of_a_nested_error_is_reported(self):
		self.assertRejected(
			rules(cond("country", "=", "India"), rules(cond("country", "=", "X"), cond("nope", "=", 1))),
			"group 2 > condition 2",
		)

	def test_empty_rules_are_rejected(self):
		self.assertRejected(rules(), "at least one condition")
		self.assertRejected("country = 'x'", "group object")

	def test_bad_match_and_extra_keys_are_rejected(self):
		self.assertRejected({"match": "xor", "conditions": []}, "'match'")
		self.assertRejected(
			rules({"field": "country", "operator": "=", "value": "x", "sql": "1"}), "unexpected key"
		)

	def test_depth_is_bounded(self):
		deep = rules(cond("country", "=", "x"))
		for _ in range(4):
			deep = rules(deep)
		self.assertRejected(deep, "nested at most")

	def test_tag_with_comma_is_rejected(self):
		self.assertRejected(rules(cond("tag", "has", "a,b")), "comma")


INJECTIONS = (
	"x' or '1'='1",
	"'; drop table `tabRC Candidate`; --",
	"India) or (1=1",
	"%(p9)s",
	"\\' union select password from __Auth --",
	"`name`",
)


class TestInjection(unittest.TestCase):
	def test_injection_strings_never_reach_the_sql_text(self):
		for payload in INJECTIONS:
			for ruleset in (
				rules(cond("country", "=", payload)),
				rules(cond("location", "like", payload)),
				rules(cond("skill", "has", {"skill": payload})),
				rules(cond("applied_for_designation", "in", [payload])),
				rules(cond("tag", "has", payload.replace(",", ""))),
			):
				with self.subTest(payload=payload, rules=ruleset):
					compiled = compile_rules(ruleset, NOW)
					self.assertNotIn(payload, compiled.sql)
					bound = [str(v).replace("\\", "") for v in compiled.params.values()]
					self.assertTrue(
						any(payload.replace(",", "").replace("\\", "") in v for v in bound), bound
					)

	def test_injection_in_field_or_operator_is_an_error_not_sql(self):
		with self.assertRaises(RuleError):
			compile_rules(rules(cond("country`; drop table x; --", "=", "a")), NOW)
		with self.assertRaises(RuleError):
			compile_rules(rules(cond("country", "= 1 or 1 =", "a")), NOW)

	@given(st.text(min_size=1, max_size=60).filter(lambda s: s.strip()))
	def test_any_text_value_is_a_parameter(self, text):
		compiled = compile_rules(rules(cond("current_title", "=", text)), NOW)
		self.assertEqual(compiled.params, {"p0": text.strip()})
		# the SQL text is made only of our own fixed vocabulary and placeholders
		self.assertRegex(compiled.sql, re.compile(r"^[\w\s().`%=,']+$"))
