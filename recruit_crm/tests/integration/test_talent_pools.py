"""Manual and smart talent pools on a real site: membership, history, upkeep, rebuild, API, safety."""

import json

import frappe
from frappe.utils import random_string

from recruit_crm.services.pools import insights, membership, smart, system
from recruit_crm.tests.factories import (
	ensure_skill,
	make_candidate,
	make_job_applicant,
	make_talent_pool,
	make_user,
)
from recruit_crm.tests.integration import RCTestCase


def skill_rule(skill: str, **extra) -> dict:
	return {
		"match": "all",
		"conditions": [{"field": "skill", "operator": "has", "value": {"skill": skill, **extra}}],
	}


def active(pool: str) -> set[str]:
	return set(membership.active_members(pool))


def changes(pool: str, candidate: str) -> list[tuple[str, str]]:
	return [
		(r.change, r.reason)
		for r in frappe.get_all(
			"RC Talent Pool Change",
			filters={"talent_pool": pool, "candidate": candidate},
			fields=["change", "reason"],
			order_by="changed_at asc, creation asc",
		)
	]


class TestManualPools(RCTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		self.pool = make_talent_pool(purpose="Senior data people").name
		self.people = [make_candidate(full_name=f"Manual {i}").name for i in range(3)]

	def test_add_members_records_reason_user_and_join(self):
		joined = membership.add_members(self.pool, self.people, "Met at PyCon")
		self.assertEqual(joined, 3)
		self.assertEqual(active(self.pool), set(self.people))
		row = frappe.get_doc("RC Talent Pool Member", {"talent_pool": self.pool, "candidate": self.people[0]})
		self.assertEqual((row.reason, row.added_by), ("Met at PyCon", "Administrator"))
		self.assertEqual(changes(self.pool, self.people[0]), [("Joined", "Met at PyCon")])
		self.assertEqual(frappe.db.get_value("RC Talent Pool", self.pool, "member_count"), 3)

	def test_a_person_is_in_a_pool_once(self):
		membership.add_members(self.pool, self.people[:1], "first")
		self.assertEqual(membership.add_members(self.pool, self.people[:1] * 3, "again"), 0)
		self.assertEqual(frappe.db.count("RC Talent Pool Member", {"talent_pool": self.pool}), 1)
		with self.assertRaises(Exception) as ctx:
			frappe.db.sql(
				"insert into `tabRC Talent Pool Member` (name, talent_pool, candidate) values ('dup', %s, %s)",
				(self.pool, self.people[0]),
			)
		self.assertTrue(frappe.db.is_unique_key_violation(ctx.exception))

	def test_removal_keeps_history_and_rejoining_reuses_the_row(self):
		membership.add_members(self.pool, self.people[:1], "first")
		self.assertEqual(membership.remove_members(self.pool, self.people[:1], "Moved abroad"), 1)
		row = frappe.db.get_value(
			"RC Talent Pool Member",
			{"talent_pool": self.pool},
			["removed_at", "removed_reason"],
			as_dict=True,
		)
		self.assertIsNotNone(row.removed_at)
		self.assertEqual(row.removed_reason, "Moved abroad")
		self.assertEqual(active(self.pool), set())
		membership.add_members(self.pool, self.people[:1], "Back in town")
		self.assertEqual(active(self.pool), {self.people[0]})
		self.assertEqual(frappe.db.count("RC Talent Pool Member", {"talent_pool": self.pool}), 1)
		self.assertEqual(
			changes(self.pool, self.people[0]),
			[("Joined", "first"), ("Left", "Moved abroad"), ("Joined", "Back in town")],
		)

	def test_anonymised_and_unknown_people_are_not_added(self):
		frappe.db.set_value("RC Candidate", self.people[1], "is_anonymized", 1)
		joined = membership.add_members(self.pool, [self.people[0], self.people[1], "no-such-person"], "x")
		self.assertEqual(joined, 1)

	def test_bulk_add_from_job_applicants_maps_to_their_candidates(self):
		from recruit_crm.api.talent_pool import add_to_pool

		email = frappe.db.get_value("RC Candidate", self.people[2], "email")
		applicant = make_job_applicant(email=email).name
		result = add_to_pool(self.pool, job_applicants=json.dumps([applicant]), reason="From the list")
		self.assertEqual(result["joined"], 1)
		self.assertIn(self.people[2], active(self.pool))

	def test_smart_and_system_pools_refuse_manual_adds(self):
		from recruit_crm.api.talent_pool import add_to_pool

		smart = make_talent_pool("Smart", skill_rule(ensure_skill(f"RCT {random_string(6)}"))).name
		with self.assertRaisesRegex(frappe.ValidationError, "chosen by its rules"):
			add_to_pool(smart, candidates=[self.people[0]])

	def test_only_the_app_creates_system_pools(self):
		with self.assertRaisesRegex(frappe.ValidationError, "System pools are created"):
			make_talent_pool("System")
		self.assertEqual(system.system_pool("Alumni"), system.system_pool("Alumni"))

	def test_csv_export_lists_members_and_defuses_formulas(self):
		evil = make_candidate(full_name="=HYPERLINK(1)").name
		membership.add_members(self.pool, [self.people[0], evil], "x")
		text = insights.export_members_csv(self.pool)
		lines = text.strip().splitlines()
		self.assertEqual(len(lines), 3)
		self.assertTrue(lines[0].startswith("candidate,full_name,email"))
		self.assertIn("'=HYPERLINK(1)", text)

	def test_insights_report_size_stage_mix_and_top_skills(self):
		skill = ensure_skill(f"RCT {random_string(6)}")
		doc = frappe.get_doc("RC Candidate", self.people[0])
		doc.append("skills", {"skill": skill, "proficiency": "Expert", "years": 3})
		doc.engagement_score = 30
		doc.save()
		membership.add_members(self.pool, self.people, "x")
		data = insights.pool_insights(self.pool)
		self.assertEqual(data["size"], 3)
		self.assertEqual(sum(s["count"] for s in data["stage_mix"]), 3)
		self.assertEqual(data["top_skills"][0], {"skill": skill, "count": 1})
		self.assertEqual(data["growth"][-1]["size"], 3)
		self.assertAlmostEqual(data["average_engagement"], 10.0)

	def test_merge_keeps_one_membership_per_pool(self):
		from recruit_crm.services.candidates.merge import merge_candidates

		membership.add_members(self.pool, self.people[:2], "both")
		merge_candidates(self.people[1], self.people[0])
		self.assertEqual(
			frappe.db.count("RC Talent Pool Member", {"talent_pool": self.pool, "candidate": self.people[0]}),
			1,
		)
		self.assertEqual(active(self.pool), {self.people[0]})


class TestSmartPools(RCTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		self.skill = ensure_skill(f"RCT {random_string(8)}")
		self.expert = self._person("Expert", "Expert", 6)
		self.beginner = self._person("Beginner", "Beginner", 1)
		self.other = make_candidate(full_name="Unrelated").name

	def _person(self, name, proficiency, years):
		doc = make_candidate(
			full_name=name, skills=[{"skill": self.skill, "proficiency": proficiency, "years": years}]
		)
		return doc.name

	def test_saving_a_smart_pool_fills_it_from_its_rules(self):
		pool = make_talent_pool("Smart", skill_rule(self.skill))
		self.assertEqual(active(pool.name), {self.expert, self.beginner})
		self.assertEqual(
			pool.rules_summary, f"Candidates who have the skill {self.skill}", "the rules read as a sentence"
		)
		row = frappe.db.get_value(
			"RC Talent Pool Member",
			{"talent_pool": pool.name, "candidate": self.expert},
			["added_by", "reason"],
		)
		self.assertEqual(row, ("Rule", "Matches the pool's rules"))

	def test_minimum_proficiency_and_years_narrow_the_pool(self):
		pool = make_talent_pool("Smart", skill_rule(self.skill, min_proficiency="Advanced", min_years=5))
		self.assertEqual(active(pool.name), {self.expert})

	def test_or_groups(self):
		rules = {
			"match": "any",
			"conditions": [
				{"field": "skill", "operator": "has", "value": {"skill": self.skill, "min_proficiency": "Expert"}},
				{"match": "all", "conditions": [{"field": "crm_stage", "operator": "=", "value": "Prospect"},
					{"field": "tag", "operator": "has", "value": "rct-never-used-tag"}]},
			],
		}  # fmt: skip
		pool = make_talent_pool("Smart", rules)
		self.assertEqual(active(pool.name), {self.expert})

	def test_candidate_change_updates_smart_pools_incrementally(self):
		pool = make_talent_pool("Smart", skill_rule(self.skill, min_proficiency="Advanced")).name
		self.assertEqual(active(pool), {self.expert})
		doc = frappe.get_doc("RC Candidate", self.beginner)
		doc.skills[0].proficiency = "Advanced"
		doc.save()
		self.assertEqual(active(pool), {self.expert, self.beginner})
		doc = frappe.get_doc("RC Candidate", self.expert)
		doc.set("skills", [])
		doc.save()
		self.assertEqual(active(pool), {self.beginner})
		self.assertEqual(
			changes(pool, self.expert),
			[("Joined", "Matches the pool's rules"), ("Left", "No longer matches the pool's rules")],
		)
		self.assertEqual(frappe.db.get_value("RC Talent Pool", pool, "member_count"), 1)

	def test_a_save_keeps_every_pool_to_its_own_rule(self):
		"""A save re-checks all active smart pools in one read, each rule with its own bound values;
		a rebuild afterwards finds nothing to fix."""
		other_skill = ensure_skill(f"RCT {random_string(8)}")
		advanced = make_talent_pool("Smart", skill_rule(self.skill, min_proficiency="Advanced")).name
		other = make_talent_pool("Smart", skill_rule(other_skill)).name
		nobody = make_talent_pool("Smart", skill_rule(other_skill, min_proficiency="Expert")).name
		self.assertEqual((active(advanced), active(other), active(nobody)), ({self.expert}, set(), set()))
		doc = frappe.get_doc("RC Candidate", self.beginner)
		doc.skills[0].proficiency = "Advanced"
		doc.append("skills", {"skill": other_skill, "proficiency": "Beginner", "years": 1})
		doc.save()
		doc = frappe.get_doc("RC Candidate", self.expert)
		doc.set("skills", [])
		doc.save()
		self.assertEqual(active(advanced), {self.beginner})
		self.assertEqual(active(other), {self.beginner})
		self.assertEqual(active(nobody), set())
		self.assertEqual(smart.refresh_smart_pools_for([self.beginner, self.expert, self.other]), {})
		for pool in (advanced, other, nobody):
			result = smart.rebuild_smart_pool(pool)
			self.assertEqual((result["joined"], result["left"]), (0, 0), pool)

	def test_a_member_without_a_joining_date_still_leaves(self):
		"""Members added outside the app (a data import) may have no `added_at`: a sync skips only
		those it added itself, so they still leave when the rule stops matching."""
		pool = make_talent_pool("Smart", skill_rule(self.skill)).name
		self.assertEqual(active(pool), {self.expert, self.beginner})
		frappe.db.sql(
			"update `tabRC Talent Pool Member` set added_at = null where talent_pool = %s and candidate = %s",
			(pool, self.beginner),
		)
		frappe.db.sql("delete from `tabRC Candidate Skill` where parent = %s", self.beginner)
		result = smart.rebuild_smart_pool(pool)
		self.assertEqual((result["joined"], result["left"]), (0, 1))
		self.assertEqual(active(pool), {self.expert})

	def test_application_change_updates_history_rules(self):
		from recruit_crm.tests.factories import ensure_designation, make_job_opening

		designation = ensure_designation(f"RCT Designation {random_string(5)}")
		rules = {"match": "all", "conditions": [
			{"field": "skill", "operator": "has", "value": self.skill},
			{"field": "applied_for_designation", "operator": "=", "value": designation},
		]}  # fmt: skip
		pool = make_talent_pool("Smart", rules).name
		self.assertEqual(active(pool), set())
		opening = make_job_opening(designation=designation).name
		email = frappe.db.get_value("RC Candidate", self.beginner, "email")
		make_job_applicant(email=email, job_opening=opening)
		self.assertEqual(active(pool), {self.beginner})

	def test_rebuild_is_idempotent_and_fixes_drift(self):
		pool = make_talent_pool("Smart", skill_rule(self.skill)).name
		# drift: someone matching is missing, someone not matching is in
		frappe.db.sql(
			"delete from `tabRC Talent Pool Member` where talent_pool = %s and candidate = %s",
			(pool, self.expert),
		)
		membership.add_members(pool, [self.other], "drift")
		result = smart.rebuild_smart_pool(pool, chunk_size=30_000)
		self.assertEqual(active(pool), {self.expert, self.beginner})
		self.assertGreaterEqual(result["joined"], 1)
		self.assertGreaterEqual(result["left"], 1)
		before = frappe.db.count("RC Talent Pool Change", {"talent_pool": pool})
		again = smart.rebuild_smart_pool(pool, chunk_size=50_000)
		self.assertEqual((again["joined"], again["left"]), (0, 0))
		self.assertEqual(frappe.db.count("RC Talent Pool Change", {"talent_pool": pool}), before)
		self.assertEqual(frappe.db.get_value("RC Talent Pool", pool, "rebuild_status"), "Done")

	def test_count_preview_matches_the_rebuilt_pool(self):
		from recruit_crm.api.talent_pool import preview_count

		rules = skill_rule(self.skill)
		preview = preview_count(json.dumps(rules))
		self.assertEqual(preview["count"], 2)
		self.assertEqual({s.name for s in preview["sample"]}, {self.expert, self.beginner})
		pool = make_talent_pool("Smart", rules).name
		self.assertEqual(len(active(pool)), preview["count"])

	def test_preview_names_the_problem_in_bad_rules(self):
		from recruit_crm.api.talent_pool import preview_count

		bad = {"match": "all", "conditions": [{"field": "salary", "operator": "=", "value": 1}]}
		self.assertIn("unknown field 'salary'", preview_count(json.dumps(bad))["error"])
		wrong_type = {
			"match": "all",
			"conditions": [{"field": "engagement_score", "operator": ">", "value": "high"}],
		}
		self.assertIn("expected a number", preview_count(wrong_type)["error"])

	def test_saving_bad_rules_is_refused_with_the_reason(self):
		bad = {"match": "all", "conditions": [{"field": "country", "operator": "like", "value": "x"}]}
		with self.assertRaisesRegex(frappe.ValidationError, "operator 'like' does not apply to Country"):
			make_talent_pool("Smart", bad)

	def test_deactivated_pool_is_not_kept_current(self):
		pool = make_talent_pool("Smart", skill_rule(self.skill, min_proficiency="Expert"))
		pool.is_active = 0
		pool.save()
		doc = frappe.get_doc("RC Candidate", self.beginner)
		doc.skills[0].proficiency = "Expert"
		doc.save()
		self.assertEqual(active(pool.name), {self.expert})

	def test_large_pool_rebuild_is_queued_as_deduplicated_long_job(self):
		from unittest.mock import patch

		with patch.object(smart, "SYNC_REBUILD_LIMIT", 0), patch("frappe.enqueue") as enqueue:
			pool = make_talent_pool("Smart", skill_rule(self.skill)).name
		kwargs = enqueue.call_args.kwargs
		self.assertEqual(kwargs["queue"], "long")
		self.assertTrue(kwargs["deduplicate"])
		self.assertEqual(kwargs["job_id"], f"recruit_crm:rebuild_pool:{pool}")
		self.assertEqual(frappe.db.get_value("RC Talent Pool", pool, "rebuild_status"), "Queued")


INJECTIONS = (
	"x' or '1'='1",
	"'; drop table `tabRC Talent Pool Member`; --",
	"Germany') or 1=1 -- ",
	"\\'; update `tabRC Candidate` set do_not_contact = 1; --",
	"%s%s%s",
	"%(p0)s",
)


class TestRuleInjection(RCTestCase):
	def test_injection_strings_match_nobody_and_change_nothing(self):
		frappe.set_user("Administrator")
		make_candidate(full_name="Canary", country="India")
		total = frappe.db.count("RC Candidate")
		dnc = frappe.db.count("RC Candidate", {"do_not_contact": 1})
		for payload in INJECTIONS:
			for rules in (
				{"match": "all", "conditions": [{"field": "country", "operator": "=", "value": payload}]},
				{"match": "all", "conditions": [{"field": "location", "operator": "like", "value": payload}]},
				{"match": "all", "conditions": [{"field": "skill", "operator": "has", "value": payload}]},
				{
					"match": "all",
					"conditions": [
						{"field": "applied_for_designation", "operator": "in", "value": [payload]}
					],
				},
				{
					"match": "all",
					"conditions": [{"field": "current_title", "operator": "!=", "value": payload}],
				},
			):
				with self.subTest(payload=payload, field=rules["conditions"][0]["field"]):
					count = smart.count_matches(rules)
					if rules["conditions"][0]["operator"] == "!=":
						self.assertEqual(count, frappe.db.count("RC Candidate", {"is_anonymized": 0}))
					else:
						self.assertEqual(count, 0)
		self.assertTrue(frappe.db.table_exists("RC Talent Pool Member"))
		self.assertEqual(frappe.db.count("RC Candidate"), total)
		self.assertEqual(frappe.db.count("RC Candidate", {"do_not_contact": 1}), dnc)

	def test_injection_in_field_names_is_rejected_by_the_api(self):
		from recruit_crm.api.talent_pool import preview_count

		frappe.set_user("Administrator")
		rules = {"match": "all", "conditions": [{"field": "name`) or 1=1 #", "operator": "=", "value": "x"}]}
		result = preview_count(rules)
		self.assertIsNone(result["count"])
		self.assertIn("unknown field", result["error"])


class TestPoolPermissions(RCTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.alice = make_user("rc-pool-alice@example.org", ("Recruiter",))
		cls.bob = make_user("rc-pool-bob@example.org", ("Recruiter",))
		cls.manager = make_user("rc-pool-manager@example.org", ("HR Manager",))
		cls.sales = make_user("rc-pool-sales@example.org", ("Sales User",))
		if not frappe.db.exists("User Group", "RC Test Team"):
			frappe.get_doc(
				{"doctype": "User Group", "name": "RC Test Team", "user_group_members": [{"user": cls.bob}]}
			).insert(ignore_permissions=True)

	def tearDown(self):
		frappe.set_user("Administrator")

	def _pool(self, visibility, **values):
		frappe.set_user(self.alice)
		doc = make_talent_pool(visibility=visibility, recruiter=self.alice, **values)
		frappe.set_user("Administrator")
		return doc.name

	def test_only_me_pool_is_hidden_from_other_recruiters_but_not_managers(self):
		pool = self._pool("Only Me")
		frappe.set_user(self.bob)
		self.assertNotIn(pool, frappe.get_list("RC Talent Pool", pluck="name", limit=0))
		self.assertFalse(frappe.has_permission("RC Talent Pool", "read", doc=pool))
		frappe.set_user(self.manager)
		self.assertIn(pool, frappe.get_list("RC Talent Pool", pluck="name", limit=0))

	def test_team_pool_is_visible_to_team_members(self):
		pool = self._pool("Team", user_group="RC Test Team")
		frappe.set_user(self.bob)
		self.assertIn(pool, frappe.get_list("RC Talent Pool", pluck="name", limit=0))
		self.assertTrue(frappe.has_permission("RC Talent Pool", "read", doc=pool))

	def test_hidden_pool_cannot_be_filled_or_exported_through_the_api(self):
		from recruit_crm.api.talent_pool import add_to_pool, export_csv, insights

		pool = self._pool("Only Me")
		person = make_candidate().name
		frappe.set_user(self.bob)
		for call in (
			lambda: add_to_pool(pool, candidates=[person]),
			lambda: export_csv(pool),
			lambda: insights(pool),
		):
			with self.assertRaises(frappe.PermissionError):
				call()

	def test_members_of_hidden_pools_are_not_listed(self):
		pool = self._pool("Only Me")
		membership.add_members(pool, [make_candidate().name], "x")
		frappe.set_user(self.bob)
		self.assertEqual(frappe.get_list("RC Talent Pool Member", filters={"talent_pool": pool}, limit=0), [])

	def test_non_hr_users_cannot_preview_or_add(self):
		from recruit_crm.api.talent_pool import add_to_pool, preview_count

		pool = self._pool("Everyone")
		frappe.set_user(self.sales)
		with self.assertRaises(frappe.PermissionError):
			preview_count(
				{"match": "all", "conditions": [{"field": "country", "operator": "=", "value": "India"}]}
			)
		with self.assertRaises(frappe.PermissionError):
			add_to_pool(pool, candidates=[])
