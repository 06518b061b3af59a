"""Candidate data through side doors: counts, searches and lists, as the people who must not
see it (a website user, an employee, an Employee Self Service user, a sales user), over HTTP.
"""

import json

import frappe
from frappe.tests.test_api import FrappeAPITestCase
from frappe.utils import get_test_client, random_string
from frappe.utils.password import update_password

from recruit_crm.permissions import job_applicant_query_conditions
from recruit_crm.services.compliance.erasure import erase_candidate
from recruit_crm.tests.factories import (
	make_candidate,
	make_employee,
	make_interview,
	make_job_applicant,
	make_job_opening,
	make_talent_pool,
	make_user,
	unique_email,
)
from recruit_crm.tests.http import login, wsgi_request
from recruit_crm.tests.integration import RCTestCase

PASSWORD = "Rc-Side-Door-2026!"
OVERRIDDEN = {
	"frappe.client.get_count",
	"frappe.desk.reportview.get_count",
	"frappe.desk.listview.get_group_by_count",
}


def _make_person(kind: str) -> str:
	email = f"rc.{kind.lower().replace(' ', '.')}.{random_string(6).lower()}@example.org"
	roles, user_type = {
		"Website User": ((), "Website User"),
		"Employee": (("Employee",), "System User"),
		# HRMS's user type: its role comes with it, and "select" on Job Applicant (Employee links to it).
		"Employee Self Service": ((), "Employee Self Service"),
		"Sales User": (("Sales User",), "System User"),
	}[kind]
	make_user(email, roles, user_type=user_type)
	if kind == "Employee Self Service":
		make_employee(user_id=email, first_name="Ess")
	update_password(email, PASSWORD)
	return email


class SideDoorCase(RCTestCase, FrappeAPITestCase):
	PERSONAS = ("Website User", "Employee", "Employee Self Service", "Sales User")

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.secret_email = unique_email("secret")
		cls.candidate = make_candidate(email=cls.secret_email, full_name="Hidden Person").name
		cls.opening = make_job_opening().name
		cls.applicant = make_job_applicant(email=cls.secret_email, job_opening=cls.opening).name
		cls.users = {kind: _make_person(kind) for kind in cls.PERSONAS}
		frappe.db.commit()  # nosemgrep: the requests run in their own transactions

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		erase_candidate(cls.candidate)
		for user in cls.users.values():
			for employee in frappe.get_all("Employee", filters={"user_id": user}, pluck="name"):
				frappe.delete_doc("Employee", employee, force=True, ignore_permissions=True)
			frappe.delete_doc("User", user, force=True, ignore_permissions=True)
		frappe.delete_doc("Job Opening", cls.opening, force=True, ignore_permissions=True)
		frappe.db.commit()  # nosemgrep: removes what setUpClass committed
		super().tearDownClass()

	def client_for(self, kind: str):
		client = get_test_client()
		login(client, self.users[kind], PASSWORD)
		return client

	def call(self, client, method: str, verb: str = "get", **data):
		if verb == "get":
			return wsgi_request(client, "get", self.method(method), query_string=data)
		return wsgi_request(client, "post", self.method(method), data=data)


def _reveals(response, secret: str) -> bool:
	"""Whether a response says anything about the secret person (a count above 0, or a row)."""
	if response.status_code != 200:
		return False
	message = (response.get_json() or {}).get("message")
	if isinstance(message, int | float):
		return message > 0
	if isinstance(message, list) and any(isinstance(r, dict) and (r.get("count") or 0) > 0 for r in message):
		return True
	return secret in json.dumps(message, default=str)


class TestCountsRespectPermissions(SideDoorCase):
	def probes(self, doctype: str, field: str, value: str):
		filters = json.dumps({field: value})
		return {
			"frappe.client.get_count": ("get", {"doctype": doctype, "filters": filters}),
			"frappe.client.get_count (range)": (
				"get",
				{"doctype": doctype, "filters": json.dumps([[field, ">=", value]])},
			),
			"frappe.desk.reportview.get_count": ("post", {"doctype": doctype, "filters": filters}),
			"frappe.desk.listview.get_group_by_count (assigned_to)": (
				"post",
				{"doctype": doctype, "current_filters": filters, "field": "assigned_to"},
			),
			"frappe.desk.listview.get_group_by_count (owner)": (
				"post",
				{"doctype": doctype, "current_filters": filters, "field": "owner"},
			),
			"frappe.desk.search.search_link": ("get", {"doctype": doctype, "txt": value}),
			"frappe.client.get_list": ("get", {"doctype": doctype, "filters": filters, "fields": '["name"]'}),
			"frappe.client.get_value": ("get", {"doctype": doctype, "filters": filters, "fieldname": "name"}),
		}

	def test_no_persona_learns_whether_someone_is_a_candidate_or_applicant(self):
		self.assign_secret_records()
		for kind in self.PERSONAS:
			client = self.client_for(kind)
			for doctype, field in (("RC Candidate", "email"), ("Job Applicant", "email_id")):
				for label, (verb, data) in self.probes(doctype, field, self.secret_email).items():
					method = label.split(" ")[0]
					with self.subTest(persona=kind, doctype=doctype, probe=label):
						response = self.call(client, method, verb, **data)
						self.assertFalse(
							_reveals(response, self.secret_email), response.get_data(as_text=True)[:300]
						)
						if method in OVERRIDDEN:
							self.assertNotIn("Traceback", response.get_data(as_text=True))

	def assign_secret_records(self):
		from frappe.desk.form.assign_to import add

		for doctype, name in (("RC Candidate", self.candidate), ("Job Applicant", self.applicant)):
			if not frappe.db.exists("ToDo", {"reference_type": doctype, "reference_name": name}):
				add({"doctype": doctype, "name": name, "assign_to": ["Administrator"]})
		frappe.db.commit()  # nosemgrep

	def test_hr_still_counts_what_it_may_see(self):
		client = get_test_client()
		login(client, "Administrator", frappe.conf.get("admin_password") or "admin")
		response = self.call(
			client,
			"frappe.client.get_count",
			doctype="RC Candidate",
			filters=json.dumps({"email": self.secret_email}),
		)
		self.assertEqual(response.get_json()["message"], 1)
		other = self.call(client, "frappe.client.get_count", doctype="ToDo")
		self.assertEqual(other.status_code, 200, "other doctypes are untouched")


