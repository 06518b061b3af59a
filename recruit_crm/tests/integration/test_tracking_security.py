"""The guest tracking endpoints over HTTP: signatures are checked, redirects go only where we
signed, and nothing in the response tells a visitor whether a person exists."""

import frappe
from frappe.tests.test_api import FrappeAPITestCase

from recruit_crm.services.compliance.erasure import erase_candidate
from recruit_crm.services.compliance.renewal import RENEWAL, renewal_url
from recruit_crm.services.engagement import tracking
from recruit_crm.services.portal import tokens
from recruit_crm.tests.factories import make_candidate
from recruit_crm.tests.http import wsgi_request
from recruit_crm.tests.integration import RCTestCase

PIXEL = "/api/method/recruit_crm.api.portal.email_open"
CLICK = "/api/method/recruit_crm.api.portal.email_click"
EVENT = "/api/method/recruit_crm.api.portal.portal_event"
CONFIRM = "/api/method/recruit_crm.api.portal.confirm_consent"
TARGET = "https://jobs.example.org/openings/42"


def shape(response, token: str | None = None) -> tuple:
	"""What a visitor can observe, with the token they sent masked out of the body."""
	body = response.get_data().replace(f'name="t" value="{token}"'.encode(), b'name="t" value="TOKEN"')
	return (
		response.status_code,
		response.headers.get("Content-Type"),
		response.headers.get("Location"),
		body,
	)


class TestTrackingSecurity(RCTestCase, FrappeAPITestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.candidate = make_candidate(full_name="Tracked Person").name
		frappe.db.commit()  # nosemgrep: requests run in their own transaction and must see this person

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		if frappe.db.exists("RC Candidate", cls.candidate):
			erase_candidate(cls.candidate)
		frappe.db.commit()  # nosemgrep: removes what setUpClass committed
		super().tearDownClass()

	def setUp(self):
		frappe.cache.delete_keys("rl:")  # each test starts under the rate limits

	def request(self, method: str, path: str, **kwargs):
		"""A request whose after-response work (where tracking records) runs in its own thread."""
		return wsgi_request(self.TEST_CLIENT, method, path, **kwargs)

	def get(self, path: str, params: dict | None = None, **kwargs):
		return self.request("get", path, query_string=params or {}, **kwargs)

	def post(self, path: str, data: dict, **kwargs):
		return self.request("post", path, json=data, **kwargs)

	def tokens(self, purpose: str, extra: dict | None = None) -> dict[str, str]:
		genuine = tokens.make_token(self.candidate, purpose, 30, extra)
		body, mac = genuine.split(".")
		return {
			"existing person": genuine,
			"unknown person": tokens.make_token("no-such-candidate", purpose, 30, extra),
			"forged signature": f"{body}.{mac[:-4]}AAAA",
			"expired": tokens.make_token(self.candidate, purpose, -1, extra),
			"other purpose": tokens.make_token(self.candidate, "preferences", 30, extra),
			"garbage": "not-a-token",
			"empty": "",
		}

	def recorded(self, touchpoint_type: str) -> int:
		frappe.db.rollback()  # see what the requests committed
		return frappe.db.count(
			"RC Touchpoint", {"candidate": self.candidate, "touchpoint_type": touchpoint_type}
		)

	def test_the_pixel_answers_identically_and_records_only_genuine_opens(self):
		responses = {k: shape(self.get(PIXEL, {"t": t})) for k, t in self.tokens(tracking.OPEN).items()}
		self.assertEqual(len(set(responses.values())), 1, responses)
		status, _content_type, _location, body = responses["existing person"]
		self.assertEqual(status, 200)
		self.assertTrue(body.startswith(b"\x89PNG"), "a 1x1 image")
		self.assertEqual(self.recorded("Email Opened"), 1)

	def test_a_click_goes_only_to_the_signed_url_whoever_it_names(self):
		by_kind = self.tokens(tracking.CLICK, {"u": TARGET})
		responses = {k: shape(self.get(CLICK, {"t": t})) for k, t in by_kind.items()}
		self.assertEqual(responses["existing person"], responses["unknown person"])
		self.assertEqual(responses["existing person"][:3], (302, responses["existing person"][1], TARGET))
		for kind in ("forged signature", "expired", "other purpose", "garbage", "empty"):
			self.assertEqual(responses[kind][0], 302, kind)
			self.assertEqual(responses[kind][2], "/", kind)
		self.assertEqual(self.recorded("Email Clicked"), 1)

	def test_a_signed_token_cannot_be_turned_into_an_open_redirect(self):
		for url in ("//evil.example/x", "javascript:alert(1)", "https://evil.example\r\nSet-Cookie: a=b"):
			token = tokens.make_token(self.candidate, tracking.CLICK, 30, {"u": url})
			response = self.get(CLICK, {"t": token})
			self.assertEqual((response.status_code, response.headers.get("Location")), (302, "/"))
		self.assertRaises(frappe.ValidationError, tracking.click_url, self.candidate, "//evil.example")

	def test_portal_events_answer_identically(self):
		by_kind = self.tokens(tracking.PORTAL_EVENT)
		responses = {
			k: shape(self.post(EVENT, {"event": "Portal Visit", "t": t, "path": "/jobs"}))
			for k, t in by_kind.items()
		}
		self.assertEqual(len(set(responses.values())), 1, responses)
		self.assertEqual(self.recorded("Portal Visit"), 1)

	def test_the_consent_renewal_page_reveals_nothing_and_only_a_post_consents(self):
		genuine = renewal_url(self.candidate, ["Talent Pool"], 30).split("t=")[1]
		by_kind = {**self.tokens(RENEWAL, {"p": ["Talent Pool"]}), "existing person": genuine}
		pages = {
			k: shape(self.get(CONFIRM, {"t": t}), t) for k, t in by_kind.items()
		}  # page echoes the token
		self.assertEqual(len(set(pages.values())), 1, pages)
		self.assertEqual(
			frappe.db.count("RC Consent", {"candidate": self.candidate}), 0, "a GET never consents"
		)
		frappe.cache.delete_keys("rl:")
		answers = {k: shape(self.request("post", CONFIRM, data={"t": t})) for k, t in by_kind.items()}
		self.assertEqual(len(set(answers.values())), 1, answers)
		frappe.db.rollback()
		self.assertEqual(frappe.db.count("RC Consent", {"candidate": self.candidate}), 1)
