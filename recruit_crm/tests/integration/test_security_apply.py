"""Applying reveals nobody: the same answer and the same work for new, known and repeat
applicants; uploads that inflate are refused; the client address is the connection's own
unless a trusted proxy says otherwise; resumes are served as downloads.
"""

import io
import zipfile
from types import SimpleNamespace
from unittest.mock import patch

import frappe
from frappe.utils import set_request

from recruit_crm.services.portal import applications
from recruit_crm.tests.factories import make_candidate, unique_email
from recruit_crm.tests.integration.test_portal_security import PDF, PortalTestCase, _server_message

SANITISED_AWAY = '<img src=x onerror="alert(1)"><!-- nothing but markup -->'


class _Upload(SimpleNamespace):
	pass


def _upload(content: bytes = PDF) -> _Upload:
	return _Upload(filename="cv.pdf", stream=io.BytesIO(content))


def _in_a_request(deferred: list) -> None:
	"""A request context whose after-response callbacks are collected instead of run."""
	set_request(
		method="POST",
		path="/api/method/recruit_crm.api.portal.apply",
		environ_base={"REMOTE_ADDR": "127.0.0.1"},
	)
	frappe.local.request.after_response = SimpleNamespace(add=deferred.append)


class TestApplyRevealsNobody(PortalTestCase):
	def _three_people(self, opening: str) -> dict[str, str]:
		known = make_candidate(email=unique_email("known"))
		self.track("RC Candidate", known.name)
		frappe.db.commit()  # nosemgrep
		applied = unique_email("applied")
		self.assertEqual(self.apply(opening, applied).status_code, 200)
		return {"unknown": unique_email("unknown"), "known": known.email, "applied": applied}

	def test_a_name_the_sanitiser_empties_gets_one_answer_for_everyone(self):
		opening = self.opening()
		people = self._three_people(opening.name)
		errors_before = frappe.db.count("Error Log")
		answers = {}
		for who, email in people.items():
			response = self.apply(opening.name, email, applicant_name=SANITISED_AWAY)
			answers[who] = (
				response.status_code,
				_server_message(response),
				response.get_data(as_text=True).count("message"),
			)
		self.assertEqual(len(set(answers.values())), 1, answers)
		self.assertEqual(answers["unknown"][:2], (417, "Full name is required."))
		frappe.db.rollback()
		new_logs = frappe.get_all(
			"Error Log",
			fields=["error", "method"],
			order_by="creation desc",
			limit=max(frappe.db.count("Error Log") - errors_before, 0),
		)
		for log in new_logs:
			for email in people.values():
				self.assertNotIn(
					email, (log.error or "") + (log.method or ""), "no Error Log carries the email"
				)

	def test_valid_applications_get_the_same_answer_and_land_correctly(self):
		opening = self.opening()
		people = self._three_people(opening.name)
		bodies = {who: self.apply(opening.name, email) for who, email in people.items()}
		self.assertEqual(
			{(r.status_code, r.get_data(as_text=True)) for r in bodies.values()},
			{(200, bodies["unknown"].get_data(as_text=True))},
		)
		self.assertEqual(
			frappe.db.count("Job Applicant", {"email_id": people["applied"]}), 1, "a repeat adds nothing"
		)
		known = frappe.db.get_value("RC Candidate", {"email": people["known"]}, "name")
		self.assertEqual(
			frappe.db.get_value("Job Applicant", {"email_id": people["known"]}, "rc_candidate"), known
		)
		self.assertTrue(frappe.db.get_value("Job Applicant", {"email_id": people["unknown"]}, "rc_candidate"))
		self.assertFalse(
			frappe.db.exists("RC Application Submission", {"email": ("in", list(people.values()))}),
			"processed submissions are gone",
		)
		# The repeat's second resume is not kept: no file belongs to a submission that is gone.
		orphans = frappe.db.sql(
			"""select f.name from `tabFile` f left join `tabRC Application Submission` s on s.name = f.attached_to_name
			where f.attached_to_doctype = 'RC Application Submission' and s.name is null"""
		)
		self.assertEqual(orphans, ())

	def test_the_request_does_the_same_work_whoever_applies(self):
		"""The in-request part runs the same statements for new, known and repeat applicants
		(what differs happens after the response), so its timing cannot tell them apart."""
		opening = self.opening()
		people = self._three_people(opening.name)
		shapes = {}
		for who, email in people.items():
			deferred = []
			statements = []
			real_sql = frappe.db.sql

			def counting_sql(query, *args, _real=real_sql, _log=statements, **kwargs):
				_log.append(" ".join(str(query).split())[:80])
				return _real(query, *args, **kwargs)

			_in_a_request(deferred)
			frappe.db.sql = counting_sql
			try:
				applications.receive_application(
					{"job_opening": opening.name, "applicant_name": "Same Work", "email": email}, _upload()
				)
			finally:
				frappe.db.sql = real_sql
				del frappe.local.request
			self.assertEqual(len(deferred), 1, "the person-dependent part waits for the response")
			shapes[who] = statements
		frappe.db.rollback()
		self.assertEqual(shapes["unknown"], shapes["known"])
		self.assertEqual(shapes["unknown"], shapes["applied"])
		joined = " ".join(shapes["unknown"])
		self.assertNotIn("tabJob Applicant", joined, "no lookup of applications in the request")
		self.assertNotIn("tabRC Candidate", joined, "no lookup of candidates in the request")

	def test_a_failed_submission_is_kept_and_retried_without_personal_data_in_logs(self):
		opening = self.opening()
		email = unique_email("retry")
		deferred = []
		_in_a_request(deferred)
		try:
			name = applications.receive_application(
				{"job_opening": opening.name, "applicant_name": "Retry Me", "email": email}, _upload()
			)
		finally:
			del frappe.local.request
		failure = frappe.ValidationError(f"Duplicate entry '{email}' for key 'email_id' (+44 20 7946 0958)")
		with patch.object(applications, "_create_applicant", side_effect=failure):
			self.assertEqual(applications.process_application(name), "failed")
		row = frappe.db.get_value(
			applications.SUBMISSION, name, ["status", "attempts", "last_error", "resume"], as_dict=True
		)
		self.assertEqual((row.status, row.attempts), ("Failed", 1))
		self.assertNotIn(email, row.last_error)
		self.assertNotIn("7946", row.last_error)
		self.assertIn("<email>", row.last_error)
		for log in frappe.get_all("Error Log", filters={"reference_name": name}, fields=["error", "method"]):
			self.assertNotIn(email, log.error + log.method)
			self.assertNotIn("Retry Me", log.error, "no local variables in the logged traceback")
		# The sweep retries it once its back-off has passed.
		frappe.db.sql(  # the site's clock, not the database server's (their zones may differ)
			f"update `tab{applications.SUBMISSION}` set modified = %s where name = %s",
			(frappe.utils.add_to_date(frappe.utils.now_datetime(), hours=-1), name),
		)
		self.assertGreaterEqual(applications.process_pending().get("created", 0), 1)
		applicant = frappe.get_doc("Job Applicant", {"email_id": email})
		self.track("Job Applicant", applicant.name)
		self.created.insert(0, ("RC Candidate", applicant.rc_candidate))
		self.assertEqual(applicant.resume_attachment, row.resume, "the resume moved onto the applicant")
		self.assertEqual(
			frappe.db.get_value(
				"File", {"file_url": row.resume}, ["attached_to_doctype", "attached_to_name"]
			),
			("Job Applicant", applicant.name),
		)
		self.assertFalse(frappe.db.exists(applications.SUBMISSION, name))

	def test_an_inflating_resume_is_refused_cleanly(self):
		buf = io.BytesIO()
		with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
			z.writestr("[Content_Types].xml", b"x")
			with z.open("word/document.xml", "w", force_zip64=True) as out:
				for _ in range(64):
					out.write(b"\0" * (1024 * 1024))
		opening = self.opening()
		email = unique_email("bomb")
		response = self.apply(opening.name, email, resume=buf.getvalue(), filename="cv.docx")
		self.assertEqual(response.status_code, 417)
		self.assertIn("damaged", _server_message(response))
		self.assertFalse(frappe.db.exists("RC Application Submission", {"email": email}))


