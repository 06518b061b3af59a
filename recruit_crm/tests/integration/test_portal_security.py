"""Career site and candidate portal over real HTTP: every guest rule has a test here.

Requests go through Frappe's WSGI app in another thread with its own connection (they commit),
so each test commits its fixtures first and removes what it created afterwards.
"""

import io
import json
import re

import frappe
from frappe.tests.test_api import FrappeAPITestCase
from frappe.utils import add_days, get_test_client, random_string

from recruit_crm.services.portal import tokens
from recruit_crm.tests.factories import make_candidate, make_job_opening, unique_email
from recruit_crm.tests.http import wsgi_request

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"


class PortalTestCase(FrappeAPITestCase):
	# A client of its own: FrappeAPITestCase shares one cookie jar across classes, and a class that
	# logged in before would make these "guest" requests run as Administrator.
	TEST_CLIENT = get_test_client()

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.created: list[tuple[str, str]] = []
		frappe.cache.delete_keys("rl:")  # rate-limit counters of earlier runs

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		for doctype, name in reversed(cls.created):
			if frappe.db.exists(doctype, name):
				frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
		frappe.db.commit()  # nosemgrep: the requests under test committed their rows
		super().tearDownClass()

	def setUp(self):
		frappe.cache.delete_keys("rl:")
		self.TEST_CLIENT._cookies.clear()  # every test starts as a fresh, anonymous visitor

	def http(self, verb: str, path: str, **kwargs):
		"""A request through the WSGI app, in its own thread and connection (as a browser would)."""
		return wsgi_request(self.TEST_CLIENT, verb, path, **kwargs)

	def track(self, doctype: str, name: str) -> str:
		self.created.append((doctype, name))
		return name

	def opening(self, **values):
		doc = make_job_opening(**values)
		self.track("Job Opening", doc.name)
		frappe.db.commit()  # nosemgrep: visible to the request thread
		return doc

	def apply(self, opening: str, email: str, resume: bytes = PDF, filename: str = "cv.pdf", **extra):
		data = {"job_opening": opening, "applicant_name": "Web Person", "email": email, **extra}
		if resume is not None:
			data["resume"] = (io.BytesIO(resume), filename)
		response = self.http(
			"post", self.method("recruit_crm.api.portal.apply"), data=data, content_type="multipart/form-data"
		)
		frappe.db.rollback()  # see what the request committed
		for name in frappe.get_all(
			"Job Applicant", filters={"email_id": email.strip().lower()}, pluck="name"
		):
			if ("Job Applicant", name) not in self.created:
				self.track("Job Applicant", name)
				candidate = frappe.db.get_value("Job Applicant", name, "rc_candidate")
				if candidate and ("RC Candidate", candidate) not in self.created:
					self.created.insert(0, ("RC Candidate", candidate))
		return response

	def page(self, path: str):
		return self.http("get", self.site_url + path, headers={"Accept": "text/html"})


def _mail_text(mime: str) -> str:
	"""The decoded text of every part of a queued MIME message."""
	import email

	message = email.message_from_string(mime)
	return "".join(
		part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
		for part in message.walk()
		if part.get_content_maintype() == "text"
	)


def _server_message(response) -> str:
	try:
		return json.loads(json.loads(response.json["_server_messages"])[0])["message"]
	except (KeyError, TypeError, ValueError):
		return ""


