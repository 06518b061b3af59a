"""No script from a guest reaches the desk: request values are stored in their proper shape,
and the desk shows free-text evidence as text.

Values come from real HTTP requests (headers a visitor controls), through Frappe's WSGI app.
"""

import frappe
from frappe.tests.test_api import FrappeAPITestCase
from frappe.utils import get_test_client

from recruit_crm.services.compliance.erasure import erase_candidate
from recruit_crm.services.engagement import tracking
from recruit_crm.services.portal import tokens
from recruit_crm.tests.factories import make_candidate, unique_email
from recruit_crm.tests.http import wsgi_request
from recruit_crm.tests.integration import RCTestCase
from recruit_crm.tests.integration.desk import DeskBrowserTestCase

SCRIPT = '<img src=x onerror="window.__rc_xss=(window.__rc_xss||0)+1"><script>window.__rc_xss=1</script>'
EVIL_HEADERS = {"User-Agent": f"Mozilla/5.0 {SCRIPT}", "X-Forwarded-For": f"{SCRIPT}, 10.0.0.1"}


def _no_markup(value) -> bool:
	return value is None or ("<" not in value and ">" not in value)


class TestStoredRequestValues(RCTestCase, FrappeAPITestCase):
	TEST_CLIENT = get_test_client()

	def setUp(self):
		frappe.cache.delete_keys("rl:")
		self.TEST_CLIENT._cookies.clear()
		self.cleanup: list[tuple[str, str]] = []

	def tearDown(self):
		frappe.db.rollback()
		for doctype, name in reversed(self.cleanup):
			if doctype == "RC Candidate":
				if frappe.db.exists(doctype, name):
					erase_candidate(name)
			elif frappe.db.exists(doctype, name):
				frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
		frappe.db.commit()  # nosemgrep: the requests committed what they created

	def post(self, method: str, headers: dict | None = None, **data):
		response = wsgi_request(
			self.TEST_CLIENT,
			"post",
			self.method(f"recruit_crm.api.portal.{method}"),
			data=data,
			headers=headers or {},
		)
		frappe.db.rollback()
		return response

	def test_a_confirmed_signup_keeps_no_script_from_headers(self):
		email = unique_email("xss")
		self.assertEqual(
			self.post(
				"join_community", EVIL_HEADERS, full_name="Xss Person", email=email, consent="1"
			).status_code,
			200,
		)
		signup = frappe.get_doc("RC Community Signup", {"email": email})
		self.cleanup.append(("RC Community Signup", signup.name))
		token = tokens.make_token(signup.name, tokens.CONFIRM_COMMUNITY)
		self.assertEqual(self.post("confirm_community", EVIL_HEADERS, t=token).status_code, 200)
		signup.reload()
		self.cleanup.insert(0, ("RC Candidate", signup.candidate))
		self.assertEqual(signup.status, "Confirmed")
		for field in ("user_agent", "confirmed_user_agent", "ip_address", "confirmed_ip_address"):
			self.assertTrue(_no_markup(signup.get(field)), f"{field} = {signup.get(field)!r}")
		self.assertTrue(signup.confirmed_user_agent.startswith("Mozilla/5.0"), "the agent itself is kept")
		self.assertEqual(
			signup.confirmed_ip_address, "127.0.0.1", "a forged X-Forwarded-For is not an address"
		)
		for row in frappe.get_all(
			"RC Consent",
			filters={"candidate": signup.candidate},
			fields=["ip_address", "user_agent", "evidence_note"],
		):
			for field, value in row.items():
				self.assertTrue(_no_markup(value), f"consent {field} = {value!r}")

	def test_a_portal_event_stores_only_a_path(self):
		candidate = make_candidate(full_name="Portal Visitor")
		frappe.db.commit()  # nosemgrep: the request must see this person
		self.cleanup.append(("RC Candidate", candidate.name))
		token = tracking.portal_event_token(candidate.name)
		for path in (f'/careers"><{SCRIPT}', "/careers/acme/engineer"):
			response = self.post("portal_event", event="Portal Visit", t=token, path=path)
			self.assertEqual(response.status_code, 200, response.get_data(as_text=True))
		details = frappe.get_all(
			"RC Touchpoint",
			filters={"candidate": candidate.name, "touchpoint_type": "Portal Visit"},
			pluck="details",
		)
		self.assertEqual(sorted(details, key=str), sorted([None, "/careers/acme/engineer"], key=str))

	def test_a_visit_landing_is_a_career_site_path_or_nothing(self):
		for i, landing in enumerate((f"/careers/{SCRIPT}", "/careers/acme/engineer")):
			self.post("track_visit", utm_source="linkedin", utm_campaign=f"rc-xss-{i}", landing=landing)
		landings = frappe.get_all(
			"RC Career Visit",
			filters={"utm_campaign": ("like", "rc-xss-%")},
			fields=["name", "landing"],
		)
		for row in landings:
			self.cleanup.append(("RC Career Visit", row.name))
		self.assertEqual(sorted(r.landing or "" for r in landings), ["", "/careers/acme/engineer"])

	def test_touchpoint_details_never_hold_markup(self):
		from recruit_crm.services.engagement.touchpoints import record

		candidate = make_candidate(full_name="Detail Person")
		record(candidate.name, "Email Replied", channel="Email", details=f"Re: {SCRIPT}")
		details = frappe.db.get_value("RC Touchpoint", {"candidate": candidate.name}, "details")
		self.assertTrue(_no_markup(details), details)
		self.assertIn("window.__rc_xss", details, "the text itself is kept")
		frappe.db.rollback()

	def test_the_patch_cleans_values_stored_before(self):
		from recruit_crm.patches.v0_2 import clean_stored_request_values

		candidate = make_candidate(full_name="Old Row")
		frappe.db.sql(
			"""insert into `tabRC Consent` (name, candidate, purpose, method, given_at, ip_address, user_agent,
				creation, modified, owner, modified_by)
			values ('rc-old-consent', %s, 'Talent Pool', 'Web Form', now(), %s, %s, now(), now(), 'Guest', 'Guest')""",
			(candidate.name, SCRIPT, SCRIPT),
		)
		clean_stored_request_values.execute()
		row = frappe.db.get_value("RC Consent", "rc-old-consent", ["ip_address", "user_agent"], as_dict=True)
		self.assertIsNone(row.ip_address)
		self.assertTrue(_no_markup(row.user_agent))
		frappe.db.rollback()


