"""The recruiter home and the decision reports on a known small history: every card and every
report cell is checked against numbers worked out by hand.

The history (t0 = 30 days ago at 09:00, one opening in its own department, one source, one
recruiter, four applications A1..A4 created at t0, each by its own candidate c1..c4):

	A1  Applied 2d -> Screening 3d -> Interview 5d -> Offer 2d -> Hired (t0+12d)
	A2  Applied 1d -> Screening 2d -> Rejected
	A3  Applied 4d -> Screening 4d -> Interview 1d -> Offer (still there)
	A4  Applied (still there)

Recruiter touches: c1 a call at t0+1h, c2 a message at t0+30h, c4 an email at t0+2h, c3 only a
note (not a touch). Nurture messages, a talent pool and tasks are described where they are built.
The site may hold other data (a demo): every figure is read through filters that isolate this
history, or, for the home's site-wide cards, as the change a known insert makes.
"""

from datetime import datetime, time, timedelta

import frappe
from frappe.desk.query_report import run
from frappe.utils import add_days, getdate, now_datetime, random_string, today

from recruit_crm.domain import analytics as calc
from recruit_crm.services._sql import multi_row_insert
from recruit_crm.services.analytics import home
from recruit_crm.services.engagement import first_response, touchpoints
from recruit_crm.services.nurture import reports
from recruit_crm.services.pipeline import stay_facts, workflow
from recruit_crm.tests.factories import make_job_applicant, make_job_opening, make_talent_pool, make_user
from recruit_crm.tests.integration import RCTestCase

STAGE = "RC Application Stage"
MESSAGE = "RC Nurture Message"


def _insert(doctype: str, rows: list[dict]) -> None:
	now = now_datetime()
	base = {
		"creation": now,
		"modified": now,
		"owner": "Administrator",
		"modified_by": "Administrator",
		"docstatus": 0,
	}
	rows = [{"name": frappe.generate_hash(length=12), **base, **r} for r in rows]
	columns = sorted({c for r in rows for c in r})
	multi_row_insert(doctype, columns, [tuple(r.get(c) for c in columns) for r in rows])


