"""Every Job Applicant is linked to its candidate, whichever way it arrives."""

import json
import threading

import frappe
from frappe.tests.test_api import FrappeAPITestCase
from frappe.utils import get_test_client

from recruit_crm.services.candidates.backfill import link_unlinked_applicants
from recruit_crm.services.candidates.records import get_or_create_candidate
from recruit_crm.tests.factories import make_candidate, make_job_applicant, make_job_opening, unique_email
from recruit_crm.tests.integration import RCTestCase


def _candidate_for(email: str) -> list[str]:
	return frappe.get_all("RC Candidate", filters={"email": email.strip().lower()}, pluck="name")


class TestDeskAndApiLinking(RCTestCase):
	def test_desk_insert_creates_and_links_a_candidate(self):
		email = unique_email()
		applicant = make_job_applicant(
			email=email, applicant_name="Ada Lovelace", phone_number="+44 20 7946 0000"
		)
		candidates = _candidate_for(email)
		self.assertEqual(len(candidates), 1)
		self.assertEqual(applicant.rc_candidate, candidates[0])
		candidate = frappe.get_doc("RC Candidate", candidates[0])
		self.assertEqual((candidate.full_name, candidate.phone), ("Ada Lovelace", "+44 20 7946 0000"))
		self.assertEqual(candidate.crm_stage, "Applied")
		self.assertEqual(candidate.application_count, 1)

	def test_applications_in_other_case_join_the_same_person(self):
		email = unique_email()
		first = make_job_applicant(email=email)
		second = make_job_applicant(email=f" {email.upper()}")
		self.assertEqual(first.rc_candidate, second.rc_candidate)
		self.assertEqual(frappe.db.get_value("RC Candidate", first.rc_candidate, "application_count"), 2)

	def test_alternate_email_matches_the_person(self):
		candidate = make_candidate(alternate_emails=[{"email": (alt := unique_email())}])
		self.assertEqual(make_job_applicant(email=alt).rc_candidate, candidate.name)

	def test_prospect_becomes_applicant_in_one_action(self):
		from recruit_crm.api.candidate import create_job_applicant

		candidate = make_candidate(full_name="Grace Hopper")
		opening = make_job_opening()
		result = create_job_applicant(candidate.name, opening.name)
		applicant = frappe.get_doc("Job Applicant", result["job_applicant"])
		self.assertEqual(
			(applicant.rc_candidate, applicant.job_title, applicant.applicant_name),
			(candidate.name, opening.name, "Grace Hopper"),
		)
		self.assertEqual(frappe.db.get_value("RC Candidate", candidate.name, "crm_stage"), "Applied")
		with self.assertRaises(frappe.ValidationError):
			create_job_applicant(candidate.name, opening.name)

	def test_do_not_contact_prospect_is_not_converted(self):
		from recruit_crm.api.candidate import create_job_applicant

		candidate = make_candidate(do_not_contact=1)
		with self.assertRaises(frappe.ValidationError):
			create_job_applicant(candidate.name, make_job_opening().name)

	def test_rejection_of_the_only_application_makes_a_past_applicant(self):
		applicant = make_job_applicant()
		applicant.status = "Rejected"
		applicant.save()
		self.assertEqual(
			frappe.db.get_value("RC Candidate", applicant.rc_candidate, "crm_stage"), "Past Applicant"
		)

	def test_status_change_by_db_set_refreshes_the_stage(self):
		# HRMS reopens an applicant on an incoming email with db_set, which fires only on_change.
		applicant = make_job_applicant(status="Rejected")
		applicant.db_set("status", "Open")
		self.assertEqual(frappe.db.get_value("RC Candidate", applicant.rc_candidate, "crm_stage"), "Applied")

	def test_summary_endpoint_shows_the_person_behind_an_application(self):
		from recruit_crm.api.candidate import get_summary

		email = unique_email()
		first = make_job_applicant(email=email)
		second = make_job_applicant(email=email)
		summary = get_summary(second.name)
		self.assertEqual(summary["name"], second.rc_candidate)
		self.assertEqual([a["name"] for a in summary["other_applications"]], [first.name])


class TestRestApiLinking(FrappeAPITestCase):
	def tearDown(self):
		for name in getattr(self, "_cleanup", []):
			frappe.delete_doc("Job Applicant", name, force=True, ignore_permissions=True)
		for email in getattr(self, "_emails", []):
			for cand in _candidate_for(email):
				frappe.delete_doc("RC Candidate", cand, force=True, ignore_permissions=True)
		frappe.db.commit()  # nosemgrep: the request under test committed its own transaction

	def test_rest_insert_links_the_applicant(self):
		email = unique_email("rest")
		self._emails = [email]
		response = self.post(
			self.resource("Job Applicant"),
			{"applicant_name": "Rest Person", "email_id": email.upper(), "status": "Open", "sid": self.sid},
		)
		self.assertEqual(response.status_code, 200, response.data)
		data = response.json["data"]
		self._cleanup = [data["name"]]
		frappe.db.rollback()  # see what the request committed
		self.assertTrue(data["rc_candidate"])
		self.assertEqual(_candidate_for(email), [data["rc_candidate"]])

	def test_rest_insert_of_a_bad_candidate_is_a_validation_error_not_a_crash(self):
		response = self.post(
			self.resource("RC Candidate"), {"full_name": "Bad", "email": "nope", "sid": self.sid}
		)
		self.assertEqual(response.status_code, 417)
		self.assertIn("InvalidEmailAddressError", response.json.get("exc_type", ""))
		self.assertNotIn("Traceback", json.dumps(response.json.get("_server_messages", "")))