class TestCareerPages(PortalTestCase):
	def test_list_shows_open_published_jobs_only(self):
		shown = self.opening(title=f"RC Shown {random_string(5)}")
		hidden = self.opening(title=f"RC Hidden {random_string(5)}", publish=0)
		html = self.page("/careers?q=" + shown.job_title.replace(" ", "+")).get_data(as_text=True)
		self.assertIn(shown.job_title, html)
		self.assertNotIn(hidden.job_title, self.page("/careers?q=RC+Hidden").get_data(as_text=True))

	def test_visitor_input_is_escaped_in_the_page(self):
		html = self.page("/careers?q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E").get_data(as_text=True)
		self.assertIn("&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;", html)
		self.assertNotIn("<script>alert(1)</script>", html)

	def test_filtered_request_is_never_answered_from_the_unfiltered_cache(self):
		unique = f"RC Unique {random_string(6)}"
		self.opening(title=unique)
		self.page("/careers")  # fills the page cache
		filtered = self.page("/careers?q=" + unique.replace(" ", "+")).get_data(as_text=True)
		self.assertIn(unique, filtered)
		self.assertIn("(1)", filtered, "the filtered page counts one match")

	def test_job_page_has_structured_data_and_share_cards(self):
		opening = self.opening(
			title=f"RC Data Analyst {random_string(5)}", description="<p>Analyse things</p>"
		)
		from recruit_crm.services.portal.careers import job_path

		response = self.page(job_path(opening.route))
		self.assertEqual(response.status_code, 200)
		html = response.get_data(as_text=True)
		data = json.loads(
			re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
		)
		self.assertEqual((data["@type"], data["title"]), ("JobPosting", opening.job_title))
		self.assertEqual(data["hiringOrganization"]["name"], opening.company)
		self.assertIn('property="og:title"', html)
		self.assertIn('name="twitter:card"', html)
		self.assertIn("utm_source%3Dlinkedin", html)

	def test_closed_job_page_is_not_found(self):
		opening = self.opening(title=f"RC Closing {random_string(5)}")
		from recruit_crm.services.portal.careers import job_path

		frappe.db.set_value("Job Opening", opening.name, "status", "Closed")
		frappe.db.commit()  # nosemgrep
		frappe.website.utils.clear_cache()
		self.assertEqual(self.page(job_path(opening.route)).status_code, 404)

	def test_pages_are_light_and_labelled(self):
		html = self.page("/careers/community").get_data(as_text=True)
		self.assertLess(len(html), 40_000, "no icon sprites or desk bundles on career pages")
		for field in ("full_name", "email", "skills", "preferred_locations", "resume", "consent"):
			self.assertRegex(html, rf"<label[^>]*>(?:(?!</label>).)*name=\"{field}\"", f"{field} has a label")


class TestApply(PortalTestCase):
	def test_guest_application_creates_a_linked_applicant_with_a_private_resume(self):
		opening = self.opening()
		email = unique_email("apply")
		response = self.apply(
			opening.name, email, utm_source="linkedin", utm_campaign="spring", consent_talent_pool="1"
		)
		self.assertEqual(response.status_code, 200, response.get_data(as_text=True))
		applicant = frappe.get_doc("Job Applicant", {"email_id": email})
		self.assertEqual((applicant.owner, applicant.job_title), ("Guest", opening.name))
		self.assertEqual((applicant.rc_utm_source, applicant.rc_utm_campaign), ("linkedin", "spring"))
		self.assertTrue(applicant.rc_candidate)
		file = frappe.get_doc("File", {"file_url": applicant.resume_attachment})
		self.assertTrue(file.is_private)
		self.assertTrue(
			file.file_name.endswith(".pdf") and "cv" not in file.file_name, "name never from the visitor"
		)
		candidate = frappe.get_doc("RC Candidate", applicant.rc_candidate)
		self.assertEqual(candidate.source_campaign, "spring")
		self.assertTrue(candidate.has_pool_consent)
		self.assertTrue(frappe.db.exists("RC Consent", {"candidate": candidate.name, "method": "Web Form"}))

	def test_guests_cannot_download_a_resume(self):
		opening = self.opening()
		email = unique_email("private")
		self.apply(opening.name, email)
		url = frappe.db.get_value("Job Applicant", {"email_id": email}, "resume_attachment")
		response = self.http("get", self.site_url + url)
		self.assertIn(response.status_code, (403, 404))
		self.assertNotIn(b"%PDF", response.get_data())

	def test_content_is_checked_not_the_file_name(self):
		opening = self.opening()
		email = unique_email("exe")
		response = self.apply(opening.name, email, resume=EXE, filename="cv.pdf")
		self.assertEqual(response.status_code, 417)
		self.assertIn("Only PDF, Word", _server_message(response))
		self.assertNotIn("Traceback", response.get_data(as_text=True))
		self.assertFalse(frappe.db.exists("Job Applicant", {"email_id": email}), "nothing is stored")

	def test_oversized_resume_is_refused(self):
		opening = self.opening()
		response = self.apply(opening.name, unique_email("big"), resume=PDF + b"0" * (6 * 1024 * 1024))
		self.assertEqual(response.status_code, 417)
		self.assertIn("larger than", _server_message(response))

	def test_known_and_unknown_people_get_identical_answers(self):
		opening = self.opening()
		known = make_candidate(email=unique_email("known"))
		self.track("RC Candidate", known.name)
		frappe.db.commit()  # nosemgrep
		first = self.apply(opening.name, known.email)
		again = self.apply(opening.name, known.email)
		unknown = self.apply(opening.name, unique_email("unknown"))
		self.assertEqual(
			{(r.status_code, r.get_data(as_text=True)) for r in (first, again, unknown)},
			{(200, first.get_data(as_text=True))},
		)
		self.assertEqual(
			frappe.db.count("Job Applicant", {"email_id": known.email}), 1, "applying twice adds nothing"
		)

	def test_honeypot_stores_nothing_and_looks_like_success(self):
		opening = self.opening()
		email = unique_email("bot")
		response = self.apply(opening.name, email, website="http://spam.example")
		self.assertEqual(response.status_code, 200)
		self.assertFalse(frappe.db.exists("Job Applicant", {"email_id": email}))

	def test_apply_is_rate_limited(self):
		opening = self.opening()
		statuses = [self.apply(opening.name, "bad-email", resume=None).status_code for _ in range(6)]
		self.assertEqual(statuses[:5], [417] * 5)
		self.assertEqual(statuses[5], 429)

	def test_closed_opening_is_refused(self):
		opening = self.opening()
		frappe.db.set_value("Job Opening", opening.name, "status", "Closed")
		frappe.db.commit()  # nosemgrep
		response = self.apply(opening.name, unique_email("closed"))
		self.assertEqual(response.status_code, 417)
		self.assertIn("no longer open", _server_message(response))