class TestClientAddress(PortalTestCase):
	def tearDown(self):
		frappe.db.set_single_value("RC Settings", "trusted_proxies", None)
		frappe.db.commit()  # nosemgrep: the setting is read by the request threads

	def join(self, email: str, forwarded: str):
		return self.http(
			"post",
			self.method("recruit_crm.api.portal.join_community"),
			data={"full_name": "Proxy Person", "email": email, "consent": "1"},
			headers={"X-Forwarded-For": forwarded},
		)

	def test_a_forged_forwarded_for_neither_escapes_the_rate_limit_nor_becomes_evidence(self):
		emails = [unique_email("xff") for _ in range(6)]
		statuses = [self.join(email, f"198.51.100.{i}").status_code for i, email in enumerate(emails)]
		self.assertEqual(statuses, [200] * 5 + [429])
		frappe.db.rollback()
		for name, ip in frappe.get_all(
			"RC Community Signup",
			filters={"email": ("in", emails)},
			fields=["name", "ip_address"],
			as_list=True,
		):
			self.track("RC Community Signup", name)
			self.assertEqual(ip, "127.0.0.1")

	def test_a_trusted_proxy_names_the_client(self):
		frappe.db.set_single_value("RC Settings", "trusted_proxies", "127.0.0.1")
		frappe.db.commit()  # nosemgrep
		emails = [unique_email("proxied") for _ in range(6)]
		statuses = [self.join(email, f"6.6.6.6, 203.0.113.{i}").status_code for i, email in enumerate(emails)]
		self.assertEqual(statuses, [200] * 6, "each client has its own limit behind the proxy")
		frappe.db.rollback()
		rows = frappe.get_all(
			"RC Community Signup", filters={"email": ("in", emails)}, fields=["name", "ip_address"]
		)
		for row in rows:
			self.track("RC Community Signup", row.name)
		self.assertEqual(sorted(r.ip_address for r in rows), sorted(f"203.0.113.{i}" for i in range(6)))
