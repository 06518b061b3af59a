"""Ranking people against an opening: the order is explained, and the explanation is right."""

import unittest

from hypothesis import given
from hypothesis import strategies as st

from recruit_crm.domain.rediscovery import (
	CandidateFacts,
	OpeningProfile,
	SkillFact,
	rank,
	score_candidate,
	shortlist_weights,
)

OPENING = OpeningProfile(
	name="HR-OPN-1",
	designation="Data Analyst",
	required_skills=("SQL", "Python", "Statistics"),
	min_experience_years=3,
	max_experience_years=8,
	location="Berlin",
	country="Germany",
)


def person(name="c1", **values):
	return CandidateFacts(name=name, full_name=name.upper(), **values)


def skills(*pairs):
	return tuple(SkillFact(skill=s, proficiency=p, years=2) for s, p in pairs)


class TestExplanation(unittest.TestCase):
	def test_matched_and_missing_skills_are_listed(self):
		result = score_candidate(OPENING, person(skills=skills(("SQL", "Expert"), ("Excel", "Advanced"))))
		self.assertEqual(result.explanation.skills_matched, ["SQL (Expert, 2 y)"])
		self.assertEqual(result.explanation.skills_missing, ["Python", "Statistics"])

	def test_skill_names_match_case_insensitively(self):
		result = score_candidate(OPENING, person(skills=skills(("sql", "Expert"))))
		self.assertEqual(result.explanation.skills_missing, ["Python", "Statistics"])

	def test_experience_within_range(self):
		result = score_candidate(OPENING, person(total_experience_years=5))
		self.assertEqual(result.explanation.experience_fit, "5 years: within 3-8 years.")
		self.assertEqual(result.explanation.components["experience"], 1.0)

	def test_experience_below_minimum_says_by_how_much(self):
		result = score_candidate(OPENING, person(total_experience_years=1.5))
		self.assertIn("1.5 below the minimum", result.explanation.experience_fit)
		self.assertAlmostEqual(result.explanation.components["experience"], 0.5)

	def test_over_qualified_keeps_at_least_half_credit(self):
		result = score_candidate(OPENING, person(total_experience_years=30))
		self.assertIn("above the range", result.explanation.experience_fit)
		self.assertEqual(result.explanation.components["experience"], 0.5)

	def test_unknown_experience_scores_zero_and_says_so(self):
		result = score_candidate(OPENING, person())
		self.assertIn("unknown", result.explanation.experience_fit)

	def test_designation_history_outranks_title(self):
		interviewed = score_candidate(OPENING, person(designations_interviewed=frozenset({"Data Analyst"})))
		applied = score_candidate(OPENING, person(designations_applied=frozenset({"Data Analyst"})))
		titled = score_candidate(OPENING, person(current_title="data analyst"))
		self.assertGreater(interviewed.score, applied.score)
		self.assertGreater(applied.score, titled.score)
		self.assertEqual(interviewed.explanation.designation_fit, "Interviewed for Data Analyst before.")

	def test_location_city_beats_country(self):
		city = score_candidate(OPENING, person(location="Berlin, DE", country="Germany"))
		country = score_candidate(OPENING, person(location="Munich", country="Germany"))
		self.assertEqual(city.explanation.components["location"], 1.0)
		self.assertEqual(country.explanation.components["location"], 0.6)

	def test_components_that_do_not_apply_drop_out(self):
		bare = OpeningProfile(name="x", designation=None)
		result = score_candidate(bare, person(engagement_score=40))
		self.assertEqual(set(result.explanation.components), {"engagement"})
		self.assertEqual(result.score, 100.0)
		self.assertEqual(result.explanation.skills_missing, [])


class TestRanking(unittest.TestCase):
	def test_best_match_ranks_first(self):
		strong = person(
			"strong",
			skills=skills(("SQL", "Expert"), ("Python", "Advanced"), ("Statistics", "Advanced")),
			total_experience_years=5,
			location="Berlin",
			designations_applied=frozenset({"Data Analyst"}),
			engagement_score=25,
		)
		partial = person("partial", skills=skills(("SQL", "Beginner")), total_experience_years=5)
		none = person("none", skills=skills(("Sales", "Expert")))
		ranked = rank(OPENING, [none, partial, strong])
		self.assertEqual([r.candidate for r in ranked], ["strong", "partial", "none"])

	def test_limit_and_stable_tie_break(self):
		people = [person(f"c{i}") for i in range(5)]
		ranked = rank(OPENING, people, limit=3)
		self.assertEqual([r.candidate for r in ranked], ["c0", "c1", "c2"])

	def test_shortlist_weights_follow_ranking_weights(self):
		per_skill, designation, engagement = shortlist_weights(3)
		self.assertAlmostEqual(per_skill * 3, 45)
		self.assertEqual((designation, engagement), (20, 10))
		self.assertEqual(shortlist_weights(0)[0], 0)

	@given(
		st.lists(st.sampled_from(["SQL", "Python", "Statistics", "Excel", "Go"]), unique=True),
		st.floats(min_value=0, max_value=40),
		st.floats(min_value=0, max_value=200),
	)
	def test_score_is_between_0_and_100_and_adding_a_required_skill_never_lowers_it(self, names, years, eng):
		base = person(
			skills=tuple(SkillFact(n, "Intermediate", 1) for n in names),
			total_experience_years=years,
			engagement_score=eng,
		)
		score = score_candidate(OPENING, base).score
		self.assertGreaterEqual(score, 0)
		self.assertLessEqual(score, 100)
		missing = [s for s in OPENING.required_skills if s not in names]
		if missing:
			more = person(
				skills=(*base.skills, SkillFact(missing[0], "Beginner", 1)),
				total_experience_years=years,
				engagement_score=eng,
			)
			self.assertGreater(score_candidate(OPENING, more).score, score)