class TestTalentCommunity(PortalTestCase):
	def join(self, email: str, **extra):
		data = {"full_name": "Community Person", "email": email, "consent": "1", **extra}
		response = self.http(
			"post",
			self.method("recruit_crm.api.portal.join_community"),
			data=data,
			content_type="multipart/form-data",
		)
		frappe.db.rollback()
		for name in frappe.get_all("RC Community Signup", filters={"email": email}, pluck="name"):
			self.track("RC Community Signup", name)
		return response

	def test_double_opt_in_puts_the_person_in_the_pool_with_consent(self):
		email = unique_email("community")
		response = self.join(
			email, interests=json.dumps(["Engineering", "Not An Option"]), skills="Python, SQL"
		)
		self.assertEqual(response.status_code, 200)
		signup = frappe.get_doc("RC Community Signup", {"email": email})
		self.assertEqual(signup.status, "Pending")
		self.assertEqual(signup.interests, "Engineering", "only offered interests are kept")
		self.assertFalse(frappe.db.exists("RC Candidate", {"email": email}), "nobody joins before confirming")
		queued = frappe.get_all("Email Queue", filters={"reference_name": signup.name}, pluck="message")
		self.assertEqual(len(queued), 1)
		token = re.search(r"community-confirm\?t=([\w.\-]+)", _mail_text(queued[0])).group(1)

		confirm = self.http(
			"post", self.method("recruit_crm.api.portal.confirm_community"), data={"t": token}
		)
		self.assertEqual(confirm.status_code, 200, confirm.get_data(as_text=True))
		frappe.db.rollback()
		candidate = frappe.db.get_value("RC Candidate", {"email": email}, "name")
		self.created.insert(0, ("RC Candidate", candidate))
		flags = frappe.db.get_value(
			"RC Candidate",
			candidate,
			["has_pool_consent", "has_marketing_consent", "interests"],
			as_dict=True,
		)
		self.assertEqual(
			(flags.has_pool_consent, flags.has_marketing_consent, flags.interests), (1, 1, "Engineering")
		)
		from recruit_crm.services.pools import membership, system

		self.assertTrue(membership.is_member(system.system_pool("Talent Community"), candidate))
		again = self.http("post", self.method("recruit_crm.api.portal.confirm_community"), data={"t": token})
		self.assertEqual(again.status_code, 200, "confirming twice is harmless")

	def test_forged_or_foreign_tokens_are_refused_alike(self):
		answers = set()
		for token in (
			"garbage",
			tokens.make_token("missing-signup", tokens.CONFIRM_COMMUNITY),
			tokens.make_token("x", tokens.PREFERENCES),
		):
			response = self.http(
				"post", self.method("recruit_crm.api.portal.confirm_community"), data={"t": token}
			)
			answers.add((response.status_code, _server_message(response)))
		self.assertEqual(len(answers), 1)
		self.assertEqual(next(iter(answers))[0], 417)

	def test_consent_is_required(self):
		response = self.join(unique_email("noconsent"), consent="0")
		self.assertEqual(response.status_code, 417)


