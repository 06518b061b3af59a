"""The copies the reports read instead of joining stay current through every writer: a stay
carries its application's date, opening, department, source and recruiter and its own duration
(Recruitment Funnel), and an application carries the time of its first personal response
(Recruiter Activity). Each test changes something through the app's own paths and checks the
copy and the report cell that reads it.
"""

from datetime import timedelta

import frappe
from frappe.desk.query_report import run
from frappe.utils import add_days, get_datetime, random_string, today

from recruit_crm.domain.pipeline import MoveSource
from recruit_crm.services.engagement import first_response, touchpoints
from recruit_crm.services.pipeline import history, stay_facts, transitions, workflow
from recruit_crm.services.pipeline.history import Entry
from recruit_crm.tests.factories import make_job_applicant, make_job_opening, make_user
from recruit_crm.tests.integration import RCTestCase

STAGE = "RC Application Stage"


class TestAnalyticsCopies(RCTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.tag = random_string(6)
		cls.recruiter = make_user(f"rct.copies.{cls.tag.lower()}@example.org", roles=("Recruiter",))
		company = frappe.db.get_value("Company", {}, "name")
		cls.departments = [
			frappe.get_doc(
				{"doctype": "Department", "department_name": f"RCT Copies {cls.tag} {i}", "company": company}
			)
			.insert(ignore_permissions=True)
			.name
			for i in (1, 2)
		]
		cls.openings = [
			make_job_opening(title=f"RCT Copies Opening {cls.tag} {i}", department=d).name
			for i, d in enumerate(cls.departments, start=1)
		]

	def setUp(self):
		frappe.set_user("Administrator")
		frappe.db.savepoint("rct_copies")  # each test's own changes go; the openings stay
		self.pipeline = workflow.require()
		self.app = make_job_applicant(
			job_opening=self.openings[0], applicant_name=f"RCT Copies {self.tag}", rc_recruiter=self.recruiter
		)
		self.candidate = self.app.rc_candidate
		self.created = get_datetime(frappe.db.get_value("Job Applicant", self.app.name, "creation"))

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback(save_point="rct_copies")

	def stays(self) -> list[dict]:
		return frappe.get_all(
			STAGE,
			filters={"job_applicant": self.app.name},
			fields=[
				"state",
				"applied_at",
				"job_opening",
				"department",
				"recruiter",
				"left_at",
				"seconds_in_stage",
				"is_first_entry",
			],
			order_by="entered_at asc, creation asc",
		)

	def funnel_entries(self, **filters) -> dict[str, int]:
		result = run("Recruitment Funnel", filters={"from_date": add_days(today(), -1), **filters})
		return {r["state"]: r["entries"] for r in result["result"] if r["entries"]}

	def first_response_at(self):
		return frappe.db.get_value("Job Applicant", self.app.name, first_response.FIELD)

	def test_a_new_application_and_a_stage_move_carry_the_application_facts(self):
		first = self.pipeline.first.name
		target = next(
			s.name
			for s in self.pipeline.states
			if self.pipeline.any_move_to(first, s.name) and s.name != first
		)
		transitions.move([self.app.name], target, check_roles=False, notify=False)
		stays = self.stays()
		self.assertEqual([s.state for s in stays], [first, target], "the first stay and the move's")
		for s in stays:
			self.assertEqual(
				(get_datetime(s.applied_at), s.job_opening, s.department, s.recruiter),
				(self.created, self.openings[0], self.departments[0], self.recruiter),
				"every stay carries the application's date, opening, department and recruiter",
			)
		left, entered = (
			get_datetime(stays[0].left_at),
			get_datetime(
				frappe.db.get_value(STAGE, {"job_applicant": self.app.name, "state": first}, "entered_at")
			),
		)
		self.assertEqual(
			stays[0].seconds_in_stage, int((left - entered).total_seconds()), "an ended stay's duration"
		)
		self.assertEqual(stays[1].seconds_in_stage, 0, "a running stay has no duration yet")
		self.assertEqual(
			self.funnel_entries(job_opening=self.openings[0]),
			{first: 1, target: 1},
			"the funnel reads the stays",
		)
		self.assertEqual(
			self.funnel_entries(department=self.departments[0], recruiter=self.recruiter),
			{first: 1, target: 1},
		)
		# Back in the first state: a second stay there, and still one application that entered it.
		history.record_entries(
			self.pipeline,
			[Entry(self.app.name, self.candidate, self.openings[0], first)],
			source=MoveSource.RECRUITER,
		)
		self.assertEqual(
			[(s.state, s.is_first_entry) for s in self.stays()], [(first, 1), (target, 1), (first, 0)]
		)
		self.assertEqual(self.funnel_entries(job_opening=self.openings[0]), {first: 1, target: 1})

	def test_an_application_moved_to_another_opening_takes_its_stays_along(self):
		self.app.reload()
		self.app.job_title = self.openings[1]
		self.app.save(ignore_permissions=True)
		self.assertEqual(
			{(s.job_opening, s.department) for s in self.stays()}, {(self.openings[1], self.departments[1])}
		)
		first = self.pipeline.first.name
		self.assertEqual(self.funnel_entries(job_opening=self.openings[1]), {first: 1})
		self.assertEqual(
			self.funnel_entries(job_opening=self.openings[0]), {}, "no longer the first opening's"
		)
		self.assertEqual(self.funnel_entries(department=self.departments[1]), {first: 1})

	def test_an_opening_moved_to_another_department_takes_its_stays_along(self):
		opening = frappe.get_doc("Job Opening", self.openings[0])
		opening.department = self.departments[1]
		opening.save(ignore_permissions=True)
		self.assertEqual({s.department for s in self.stays()}, {self.departments[1]})
		self.assertEqual(self.funnel_entries(department=self.departments[0]), {})
		self.assertEqual(self.funnel_entries(department=self.departments[1]), {self.pipeline.first.name: 1})

	def test_first_response_follows_late_and_backdated_touches(self):
		def touch(kind: str, hours: float, recruiter: str | None = self.recruiter) -> None:
			touchpoints.record(
				self.candidate, kind, occurred_at=self.created + timedelta(hours=hours), recruiter=recruiter
			)

		frappe.db.sql(
			f"update `tabJob Applicant` set {first_response.FIELD} = null where name = %s", self.app.name
		)
		touch("Note", 1)
		touch("Email Opened", 1, recruiter=None)
		self.assertIsNone(self.first_response_at(), "a note, or a touch naming no recruiter, is no response")
		touch("Call", 5)
		self.assertEqual(get_datetime(self.first_response_at()), self.created + timedelta(hours=5))
		touch("Message", 9)
		self.assertEqual(
			get_datetime(self.first_response_at()), self.created + timedelta(hours=5), "a later touch"
		)
		touch("Meeting", 2)
		self.assertEqual(
			get_datetime(self.first_response_at()),
			self.created + timedelta(hours=2),
			"a backdated touch, logged late",
		)
		touch("Call", -3)
		self.assertEqual(
			get_datetime(self.first_response_at()),
			self.created + timedelta(hours=2),
			"before the application",
		)
		rows = run(
			"Recruiter Activity", filters={"from_date": add_days(today(), -1), "recruiter": self.recruiter}
		)["result"]
		r = next(r for r in rows if r["recruiter"] == self.recruiter)
		self.assertEqual(
			(r["new_applications"], r["answered"], r["median_first_response_hours"]), (1, 1, 2.0)
		)

	def test_backfill_restores_what_the_writers_keep(self):
		touchpoints.record(
			self.candidate, "Call", occurred_at=self.created + timedelta(hours=3), recruiter=self.recruiter
		)
		kept = (self.stays(), self.first_response_at())
		frappe.db.sql(
			f"""update `tab{STAGE}` set applied_at = null, department = null, recruiter = null, seconds_in_stage = -1,
				is_first_entry = 0
			where job_applicant = %s""",
			self.app.name,
		)
		frappe.db.sql(
			f"update `tabJob Applicant` set {first_response.FIELD} = null where name = %s", self.app.name
		)
		stay_facts.refresh_stays([self.app.name])
		first_response.recompute([self.app.name])
		self.assertEqual((self.stays(), self.first_response_at()), kept)