class TestAnalytics(RCTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		frappe.db.set_single_value("RC Settings", "marketing_basis", "Consent")
		cls.tag = random_string(6)
		cls.t0 = datetime.combine(getdate(add_days(today(), -30)), time(9, 0))
		cls.recruiter = make_user(f"rct.analytics.{cls.tag.lower()}@example.org", roles=("Recruiter",))
		company = frappe.db.get_value("Company", {}, "name")
		cls.department = (
			frappe.get_doc(
				{"doctype": "Department", "department_name": f"RCT Analytics {cls.tag}", "company": company}
			)
			.insert(ignore_permissions=True)
			.name
		)
		cls.source = (
			frappe.get_doc({"doctype": "Job Applicant Source", "source_name": f"RCT Source {cls.tag}"})
			.insert(ignore_permissions=True)
			.name
		)
		cls.opening = make_job_opening(
			title=f"RCT Analytics Opening {cls.tag}", department=cls.department, planned_vacancies=2
		).name
		cls.posted_on = cls.t0 - timedelta(days=10)
		frappe.db.set_value("Job Opening", cls.opening, "posted_on", cls.posted_on, update_modified=False)
		cls.apps = [
			make_job_applicant(
				job_opening=cls.opening, applicant_name=f"RCT Analytics {cls.tag} {i}", source=cls.source
			).name
			for i in range(1, 5)
		]
		cls.cands = [frappe.db.get_value("Job Applicant", a, "rc_candidate") for a in cls.apps]
		cls._history()

	@classmethod
	def _history(cls):
		t0, apps, cands = cls.t0, cls.apps, cls.cands
		pipeline = workflow.require()
		field = workflow.state_field()
		# Applications: created at t0, owned by the recruiter; A1/A2 came from a UTM campaign.
		states = [("Hired", "Accepted"), ("Rejected", "Rejected"), ("Offer", "Open"), ("Applied", "Open")]
		for i, app in enumerate(apps):
			frappe.db.sql(
				f"""update `tabJob Applicant` set creation = %s, rc_recruiter = %s, `{field}` = %s, status = %s,
				rc_utm_campaign = %s where name = %s""",
				(t0, cls.recruiter, states[i][0], states[i][1], "rct-spring" if i < 2 else None, app),
			)
		# Stage history, replacing what the hooks wrote at insert.
		frappe.db.delete(STAGE, {"job_applicant": ("in", apps)})
		stays = {
			0: [
				("Applied", 0, 2),
				("Screening", 2, 5),
				("Interview", 5, 10),
				("Offer", 10, 12),
				("Hired", 12, None),
			],
			1: [("Applied", 0, 1), ("Screening", 1, 3), ("Rejected", 3, None)],
			2: [("Applied", 0, 4), ("Screening", 4, 8), ("Interview", 8, 9), ("Offer", 9, None)],
			3: [("Applied", 0, None)],
		}
		rows = []
		for i, path in stays.items():
			for state, start, end in path:
				rows.append(
					{
						"job_applicant": apps[i],
						"candidate": cands[i],
						"job_opening": cls.opening,
						"state": state,
						"stage_kind": pipeline.state(state).kind.value,
						"entered_at": t0 + timedelta(days=start),
						"left_at": t0 + timedelta(days=end) if end is not None else None,
						"days_in_stage": (end - start) if end is not None else 0,
					}
				)
		_insert(STAGE, rows)
		# Touchpoints, replacing what the hooks wrote; c2 also visited the portal 2 days ago.
		frappe.db.delete("RC Touchpoint", {"candidate": ("in", cands)})
		touchpoints.record_many(
			[
				{"candidate": cands[0], "touchpoint_type": "Call", "occurred_at": t0 + timedelta(hours=1), "recruiter": cls.recruiter},
				{"candidate": cands[1], "touchpoint_type": "Message", "occurred_at": t0 + timedelta(hours=30), "recruiter": cls.recruiter},
				{"candidate": cands[3], "touchpoint_type": "Email Sent", "occurred_at": t0 + timedelta(hours=2), "recruiter": cls.recruiter},
				{"candidate": cands[2], "touchpoint_type": "Note", "occurred_at": t0 + timedelta(hours=3), "recruiter": cls.recruiter},
				{"candidate": cands[1], "touchpoint_type": "Portal Visit", "occurred_at": now_datetime() - timedelta(days=2)},
				{"candidate": cands[2], "touchpoint_type": "Email Opened", "occurred_at": now_datetime() - timedelta(days=100)},
			],
			update_scores=False,
		)  # fmt: skip
		# The history above was written behind the app's back: its copies for the reports are
		# filled as the backfill patch fills them (test_analytics_copies checks the writers').
		stay_facts.refresh_stays(apps)
		first_response.recompute(apps)
		# Candidates: readiness, consent, owner.
		for cand, stage, consent, unsubscribed in zip(
			cands, ("Hot", "Warm", "Cold", "Cold"), (1, 1, 0, 1), (0, 1, 0, 0), strict=True
		):
			frappe.db.sql(
				"""update `tabRC Candidate` set readiness_stage = %s, has_marketing_consent = %s,
				consent_expires_on = null, is_unsubscribed = %s, do_not_contact = 0, has_bounced = 0,
				marketing_objection = 0, email_frequency = 'Any', recruiter = %s where name = %s""",
				(stage, consent, unsubscribed, cls.recruiter, cand),
			)
		# Nurture: one campaign, step 1 A/B and step 2 A.
		cls.campaign = f"RCT Campaign {cls.tag}"
		frappe.db.delete(MESSAGE, {"candidate": ("in", cands)})
		base = {"nurture_campaign": cls.campaign, "status": "Sent", "entry_round": 1}
		_insert(
			MESSAGE,
			[
				# c1: opened, clicked, replied; applied at t0 (5 days later) and was hired at t0+12d
				{**base, "candidate": cands[0], "step_idx": 1, "step_key": "s1", "variant": "A", "sent_at": t0 - timedelta(days=5),
					"opened_at": t0 - timedelta(days=4), "clicked_at": t0 - timedelta(days=4), "replied_at": t0 - timedelta(days=3)},
				# c3: bounced, sent 100 days before applying (outside both windows)
				{**base, "candidate": cands[2], "step_idx": 1, "step_key": "s1", "variant": "A", "sent_at": t0 - timedelta(days=100),
					"bounced_at": t0 - timedelta(days=100)},
				# c2: opened, applied 60 days later (inside 90, not 30)
				{**base, "candidate": cands[1], "step_idx": 1, "step_key": "s1", "variant": "B", "sent_at": t0 - timedelta(days=60),
					"opened_at": t0 - timedelta(days=59)},
				# c4: step 2, unsubscribed, applied a day later
				{**base, "candidate": cands[3], "step_idx": 2, "step_key": "s2", "variant": "A", "sent_at": t0 - timedelta(days=1),
					"unsubscribed_at": t0 - timedelta(hours=20)},
			],
		)  # fmt: skip
		# Talent pool: all four joined at t0-20d, c4 left yesterday.
		cls.pool = make_talent_pool(pool_name=f"RCT Analytics Pool {cls.tag}", visibility="Everyone").name
		frappe.db.delete("RC Talent Pool Member", {"candidate": ("in", cands)})
		_insert(
			"RC Talent Pool Member",
			[
				{"talent_pool": cls.pool, "candidate": c, "added_at": t0 - timedelta(days=20),
					"removed_at": now_datetime() - timedelta(days=1) if i == 3 else None}
				for i, c in enumerate(cands)
			],
		)  # fmt: skip
		cls.hidden_pool = make_talent_pool(pool_name=f"RCT Hidden Pool {cls.tag}", visibility="Only Me").name
		# Tasks for the recruiter: one overdue, one due tomorrow, one closed.
		for days, status in ((-1, "Open"), (1, "Open"), (0, "Closed")):
			frappe.get_doc(
				{"doctype": "ToDo", "allocated_to": cls.recruiter, "description": f"RCT task {days}", "status": status,
					"date": add_days(today(), days), "reference_type": "Job Applicant", "reference_name": apps[0]}
			).insert(ignore_permissions=True)  # fmt: skip

	def setUp(self):
		frappe.db.savepoint("rct_analytics")  # each test's own inserts go; the history stays

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback(save_point="rct_analytics")

	def report(self, name: str, **filters) -> dict:
		return run(name, filters=filters)

	# --- reports --------------------------------------------------------------------------

	def test_funnel(self):
		result = self.report("Recruitment Funnel", from_date=add_days(today(), -60), job_opening=self.opening)
		rows = {r["state"]: r for r in result["result"]}
		cells = {
			s: (r["entries"], r["next_entries"], r["conversion"], r["drop_off"], r["median_days"])
			for s, r in rows.items()
			if r["entries"] or r["next_entries"]
		}
		self.assertEqual(
			cells,
			{
				"Applied": (4, 3, 75.0, 1, 2.0),
				"Screening": (3, 2, 66.7, 1, 3.0),
				"Interview": (2, 2, 100.0, 0, 3.0),
				"Offer": (2, 1, 50.0, 1, 2.0),
				"Hired": (1, None, None, 0, None),
				"Rejected": (1, None, None, 0, None),
			},
		)
		self.assertEqual(result["report_summary"][0]["value"], 4)
		self.assertEqual(result["chart"]["data"]["datasets"][0]["values"][:5], [4, 3, 2, 2, 1])
		# a hiring drive's applications are those to its openings
		drive = frappe.get_doc(
			{"doctype": "RC Hiring Drive", "title": f"RCT Drive {self.tag}", "starts_on": add_days(today(), -60),
				"openings": [{"job_opening": self.opening, "target_hires": 1}]}
		).insert(ignore_permissions=True)  # fmt: skip
		by_drive = self.report("Recruitment Funnel", from_date=add_days(today(), -60), drive=drive.name)
		self.assertEqual(
			{r["state"]: r["entries"] for r in by_drive["result"]},
			{r["state"]: r["entries"] for r in rows.values()},
		)
		# the period filters the cohort by application date
		later = self.report("Recruitment Funnel", from_date=add_days(today(), -5), job_opening=self.opening)
		self.assertEqual(sum(r["entries"] for r in later["result"]), 0)

	def test_source_of_hire(self):
		rows = self.report("Source of Hire", from_date=add_days(today(), -60), department=self.department)[
			"result"
		]
		self.assertEqual(
			[(r["grp"], r["applications"], r["interviews"], r["offers"], r["hires"]) for r in rows],
			[(self.source, 4, 2, 2, 1)],
		)
		self.assertEqual(
			(rows[0]["interview_rate"], rows[0]["hire_rate"], rows[0]["offer_acceptance"]), (50.0, 25.0, 50.0)
		)
		by_campaign = self.report(
			"Source of Hire",
			from_date=add_days(today(), -60),
			department=self.department,
			group_by="UTM Campaign",
		)["result"]
		self.assertEqual(
			{
				r["grp"]: (r["applications"], r["interviews"], r["offers"], r["hires"], r["offer_acceptance"])
				for r in by_campaign
			},
			{"rct-spring": (2, 1, 1, 1, 100.0), "(not set)": (2, 1, 1, 0, 0.0)},
		)

	def test_time_to_hire_and_fill(self):
		result = self.report(
			"Time to Hire and Fill",
			from_date=add_days(today(), -60),
			job_opening=self.opening,
			group_by="Job Opening",
		)
		fill = calc.days_between(self.posted_on, self.t0 + timedelta(days=12))
		self.assertEqual(
			[
				(
					r["grp"],
					r["hires"],
					r["median_days_to_hire"],
					r["mean_days_to_hire"],
					r["median_days_to_fill"],
				)
				for r in result["result"]
			],
			[(self.opening, 1, 12.0, 12.0, fill)],
		)
		self.assertEqual(fill, 22.0)
		month = (self.t0 + timedelta(days=12)).strftime("%Y-%m")
		self.assertEqual(result["chart"]["data"]["labels"], [month])
		self.assertEqual(result["chart"]["data"]["datasets"][0]["values"], [12.0])
		by_department = self.report(
			"Time to Hire and Fill", from_date=add_days(today(), -60), department=self.department
		)
		self.assertEqual([(r["grp"], r["hires"]) for r in by_department["result"]], [(self.department, 1)])

	def test_nurture_performance(self):
		rows = self.report(
			"Nurture Performance", from_date=add_days(today(), -200), nurture_campaign=self.campaign
		)["result"]
		keys = (
			"sent",
			"delivered",
			"opened",
			"clicked",
			"replied",
			"unsubscribed",
			"applied_30",
			"applied_90",
			"hired_30",
			"hired_90",
		)
		self.assertEqual(
			{(r["step_idx"], r["variant"]): tuple(r[k] for k in keys) for r in rows},
			{
				(1, "A"): (2, 1, 1, 1, 1, 0, 1, 1, 1, 1),
				(1, "B"): (1, 1, 1, 0, 0, 0, 0, 1, 0, 0),
				(2, "A"): (1, 1, 0, 0, 0, 1, 1, 1, 0, 0),
			},
		)  # fmt: skip

	def test_nurture_performance_agrees_with_the_campaign_results(self):
		_insert(
			"RC Nurture Campaign",
			[{"name": self.campaign, "campaign_name": self.campaign, "status": "Active"}],
		)
		steps = reports.campaign_stats(self.campaign)["steps"]
		ours = self.report("Nurture Performance", from_date="2000-01-01", nurture_campaign=self.campaign)[
			"result"
		]
		keys = ("sent", "delivered", "opened", "clicked", "replied", "unsubscribed")
		self.assertEqual(
			{(r["step_idx"], r["variant"]): tuple(r[k] for k in keys) for r in ours},
			{(r.step_idx, r.variant): tuple(r[k] for k in keys) for r in steps},
		)

	def test_talent_pool_health(self):
		rows = self.report(
			"Talent Pool Health", from_date=add_days(today(), -60), talent_pool=self.pool, stale_days=7
		)["result"]
		self.assertEqual(len(rows), 1)
		r = rows[0]
		self.assertEqual(
			(r["size"], r["added"], r["removed"], r["growth"], r["engaged_share"], r["stale_share"], r["contactable_share"], r["applied"], r["hired"]),
			(3, 4, 1, 3, 66.7, 66.7, 33.3, 4, 1),
		)  # fmt: skip

	def test_recruiter_activity(self):
		rows = self.report("Recruiter Activity", from_date=add_days(today(), -60), recruiter=self.recruiter)[
			"result"
		]
		self.assertEqual(len(rows), 1)
		r = rows[0]
		self.assertEqual(r["recruiter"], self.recruiter)
		self.assertEqual(
			(r["touches"], r["candidates"], r["calls"], r["meetings"], r["messages"], r["emails"]),
			(3, 3, 1, 0, 1, 1),
		)
		self.assertEqual((r["new_applications"], r["answered"], r["answered_share"]), (4, 3, 75.0))
		self.assertEqual(r["median_first_response_hours"], 2.0, "median of 1 h, 2 h and 30 h")

	def test_my_work_is_role_aware(self):
		frappe.set_user(self.recruiter)
		readiness = self.report("My Work", view="Candidates by Readiness", recruiter="Administrator")
		self.assertEqual(
			{r["label"]: r["count"] for r in readiness["result"]},
			{"Ready": 0, "Hot": 1, "Warm": 1, "Cold": 2},
		)
		self.assertIn(self.recruiter, readiness["message"], "a recruiter always sees their own work")
		stages = {
			r["label"]: r["count"] for r in self.report("My Work", view="Applicants by Stage")["result"]
		}
		self.assertEqual({k: v for k, v in stages.items() if v}, {"Applied": 1, "Offer": 1})
		tasks = self.report("My Work", view="Tasks Due")["result"]
		self.assertEqual(
			[(t["description"], t["overdue"]) for t in tasks], [("RCT task -1", 1), ("RCT task 1", 0)]
		)
		hot = self.report("My Work", view="Hot or Ready, Not Contacted")["result"]
		self.assertEqual([h["candidate"] for h in hot], [self.cands[0]])
		self.assertEqual(self.report("My Work", view="My Campaigns")["result"], [])
		frappe.set_user("Administrator")
		mine = self.report("My Work", view="Candidates by Readiness", recruiter=self.recruiter)
		self.assertEqual(sum(r["count"] for r in mine["result"]), 4, "a manager may look at one recruiter")

	def test_reports_are_hr_only_and_pools_follow_visibility(self):
		outsider = make_user(f"rct.outsider.{self.tag.lower()}@example.org", roles=("Employee",))
		frappe.set_user(outsider)
		for name in ("Recruitment Funnel", "Source of Hire", "Talent Pool Health", "My Work"):
			with self.assertRaises(frappe.PermissionError, msg=name):
				self.report(name)
		frappe.set_user("Administrator")
		frappe.db.set_value(
			"RC Talent Pool", self.hidden_pool, "owner", "Administrator", update_modified=False
		)
		frappe.set_user(self.recruiter)
		visible = {r["talent_pool"] for r in self.report("Talent Pool Health")["result"]}
		self.assertIn(self.pool, visible)
		self.assertNotIn(self.hidden_pool, visible)
		with self.assertRaises(frappe.PermissionError):
			self.report("Talent Pool Health", talent_pool=self.hidden_pool)

	# --- the home's cards -----------------------------------------------------------------

	def assert_card_follows_list(self, card: dict) -> None:
		"""A card's number is the count of the list it opens."""
		doctype = card["route"][1]
		count = len(
			frappe.get_list(doctype, filters=card["route_options"], pluck="name", limit_page_length=0)
		)
		self.assertEqual(card["value"], count, doctype)

	def test_site_wide_cards_move_with_a_known_insert(self):
		before = {
			"new": home.new_applicants(),
			"replies": home.campaign_replies(),
			"pool": home.pool_members_added(),
			"open": home.open_positions(),
			"hires": home.hires_this_quarter(),
		}
		for key in ("new", "replies", "pool", "open"):
			self.assert_card_follows_list(before[key])
		opening = make_job_opening(title=f"RCT Analytics New {self.tag}", planned_vacancies=3).name
		app = make_job_applicant(job_opening=opening, applicant_name=f"RCT New {self.tag}").name
		cand = frappe.db.get_value("Job Applicant", app, "rc_candidate")
		_insert(MESSAGE, [{"nurture_campaign": self.campaign, "candidate": cand, "status": "Sent", "step_idx": 3,
			"step_key": "s3", "variant": "A", "entry_round": 1, "sent_at": now_datetime(), "replied_at": now_datetime()}])  # fmt: skip
		_insert(
			"RC Talent Pool Member",
			[{"talent_pool": self.pool, "candidate": cand, "added_at": now_datetime()}],
		)
		_insert(STAGE, [{"job_applicant": app, "candidate": cand, "job_opening": opening, "state": "Hired",
			"stage_kind": "Hired", "entered_at": now_datetime()}])  # fmt: skip
		self.assertEqual(home.new_applicants()["value"], before["new"]["value"] + 1)
		self.assertEqual(home.campaign_replies()["value"], before["replies"]["value"] + 1)
		self.assertEqual(home.pool_members_added()["value"], before["pool"]["value"] + 1)
		self.assertEqual(home.open_positions()["value"], before["open"]["value"] + 1)
		after = home.hires_this_quarter()
		self.assertEqual(
			(after["hires"], after["target"]), (before["hires"]["hires"] + 1, before["hires"]["target"] + 3)
		)
		self.assertEqual(after["value"], f"{after['hires']} of {after['target']}")
		self.assert_card_follows_list({**after, "value": after["hires"]})

	def test_median_days_open(self):
		ages = [
			calc.days_between(getdate(o.posted_on or o.creation), getdate(today()))
			for o in frappe.get_all(
				"Job Opening", filters={"status": "Open"}, fields=["posted_on", "creation"]
			)
		]
		self.assertEqual(home.median_days_open()["value"], round(calc.median(ages), 1))
		self.assertIn(40.0, ages, "our opening was posted 40 days ago")

	def test_personal_cards(self):
		frappe.set_user(self.recruiter)
		tasks = home.my_open_tasks()
		self.assertEqual(tasks["value"], 2)
		self.assertEqual(tasks["route_options"]["allocated_to"], self.recruiter)
		hot = home.hot_not_contacted()
		self.assertEqual(hot["value"], 1, "c1 is hot and was last called 30 days ago")
		self.assertEqual(hot["route"], ["query-report", "My Work"])
		self.assertEqual(
			hot["route_options"], {"view": "Hot or Ready, Not Contacted", "recruiter": self.recruiter}
		)
		touchpoints.record(self.cands[0], "Call", recruiter=self.recruiter)
		self.assertEqual(home.hot_not_contacted()["value"], 0, "a call today takes them off the list")

	def test_cards_answer_through_their_whitelisted_read_only_methods(self):
		for card in frappe.get_all(
			"Number Card", filters={"module": "Recruit CRM", "type": "Custom"}, pluck="method"
		):
			result = frappe.get_attr(card)()
			self.assertIn("value", result, card)
			self.assertTrue(result["route"], card)
		self.assertGreaterEqual(
			frappe.db.count("Number Card", {"module": "Recruit CRM", "is_standard": 1}),
			9,
			"shipped with the app",
		)
		self.assertEqual(frappe.db.count("Dashboard Chart", {"module": "Recruit CRM", "is_standard": 1}), 2)