class TestPreferenceCentre(PortalTestCase):
	def candidate(self):
		doc = make_candidate(email=unique_email("prefs"), full_name="Pref Person")
		self.track("RC Candidate", doc.name)
		frappe.db.commit()  # nosemgrep
		return doc

	def post(self, method: str, **data):
		response = self.http("post", self.method(f"recruit_crm.api.portal.{method}"), data=data)
		frappe.db.rollback()
		return response

	def test_signed_link_opens_the_page_and_saves_preferences(self):
		doc = self.candidate()
		token = tokens.make_token(doc.name, tokens.PREFERENCES)
		html = self.page(f"/careers/preferences?t={token}").get_data(as_text=True)
		self.assertIn(doc.email, html)
		response = self.post(
			"update_preferences",
			t=token,
			email_frequency="Monthly",
			pause_weeks="4",
			interests=json.dumps(["Data"]),
		)
		self.assertEqual(response.status_code, 200, response.get_data(as_text=True))
		doc.reload()
		self.assertEqual((doc.email_frequency, doc.interests), ("Monthly", "Data"))
		self.assertEqual(str(doc.emails_paused_until), str(add_days(frappe.utils.today(), 28)))

	def test_expired_tampered_and_unknown_links_look_the_same(self):
		doc = self.candidate()
		good = tokens.make_token(doc.name, tokens.PREFERENCES)
		expired = tokens.make_token(doc.name, tokens.PREFERENCES, ttl_days=-1)
		unknown = tokens.make_token("no-such-candidate", tokens.PREFERENCES)
		tampered = good[:-3] + ("aaa" if not good.endswith("aaa") else "bbb")
		pages = {
			self.page(f"/careers/preferences?t={t}").get_data(as_text=True).replace(t, "")
			for t in (expired, unknown, tampered)
		}
		self.assertEqual(len(pages), 1)
		self.assertIn("invalid or has expired", pages.pop())
		answers = {
			(r.status_code, _server_message(r))
			for r in (
				self.post("update_preferences", t=t, full_name="X") for t in (expired, unknown, tampered)
			)
		}
		self.assertEqual(len(answers), 1)
		self.assertEqual(frappe.db.get_value("RC Candidate", doc.name, "full_name"), "Pref Person")

	def test_one_click_unsubscribe_stops_marketing(self):
		doc = self.candidate()
		url = tokens.unsubscribe_url(doc.name)
		path = url[url.index("/api/") :]
		response = self.http("post", self.site_url + path, data={"List-Unsubscribe": "One-Click"})
		self.assertEqual(response.status_code, 200, response.get_data(as_text=True))
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value("RC Candidate", doc.name, "is_unsubscribed"), 1)

	def test_download_my_data_returns_their_record_only_with_a_valid_link(self):
		doc = self.candidate()
		token = tokens.make_token(doc.name, tokens.PREFERENCES)
		response = self.post("download_my_data", t=token)
		self.assertEqual(response.status_code, 200)
		self.assertIn(doc.email, response.get_data(as_text=True))
		self.assertEqual(self.post("download_my_data", t="nope").status_code, 417)

	def test_erasure_request_stops_contact_and_asks_hr(self):
		doc = self.candidate()
		token = tokens.make_token(doc.name, tokens.PREFERENCES)
		response = self.post("request_erasure", t=token)
		self.assertEqual(response.status_code, 200)
		self.assertEqual(frappe.db.get_value("RC Candidate", doc.name, "do_not_contact"), 1)
		todos = frappe.get_all(
			"ToDo", filters={"reference_type": "RC Candidate", "reference_name": doc.name}, pluck="name"
		)
		self.assertTrue(todos)
		for todo in todos:
			self.track("ToDo", todo)


class TestPagesLoadTheirContext(PortalTestCase):
	"""Frappe looks for a page's code under the page name with dashes made underscores: a page whose
	module is named with dashes renders without its context (no branding, and no `no_cache`)."""

	def test_the_confirm_pages_carry_the_career_site_branding(self):
		company = f"RC Brand {random_string(6)}"
		before = frappe.db.get_single_value("RC Settings", "careers_company")
		frappe.db.set_single_value("RC Settings", "careers_company", company)
		frappe.db.commit()  # nosemgrep: visible to the request thread
		frappe.clear_cache(doctype="RC Settings")
		try:
			for path in (
				"/careers/community-confirm?t=x",
				"/careers/event-confirm?t=x",
				"/careers/event-cancel?t=x",
			):
				response = self.page(path)
				self.assertEqual(response.status_code, 200, path)
				self.assertIn(company, response.get_data(as_text=True), path)
		finally:
			frappe.db.set_single_value("RC Settings", "careers_company", before)
			frappe.db.commit()  # nosemgrep: restore the setting for the other tests
			frappe.clear_cache(doctype="RC Settings")
