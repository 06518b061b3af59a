"""Every route the app owns fails plainly (no internals, whatever the site's mode), links in
old emails die with the person they name, and resumes are served as downloads."""

import frappe
from frappe.installer import update_site_config
from frappe.utils import get_test_client

from recruit_crm.services.compliance.erasure import anonymise_candidate, erase_candidate
from recruit_crm.services.portal import tokens
from recruit_crm.tests.factories import make_candidate, unique_email
from recruit_crm.tests.http import login, wsgi_request
from recruit_crm.tests.integration.test_portal_security import PortalTestCase, _server_message

INTERNALS = ("Traceback", 'File "', "/apps/", "frappe.exceptions", "recruit_crm/")


class TestNoInternals(PortalTestCase):
	def setUp(self):
		super().setUp()
		self._dev_server = frappe._dev_server
		self._allow = frappe.db.get_single_value("System Settings", "allow_error_traceback")

	def tearDown(self):
		frappe._dev_server = self._dev_server
		frappe.db.set_single_value("System Settings", "allow_error_traceback", self._allow)
		frappe.db.commit()  # nosemgrep

	def modes(self):
		"""Production, a site that allows tracebacks, and a development server (bench serve)."""
		yield "production", False, 0
		yield "traceback allowed", False, 1
		yield "dev server", True, 1

	def enter(self, dev_server: bool, allow: int) -> None:
		frappe._dev_server = dev_server
		frappe.db.set_single_value("System Settings", "allow_error_traceback", allow)
		frappe.db.commit()  # nosemgrep: read by the request thread
		frappe.clear_cache()

	def assert_plain(self, response, statuses: tuple[int, ...]) -> None:
		body = response.get_data(as_text=True)
		self.assertIn(response.status_code, statuses, body[:300])
		for marker in INTERNALS:
			self.assertNotIn(marker, body)

	def test_api_errors_carry_no_traceback_in_any_mode(self):
		paths = {
			"/api/method/recruit_crm.api.portal.no_such_method": (403, 404, 417),
			"/api/v2/method/recruit_crm.api.portal.no_such_method": (403, 404, 417),
			"/api/v2/method/recruit_crm.api.portal.apply": (403, 405, 417),
			"/api/v2/method/recruit_crm.api.portal.confirm_community": (403, 405, 417),
			"/api/method/recruit_crm.api.portal.confirm_community": (403, 405, 417),
		}
		for mode, dev_server, allow in self.modes():
			self.enter(dev_server, allow)
			for path, statuses in paths.items():
				with self.subTest(mode=mode, path=path):
					for verb in ("get", "post"):
						self.assert_plain(
							self.http(verb, path, data={"t": "x"} if verb == "post" else None), statuses
						)

	def test_unknown_career_pages_are_plain_404s_in_any_mode(self):
		for developer_mode in (0, 1):
			update_site_config("developer_mode", developer_mode)
			try:
				for mode, dev_server, allow in self.modes():
					self.enter(dev_server, allow)
					for path in ("/careers/no-company/no-such-job", "/careers/stories/no-such-story"):
						with self.subTest(developer_mode=developer_mode, mode=mode, path=path):
							response = self.page(path)
							self.assert_plain(response, (404,))
			finally:
				update_site_config("developer_mode", 0)


class TestLinksDieWithThePerson(PortalTestCase):
	def test_an_anonymised_persons_links_open_nothing(self):
		doc = make_candidate(full_name="Soon Anonymous")
		self.track("RC Candidate", doc.name)
		prefs = tokens.make_token(doc.name, tokens.PREFERENCES)
		unsubscribe = tokens.make_token(doc.name, tokens.UNSUBSCRIBE)
		anonymise_candidate(doc.name)
		frappe.db.commit()  # nosemgrep
		html = self.page(f"/careers/preferences?t={prefs}").get_data(as_text=True)
		self.assertIn("invalid or has expired", html)
		self.assertNotIn("anonymised.invalid", html)
		for method, token in (
			("download_my_data", prefs),
			("request_erasure", prefs),
			("update_preferences", prefs),
			("unsubscribe", unsubscribe),
		):
			with self.subTest(method=method):
				response = self.http(
					"post", self.method(f"recruit_crm.api.portal.{method}"), data={"t": token}
				)
				self.assertEqual(response.status_code, 417)
				self.assertIn("invalid or has expired", _server_message(response))
		frappe.db.rollback()
		self.assertFalse(
			frappe.db.exists("ToDo", {"reference_name": doc.name}), "no erasure request was filed"
		)

	def test_an_erased_persons_links_open_nothing(self):
		doc = make_candidate(full_name="Soon Erased")
		prefs = tokens.make_token(doc.name, tokens.PREFERENCES)
		erase_candidate(doc.name)
		frappe.db.commit()  # nosemgrep
		self.assertIn(
			"invalid or has expired", self.page(f"/careers/preferences?t={prefs}").get_data(as_text=True)
		)


class TestResumesAreDownloads(PortalTestCase):
	def test_a_resume_is_served_as_an_attachment_with_nosniff(self):
		opening = self.opening()
		email = unique_email("headers")
		self.assertEqual(self.apply(opening.name, email).status_code, 200)
		url = frappe.db.get_value("Job Applicant", {"email_id": email}, "resume_attachment")
		client = get_test_client()
		login(client, "Administrator", frappe.conf.get("admin_password") or "admin")
		response = wsgi_request(client, "get", url)
		self.assertEqual(response.status_code, 200)
		self.assertEqual(response.headers.get("X-Content-Type-Options"), "nosniff")
		self.assertTrue(response.headers.get("Content-Disposition", "").startswith("attachment"))
		self.assertEqual(response.get_data()[:5], b"%PDF-")