class TestDeskShowsEvidenceAsText(DeskBrowserTestCase):
	"""Even a value stored raw (by an older version) shows as text in the desk, never as HTML."""

	@classmethod
	def set_up_data(cls):
		cls.candidate = make_candidate(full_name="Desk Xss").name
		cls.signup = "rc-desk-xss-signup"
		frappe.db.sql(
			"""insert into `tabRC Community Signup` (name, email, full_name, status, user_agent,
				confirmed_user_agent, creation, modified, owner, modified_by)
			values (%s, %s, 'Desk Xss', 'Pending', %s, %s, now(), now(), 'Guest', 'Guest')""",
			(cls.signup, unique_email("deskxss"), SCRIPT, SCRIPT),
		)
		cls.touchpoint = "rc-desk-xss-touchpoint"
		frappe.db.sql(
			"""insert into `tabRC Touchpoint` (name, candidate, touchpoint_type, occurred_at, details,
				creation, modified, owner, modified_by)
			values (%s, %s, 'Portal Visit', now(), %s, now(), now(), 'Guest', 'Guest')""",
			(cls.touchpoint, cls.candidate, SCRIPT),
		)

	@classmethod
	def tear_down_data(cls):
		frappe.db.delete("RC Community Signup", {"name": cls.signup})
		erase_candidate(cls.candidate)

	def assert_shown_as_text(self, route: str) -> None:
		self.page.goto(f"{self.base}/app/{route}")
		self.page.wait_for_selector("text=window.__rc_xss", state="attached")
		self.page.wait_for_timeout(1500)  # give an injected handler every chance to run
		self.assertIsNone(self.page.evaluate("window.__rc_xss"), f"script ran on /app/{route}")
		self.assertEqual(self.page.locator("img[src='x']").count(), 0, "no injected element")

	def test_signup_evidence_is_text(self):
		self.assert_shown_as_text(f"rc-community-signup/{self.signup}")

	def test_touchpoint_details_are_text(self):
		self.assert_shown_as_text(f"rc-touchpoint/{self.touchpoint}")

	def test_the_candidate_timeline_shows_details_as_text(self):
		self.assert_shown_as_text(f"rc-candidate/{self.candidate}")
