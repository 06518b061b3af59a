"""Find candidates for a Job Opening: ranked, explained, permission-checked, and actionable."""

import frappe
from frappe.utils import random_string

from recruit_crm.services.pools import membership
from recruit_crm.tests.factories import (
	ensure_designation,
	ensure_skill,
	make_candidate,
	make_job_applicant,
	make_job_opening,
	make_talent_pool,
	make_user,
)
from recruit_crm.tests.integration import RCTestCase


class TestFindCandidates(RCTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		tag = random_string(5)
		cls.skills = [ensure_skill(f"RCT Skill {tag} {i}") for i in range(3)]
		cls.designation = ensure_designation(f"RCT Rediscovery {tag}", skills=tuple(cls.skills))
		cls.opening = make_job_opening(
			designation=cls.designation, rc_min_experience_years=3, rc_max_experience_years=8
		)
		s0 = cls.skills[0]
		cls.star = make_candidate(
			full_name="Star Match",
			total_experience_years=5,
			engagement_score=25,
			has_marketing_consent=1,
			skills=[{"skill": s, "proficiency": "Expert", "years": 4} for s in cls.skills],
		).name
		cls.partial = make_candidate(
			full_name="Partial Match",
			total_experience_years=1,
			skills=[{"skill": s0, "proficiency": "Beginner", "years": 1}],
		).name
		cls.outsider = make_candidate(
			full_name="Not In Any Pool", skills=[{"skill": s, "proficiency": "Expert"} for s in cls.skills]
		).name
		pool = make_talent_pool(pool_name=f"RCT Rediscovery {tag}").name
		membership.add_members(pool, [cls.star, cls.partial], "test")
		# a past applicant for the designation (another opening), no skills recorded
		other_opening = make_job_opening(designation=cls.designation)
		cls.past = make_job_applicant(job_opening=other_opening.name, status="Rejected").rc_candidate

	def tearDown(self):
		frappe.set_user("Administrator")

	def results(self, **kw):
		from recruit_crm.api.rediscovery import find_candidates

		return find_candidates(self.opening.name, **kw)

	def test_pool_members_and_past_applicants_are_ranked_best_first(self):
		names = [r["candidate"] for r in self.results()["results"]]
		self.assertEqual(names[0], self.star)
		self.assertIn(self.partial, names)
		self.assertIn(self.past, names)
		self.assertLess(names.index(self.partial), len(names))

	def test_people_outside_pools_and_applications_are_not_considered(self):
		names = [r["candidate"] for r in self.results()["results"]]
		self.assertNotIn(self.outsider, names)

	def test_each_result_explains_skills_and_experience(self):
		by_name = {r["candidate"]: r for r in self.results()["results"]}
		star = by_name[self.star]["explanation"]
		self.assertEqual(star["skills_missing"], [])
		self.assertEqual(len(star["skills_matched"]), 3)
		self.assertEqual(star["experience_fit"], "5 years: within 3-8 years.")
		partial = by_name[self.partial]["explanation"]
		self.assertEqual(partial["skills_missing"], self.skills[1:])
		self.assertIn("2 below the minimum", partial["experience_fit"])
		past = by_name[self.past]["explanation"]
		self.assertEqual(past["designation_fit"], f"Applied for {self.designation} before.")
		self.assertTrue(by_name[self.star]["can_email"])

	def test_the_opening_lists_what_it_ranks_against(self):
		data = self.results()
		self.assertEqual(data["required_skills"], self.skills)
		self.assertEqual((data["min_experience_years"], data["max_experience_years"]), (3, 8))

	def test_people_who_already_applied_here_are_left_out_unless_asked(self):
		applicant = make_job_applicant(job_opening=self.opening.name)
		person = applicant.rc_candidate
		doc = frappe.get_doc("RC Candidate", person)
		doc.append("skills", {"skill": self.skills[0], "proficiency": "Expert"})
		doc.save()
		self.assertNotIn(person, [r["candidate"] for r in self.results()["results"]])
		included = {r["candidate"]: r for r in self.results(include_applied=True)["results"]}
		self.assertTrue(included[person]["has_applied_to_opening"])

	def test_non_hr_users_cannot_rank(self):
		sales = make_user("rc-rediscovery-sales@example.org", ("Sales User",))
		frappe.set_user(sales)
		with self.assertRaises(frappe.PermissionError):
			self.results()

	def test_recruiter_can_rank(self):
		recruiter = make_user("rc-rediscovery-recruiter@example.org", ("Recruiter",))
		frappe.set_user(recruiter)
		self.assertTrue(self.results()["results"])

	def test_invite_to_apply_emails_only_people_we_may_email(self):
		from recruit_crm.api.rediscovery import invite_to_apply

		frappe.flags.sent_mail = None
		before = frappe.db.count("Email Queue")
		result = invite_to_apply(self.opening.name, [self.star, self.partial])
		self.assertEqual(result["invited"], [self.star])
		self.assertEqual(result["skipped"], [{"candidate": self.partial, "reason": "No marketing consent"}])
		self.assertIn(f"job_title={self.opening.name}", result["apply_link"])
		self.assertEqual(frappe.db.count("Email Queue"), before + 1)
		queued = frappe.get_last_doc("Email Queue")
		self.assertIn(result["apply_link"].replace("&", "&amp;").split("?")[0], queued.message)

	def test_the_chosen_people_can_be_enrolled_in_a_campaign(self):
		from recruit_crm.api.rediscovery import enroll_in_campaign
		from recruit_crm.services.pools import rediscovery
		from recruit_crm.tests.factories import (
			ensure_sink_email_account,
			make_email_template,
			make_nurture_campaign,
		)

		campaign = make_nurture_campaign(
			ensure_sink_email_account(2699),
			[{"step_type": "Send Email", "email_template": make_email_template()}],
		)
		self.assertTrue(rediscovery.campaign_enrolment_available())
		frappe.db.set_value("RC Candidate", self.star, "has_marketing_consent", 1)
		result = enroll_in_campaign(self.opening.name, [self.star, self.partial], campaign.name)
		self.assertEqual(result, {"enrolled": 1, "skipped": 1}, "only people who may be emailed")
		self.assertTrue(
			frappe.db.exists(
				"RC Nurture Enrollment", {"nurture_campaign": campaign.name, "candidate": self.star}
			)
		)