class TestJobApplicantsAreHrData(SideDoorCase):
	def test_employee_self_service_cannot_search_or_list_applicants(self):
		user = self.users["Employee Self Service"]
		client = self.client_for("Employee Self Service")
		search = self.call(
			client, "frappe.desk.search.search_link", doctype="Job Applicant", txt=self.secret_email
		)
		self.assertNotIn(self.secret_email, search.get_data(as_text=True))
		frappe.set_user(user)
		try:
			self.assertFalse(frappe.has_permission("Job Applicant", "select", doc=self.applicant))
			self.assertEqual(job_applicant_query_conditions(user), "1=0")
		finally:
			frappe.set_user("Administrator")

	def test_a_referrer_sees_their_referral_only_when_the_site_allows_it(self):
		user = self.users["Employee Self Service"]
		employee = frappe.db.get_value("Employee", {"user_id": user}, "name")
		referred = make_job_applicant(
			email=unique_email("referred"), job_opening=self.opening, source_name=employee
		)
		frappe.set_user(user)
		try:
			self.assertEqual(job_applicant_query_conditions(user), "1=0")
			self.assertFalse(frappe.has_permission("Job Applicant", "select", doc=referred.name))
			frappe.db.set_single_value("RC Settings", "employees_see_referred_applicants", 1)
			self.assertIn(employee, job_applicant_query_conditions(user))
			self.assertTrue(frappe.has_permission("Job Applicant", "select", doc=referred.name))
			self.assertFalse(frappe.has_permission("Job Applicant", "select", doc=self.applicant))
		finally:
			frappe.set_user("Administrator")
			frappe.db.set_single_value("RC Settings", "employees_see_referred_applicants", 0)
			frappe.db.rollback()

	def test_an_interviewer_sees_the_applicants_of_their_interviews(self):
		interviewer = make_user(unique_email("interviewer"), ("Interviewer",))
		mine = make_job_applicant(email=unique_email("mine"), job_opening=self.opening)
		make_interview(mine.name, interview_details=[{"interviewer": interviewer}])
		frappe.set_user(interviewer)
		try:
			self.assertTrue(job_applicant_query_conditions(interviewer).startswith("("))
			self.assertFalse(frappe.has_permission("Job Applicant", "read", doc=self.applicant))
		finally:
			frappe.set_user("Administrator")
		visible = frappe.db.sql(
			f"select name from `tabJob Applicant` where {job_applicant_query_conditions(interviewer)}",
			pluck=True,
		)
		self.assertEqual(visible, [mine.name])
		frappe.db.rollback()


class TestAudienceRulesBindValues(RCTestCase):
	def test_percent_signs_and_placeholders_in_values_are_just_text(self):
		from recruit_crm.services.nurture.audience import audience_sql

		remote = make_candidate(current_title="100% remote engineer")
		tricky = make_candidate(current_title="%(aud_pools)s and %s")
		pool = make_talent_pool(pool_name=f"RC Aud Pool {random_string(5)}")
		campaign = frappe._dict(talent_pools=[frappe._dict(talent_pool=pool.name)])
		for rules, expected in (
			([["current_title", "like", "100% remote%"]], {remote.name}),
			([["current_title", "=", "%(aud_pools)s and %s"]], {tricky.name}),
			(
				{
					"match": "all",
					"conditions": [{"field": "current_title", "operator": "like", "value": "100% remote"}],
				},
				{remote.name},
			),
		):
			with self.subTest(rules=rules):
				campaign.audience_rules = json.dumps(rules)
				sql, params = audience_sql(campaign)
				found = set(frappe.db.sql(f"select a.name from ({sql}) a", params, pluck=True))
				self.assertEqual(found, expected)
		frappe.db.rollback()


class TestReadinessReportFollowsPoolVisibility(RCTestCase):
	def test_a_hidden_pool_cannot_be_counted(self):
		from recruit_crm.recruit_crm.report.candidate_readiness.candidate_readiness import execute

		owner = make_user(unique_email("owner"), ("Recruiter",))
		other = make_user(unique_email("other"), ("Recruiter",))
		pool = make_talent_pool(visibility="Only Me", recruiter=owner)
		frappe.set_user(other)
		try:
			with self.assertRaises(frappe.PermissionError):
				execute({"talent_pool": pool.name})
		finally:
			frappe.set_user("Administrator")
		frappe.set_user(owner)
		try:
			self.assertTrue(execute({"talent_pool": pool.name}))
		finally:
			frappe.set_user("Administrator")
			frappe.db.rollback()
