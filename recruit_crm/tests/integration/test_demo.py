"""`bench --site SITE recruit-crm demo` on a real site: a small demo, looked at like a recruiter would.

The site holds other tests' data, so everything is asserted on what this run returned and on the
rows it created (its people are numbered from `first_number`). The demo runs without committing and
the class rolls it back, so tests that count candidates elsewhere see nothing of it.
"""

import random
from collections import Counter
from itertools import pairwise

import frappe
from frappe.utils import now_datetime

from recruit_crm.services.candidates import demo, demo_people
from recruit_crm.services.candidates.demo_masters import OPENINGS, RECRUITERS
from recruit_crm.services.pipeline import workflow
from recruit_crm.tests.integration import RCTestCase

PEOPLE = 150
MORE_PEOPLE = 30  # the second batch only has to show that masters are not made twice
SEED = 4242


def _quiet(_line: str) -> None:
	"""Progress lines are for the console; the test reads the returned numbers."""


class TestDemo(RCTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.queued_before = frappe.db.count("Email Queue")
		cls.masters_before = cls._master_counts()
		cls.first = demo.build_demo(candidates=PEOPLE, seed=SEED, progress=_quiet, commit=False)
		cls.masters_after_first = cls._master_counts()
		cls.people = cls._people(cls.first)
		cls.second = demo.build_demo(candidates=MORE_PEOPLE, seed=SEED, progress=_quiet, commit=False)
		cls.masters_after_second = cls._master_counts()

	@staticmethod
	def _master_counts() -> dict[str, int]:
		"""What the demo creates once. System pools are not among them: a Past Applicants pool
		appears with the first past applicant of its designation, in whichever batch that is."""
		counts = {
			doctype: frappe.db.count(doctype)
			for doctype in (
				"Job Opening",
				"User",
				"Department",
				"Branch",
				"Designation",
				"RC Content",
				"RC Nurture Campaign",
				"Web Page",
				"Email Template",
				"Email Account",
			)
		}
		counts["RC Talent Pool"] = frappe.db.count("RC Talent Pool", {"pool_type": ("!=", "System")})
		return counts

	@staticmethod
	def _people(result: dict) -> list[frappe._dict]:
		"""The candidates this run created: example-domain addresses numbered from `first_number`."""
		first = result["first_number"]
		return frappe.db.sql(
			r"""select name, email, full_name, crm_stage, readiness_stage, engagement_score, recruiter,
				has_pool_consent, has_marketing_consent, is_unsubscribed, do_not_contact
			from `tabRC Candidate`
			where email regexp '\\.[0-9]+@example\\.(com|org|net)$'
				and cast(substring_index(substring_index(email, '@', 1), '.', -1) as unsigned)
					between %(first)s and %(last)s""",
			{"first": first, "last": first + result["people"] - 1},
			as_dict=True,
		)

	def test_every_person_is_created(self):
		self.assertEqual(self.first["people"], PEOPLE)
		self.assertEqual(len(self.people), PEOPLE)
		self.assertEqual(len({p.email for p in self.people}), PEOPLE)
		self.assertTrue(all(p.email.rsplit("@", 1)[1] in ("example.com", "example.org", "example.net")
			for p in self.people), "demo addresses can never reach a real mailbox")  # fmt: skip

	def test_the_same_seed_makes_the_same_people_on_any_site(self):
		"""Who the people are depends on the seed and their numbers only, not on the clock or site."""
		first = self.first["first_number"]
		who = random.Random(f"{SEED}:{first}:people")
		expected = {
			(row["email"], row["full_name"])
			for row in (demo_people.profile(who, number) for number in range(first, first + PEOPLE))
		}
		self.assertEqual({(p.email, p.full_name) for p in self.people}, expected)

	def test_people_are_at_many_stages_of_the_relationship(self):
		stages = Counter(p.crm_stage for p in self.people)
		self.assertGreaterEqual(len(stages), 5, stages)
		self.assertIn("Prospect", stages)
		self.assertIn("Engaged", stages)
		self.assertTrue({"Applied", "Past Applicant", "Interviewing", "Offered", "Hired"} & set(stages))
		readiness = Counter(p.readiness_stage for p in self.people)
		self.assertGreaterEqual(len(readiness), 3, readiness)
		scores = {p.engagement_score for p in self.people}
		self.assertGreater(len(scores), 20, "engagement scores are spread, not one value")

	def test_most_people_have_an_owner_recruiter(self):
		owners = Counter(p.recruiter for p in self.people)
		demo_recruiters = {r[0] for r in RECRUITERS}
		self.assertGreaterEqual(len(set(owners) & demo_recruiters), 3)
		self.assertGreater(sum(owners[r] for r in demo_recruiters), PEOPLE * 0.7)

	def test_consent_is_mixed_and_backed_by_a_ledger(self):
		flags = Counter()
		for p in self.people:
			for flag in ("has_pool_consent", "has_marketing_consent", "is_unsubscribed", "do_not_contact"):
				flags[flag] += p[flag]
		self.assertTrue(0 < flags["has_pool_consent"] < PEOPLE, flags)
		self.assertTrue(0 < flags["has_marketing_consent"] < PEOPLE, flags)
		names = [p.name for p in self.people]
		ledger = frappe.db.sql(
			"""select count(*), sum(withdrawn_at is not null), sum(ip_address is not null)
			from `tabRC Consent` where candidate in %(names)s""",
			{"names": names},
		)[0]
		self.assertEqual(ledger[0], self.first["consent_entries"])
		self.assertGreater(ledger[0], 0)
		self.assertGreater(ledger[2], 0, "web consent carries its evidence")
		with_consent = frappe.db.sql(
			"""select count(*) from `tabRC Candidate` c where c.name in %(names)s and c.has_marketing_consent = 1
			and not exists (select 1 from `tabRC Consent` r where r.candidate = c.name
				and r.purpose = 'Marketing Email' and r.withdrawn_at is null)""",
			{"names": names},
		)[0][0]
		self.assertEqual(with_consent, 0, "every consent flag comes from a ledger entry")

	def test_touchpoints_are_spread_over_many_months_and_kinds(self):
		rows = frappe.db.sql(
			"""select date_format(occurred_at, '%%Y-%%m'), touchpoint_type, occurred_at
			from `tabRC Touchpoint` where candidate in %(names)s""",
			{"names": [p.name for p in self.people]},
		)
		months = {r[0] for r in rows}
		kinds = {r[1] for r in rows}
		self.assertGreaterEqual(len(months), 12, sorted(months))
		self.assertTrue(
			{"Email Sent", "Email Opened", "Email Clicked", "Portal Visit", "Applied", "Call"} <= kinds, kinds
		)
		self.assertTrue(all(r[2] <= now_datetime() for r in rows), "nothing happens in the future")

	def test_applications_interviews_and_offers_exist(self):
		statuses = Counter(
			r[0]
			for r in frappe.db.sql(
				"select status from `tabJob Applicant` where rc_candidate in %(names)s",
				{"names": [p.name for p in self.people]},
			)
		)
		self.assertGreaterEqual(len(statuses), 3, statuses)
		hrms = self.first["hrms_documents"]
		self.assertEqual(hrms["failed"], 0, self.first["hrms_documents"])
		self.assertGreater(hrms["Job Applicant"], 0)
		self.assertGreater(hrms["Interview"], 0)

	def test_applications_stand_in_the_pipeline_with_their_stage_history(self):
		pipeline = workflow.current()
		if not pipeline:
			self.skipTest("no active Workflow on Job Applicant")
		kind_of = {s.name: s.kind.value for s in pipeline.states}
		# HRMS status -> the kinds of state an application with it can stand in (as the install
		# step places existing applications: Hold waits in screening).
		expected = {"Open": {"Applied"}, "Hold": {"Screening"}, "Replied": {"Screening", "Interview", "Offer"},
			"Rejected": {"Rejected"}, "Accepted": {"Hired"}}  # fmt: skip
		apps = frappe.db.sql(
			f"""select name, status, {workflow.state_field()} as state, rc_stage_entered_at
			from `tabJob Applicant` where rc_candidate in %(names)s""",
			{"names": [p.name for p in self.people]},
			as_dict=True,
		)
		stays: dict[str, list] = {}
		for row in frappe.db.sql(
			"""select job_applicant, state, entered_at, left_at from `tabRC Application Stage`
			where job_applicant in %(apps)s order by entered_at, creation""",
			{"apps": [a.name for a in apps]},
			as_dict=True,
		):
			stays.setdefault(row.job_applicant, []).append(row)
		self.assertTrue(apps)
		for app in apps:
			self.assertIn(kind_of.get(app.state), expected[app.status], app)
			current = [s for s in stays.get(app.name, []) if s.left_at is None]
			self.assertEqual([s.state for s in current], [app.state], app)
			self.assertEqual(current[0].entered_at, app.rc_stage_entered_at, app)
		moved = [history for history in stays.values() if len(history) > 1]
		self.assertGreater(len(moved), len(apps) / 3, "most decided applications went through stages")
		for history in moved:
			for before, after in pairwise(history):
				self.assertEqual(before.left_at, after.entered_at, "a stay ends when the next begins")

	def test_stays_carry_the_facts_the_reports_copy(self):
		"""The demo writes each stay with the facts `stay_facts` copies from its application; a
		refresh of those applications finds nothing to change."""
		from recruit_crm.services.pipeline import stay_facts

		apps = frappe.db.sql(
			"select name from `tabJob Applicant` where rc_candidate in %(names)s",
			{"names": [p.name for p in self.people]},
			pluck=True,
		)
		columns = ", ".join(("name", "job_opening", *stay_facts.FACT_COLUMNS))
		query = (
			f"select {columns} from `tabRC Application Stage` where job_applicant in %(apps)s order by name"
		)
		written = frappe.db.sql(query, {"apps": apps})
		self.assertTrue(written)
		self.assertTrue(all(row[1] and row[2] for row in written), "every stay has its opening and date")
		self.assertTrue(any(row[6] for row in written), "finished stays have their seconds")
		stay_facts.refresh_stays(apps)
		self.assertEqual(frappe.db.sql(query, {"apps": apps}), written)

	def test_hires_are_hired_people(self):
		"""An accepted offer whose first day has come (its Hired touchpoint) makes the person Hired."""
		names = [p.name for p in self.people]
		hired = set(
			frappe.db.sql(
				"""select distinct candidate from `tabRC Touchpoint`
				where candidate in %(names)s and touchpoint_type = 'Hired'""",
				{"names": names},
				pluck=True,
			)
		)
		stages = {p.name: p.crm_stage for p in self.people}
		self.assertEqual({n for n in hired if stages[n] != "Hired"}, set())
		in_stage = sum(1 for stage in stages.values() if stage == "Hired")
		from_pipeline = self.first["pipeline_stages"]["Hired"]
		self.assertTrue(from_pipeline <= in_stage <= from_pipeline + self.first["hrms_documents"]["Employee"])

	def test_openings_look_like_real_jobs(self):
		openings = frappe.get_all(
			"Job Opening",
			filters={"job_title": ("in", [o[0] for o in OPENINGS])},
			fields=["department", "location", "employment_type", "lower_range", "upper_range", "currency",
				"status", "designation"],
		)  # fmt: skip
		self.assertGreaterEqual(len(openings), len(OPENINGS))
		for o in openings:
			self.assertTrue(o.department and o.location and o.employment_type and o.designation, o)
			self.assertTrue(0 < o.lower_range < o.upper_range, o)
		self.assertEqual({o.status for o in openings}, {"Open", "Closed"})
		self.assertGreater(len({o.employment_type for o in openings}), 2)

	def test_campaigns_show_results(self):
		campaigns = self.first["campaigns"]
		self.assertGreater(campaigns["messages"], 0)
		results = frappe.db.sql(
			"""select c.campaign_name, c.status, count(m.name), count(m.opened_at), count(m.clicked_at)
			from `tabRC Nurture Campaign` c join `tabRC Nurture Message` m on m.nurture_campaign = c.name
			where m.candidate in %(names)s group by c.name""",
			{"names": [p.name for p in self.people]},
		)
		self.assertTrue(results)
		self.assertTrue(any(sent > 0 and opened > 0 for _n, _s, sent, opened, _c in results), results)
		self.assertIn("Active", {status for _n, status, *_ in results}, "one campaign is running")

	def test_no_email_is_queued(self):
		self.assertEqual(frappe.db.count("Email Queue"), self.queued_before)

	def test_career_page_and_join_us_render(self):
		from frappe.website.serve import get_response_content

		frappe.set_user("Guest")
		try:
			pages = {
				route: get_response_content(route) for route in ("careers", self.first["page"].lstrip("/"))
			}
		finally:
			frappe.set_user("Administrator")
		# The pages list the newest open roles of the whole site (other tests add openings too).
		open_roles = frappe.get_all(
			"Job Opening", filters={"status": "Open", "publish": 1}, pluck="job_title"
		)
		for route, html in pages.items():
			html = html.replace("&amp;", "&")
			self.assertTrue(any(title in html for title in open_roles), route)
		self.assertIn("Stories from the team", pages["join-us"])
		self.assertIn("Wanjiru", pages["join-us"], "the testimonials block shows the demo's stories")

	def test_a_second_run_adds_people_but_no_masters(self):
		self.assertEqual(self.second["people"], MORE_PEOPLE)
		self.assertEqual(self.second["first_number"], self.first["first_number"] + PEOPLE)
		self.assertEqual(self.masters_after_first, self.masters_after_second)
		second = {p.email for p in self._people(self.second)}
		self.assertEqual(len(second), MORE_PEOPLE)
		self.assertFalse(second & {p.email for p in self.people})
		created = {k: self.masters_after_first[k] - self.masters_before[k] for k in self.masters_before}
		self.assertLessEqual(created["Job Opening"], len(OPENINGS))