class TestGuestWebFormLinking(FrappeAPITestCase):
	"""HRMS's public job application form runs as Guest."""

	TEST_CLIENT = get_test_client()  # never the logged-in client other API test classes share

	def tearDown(self):
		for name in frappe.get_all("Job Applicant", filters={"email_id": self.email}, pluck="name"):
			frappe.delete_doc("Job Applicant", name, force=True, ignore_permissions=True)
		for cand in _candidate_for(self.email):
			frappe.delete_doc("RC Candidate", cand, force=True, ignore_permissions=True)
		frappe.db.commit()  # nosemgrep

	def test_guest_application_is_linked_to_a_new_candidate(self):
		self.email = unique_email("guest")
		opening = make_job_opening()
		frappe.db.commit()  # nosemgrep: the request runs in its own connection
		response = self.post(
			self.method("frappe.website.doctype.web_form.web_form.accept"),
			{
				"web_form": "job-application",
				"data": json.dumps(
					{"job_title": opening.name, "applicant_name": "Guest Person", "email_id": self.email}
				),
			},
		)
		self.assertEqual(response.status_code, 200, response.data)
		frappe.db.rollback()
		applicants = frappe.get_all(
			"Job Applicant", filters={"email_id": self.email}, fields=["name", "rc_candidate", "owner"]
		)
		self.assertEqual(len(applicants), 1)
		self.assertEqual(applicants[0].owner, "Guest", "the web form ran as a guest")
		self.assertEqual(_candidate_for(self.email), [applicants[0].rc_candidate])
		frappe.delete_doc("Job Opening", opening.name, force=True, ignore_permissions=True)


class TestIncomingEmailLinking(RCTestCase):
	def test_mail_to_the_jobs_inbox_creates_a_linked_applicant(self):
		from frappe.email.receive import InboundMail

		account = frappe.db.get_value("Email Account", {"append_to": "Job Applicant"}, "name")
		if not account:
			account = (
				frappe.get_doc(
					{
						"doctype": "Email Account",
						"email_account_name": "RC Jobs Inbox",
						"email_id": "rc-jobs@example.org",
						"append_to": "Job Applicant",
						"enable_incoming": 0,
						"enable_outgoing": 0,
						"no_smtp_authentication": 1,
						"awaiting_password": 0,
					}
				)
				.insert(ignore_permissions=True)
				.name
			)
		email = unique_email("mail")
		raw = (
			f"From: Mail Person <{email}>\r\nTo: jobs@example.org\r\nSubject: Application for the engineer role\r\n"
			f"Message-ID: <{frappe.generate_hash()}@example.org>\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\n"
			"Content-Type: text/plain; charset=utf-8\r\n\r\nPlease find my application.\r\n"
		)
		mail = InboundMail(raw, frappe.get_doc("Email Account", account), 1, 0, "Job Applicant")
		communication = mail.process()
		self.assertEqual(communication.reference_doctype, "Job Applicant")
		applicant = frappe.get_doc("Job Applicant", communication.reference_name)
		self.assertTrue(applicant.rc_candidate)
		self.assertEqual(_candidate_for(email), [applicant.rc_candidate])


class TestBackfill(RCTestCase):
	def test_existing_applicants_are_linked_with_one_candidate_per_person(self):
		email = unique_email("legacy")
		names = []
		for i, variant in enumerate([email, email.upper(), f"  {email} ", unique_email("legacy")]):
			name = f"legacy-{frappe.generate_hash(length=8)}-{i}"
			names.append(name)
			frappe.db.sql(
				"""insert into `tabJob Applicant` (name, applicant_name, email_id, status, creation, modified)
				values (%s, 'Legacy Person', %s, 'Rejected', now(), now())""",
				(name, variant),
			)
		linked = link_unlinked_applicants(chunk_size=2)
		self.assertGreaterEqual(linked, 4)
		links = dict(
			frappe.get_all(
				"Job Applicant",
				filters={"name": ["in", names]},
				fields=["name", "rc_candidate"],
				as_list=True,
			)
		)
		self.assertEqual(len({links[n] for n in names[:3]}), 1, "case and spacing variants are one person")
		self.assertNotEqual(links[names[0]], links[names[3]])
		self.assertEqual(frappe.db.get_value("RC Candidate", links[names[0]], "application_count"), 3)
		self.assertEqual(frappe.db.get_value("RC Candidate", links[names[0]], "crm_stage"), "Past Applicant")
		self.assertEqual(link_unlinked_applicants(), 0, "a second run has nothing left to do")


class TestConcurrentDuplicates(RCTestCase):
	"""Two requests racing for the same new email end with one candidate."""

	def test_concurrent_inserts_of_one_email_give_one_candidate(self):
		email = unique_email("race")
		site = frappe.local.site
		barrier = threading.Barrier(4)
		results, errors = [], []

		def worker(variant: str):
			frappe.init(site=site)
			frappe.connect()
			try:
				frappe.set_user("Administrator")
				barrier.wait(timeout=20)
				results.append(get_or_create_candidate(variant, {"full_name": "Racer"}))
				frappe.db.commit()  # nosemgrep
			except Exception as e:
				errors.append(repr(e))
			finally:
				frappe.destroy()

		threads = [
			threading.Thread(target=worker, args=(v,)) for v in (email, email.upper(), f" {email}", email)
		]
		for t in threads:
			t.start()
		for t in threads:
			t.join(timeout=60)
		try:
			self.assertEqual(errors, [])
			self.assertEqual(len(set(results)), 1, results)
			self.assertEqual(len(_candidate_for(email)), 1)
		finally:
			for cand in _candidate_for(email):
				frappe.delete_doc("RC Candidate", cand, force=True, ignore_permissions=True)
			frappe.db.commit()  # nosemgrep
