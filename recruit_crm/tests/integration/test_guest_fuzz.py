"""Every guest endpoint, fed malformed, oversized, wrong-typed and script-bearing values.

Each answer is a success that changes nothing or a 4xx with a plain message; none carries a
traceback; nothing is stored raw; no Error Log keeps the personal data that was sent.
"""

import inspect
import io
import json
import re

import frappe
from frappe.utils import now_datetime

import recruit_crm.api.portal as portal_api
from recruit_crm.tests.factories import unique_email
from recruit_crm.tests.integration.test_portal_security import PDF, PortalTestCase

SCRIPT = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
HUGE = "A" * (1024 * 1024)
MARKER = "fuzz.person.rc@example.org"
BAD_VALUES = {
	"script": SCRIPT,
	"huge": HUGE,
	"control": "\x00\x1b[31m\u202e\ufeff",
	"email-like": f"{MARKER}<script>",
	"sql-ish": "' or 1=1 -- %(pools)s %s",
	"path-ish": "../../../../etc/passwd",
}
WRONG_TYPES = {"list": ["a", "b"], "object": {"a": 1}, "number": 12345, "null": None}
STORED = (
	"RC Community Signup",
	"RC Application Submission",
	"RC Touchpoint",
	"RC Career Visit",
	"RC Consent",
	"Job Applicant",
)


def guest_endpoints() -> dict[str, tuple[tuple[str, ...], list[str]]]:
	"""Every guest-callable function in the app's portal API: (HTTP methods, parameter names)."""
	endpoints = {}
	for name, fn in inspect.getmembers(portal_api, inspect.isfunction):
		if fn in frappe.guest_methods:
			methods = tuple(frappe.allowed_http_methods_for_whitelisted_func.get(fn, ("POST",)))
			endpoints[name] = (methods, list(inspect.signature(fn).parameters))
	return endpoints


class TestGuestFuzz(PortalTestCase):
	def test_the_list_of_guest_endpoints_is_complete(self):
		expected = {
			*("apply", "track_visit", "join_community", "confirm_community", "update_preferences"),
			*("unsubscribe", "download_my_data", "request_erasure", "content_viewed", "email_open"),
			*("email_click", "portal_event", "confirm_consent"),
			*("withdraw_application", "interview_calendar"),
		}
		self.assertEqual(
			set(guest_endpoints()),
			expected,
			"a new guest endpoint needs its place in docs/security.md and in this test",
		)

	def test_bad_values_get_plain_answers_and_leave_nothing_raw(self):
		opening = self.opening()
		started = now_datetime()
		errors_before = frappe.db.count("Error Log")
		base = {
			"job_opening": opening.name,
			"applicant_name": "Fuzz Person",
			"full_name": "Fuzz Person",
			"email": unique_email("fuzz"),
			"consent": "1",
			"event": "Portal Visit",
			"content": "no-such-content",
			"utm_source": "linkedin",
		}
		for endpoint, (methods, params) in guest_endpoints().items():
			path = self.method(f"recruit_crm.api.portal.{endpoint}")
			verb = "post" if "POST" in methods else "get"
			for param in params:
				for label, value in {**BAD_VALUES, **WRONG_TYPES}.items():
					payload = {p: base.get(p, "x") for p in params}
					payload[param] = value
					frappe.cache.delete_keys("rl:")
					with self.subTest(endpoint=endpoint, param=param, value=label):
						if verb == "get":
							if label in WRONG_TYPES:
								continue  # a query string carries only text
							response = self.http("get", path, query_string=payload)
						elif label in WRONG_TYPES:
							response = self.http("post", path, json=payload)
						else:
							data = dict(payload)
							if endpoint in ("apply", "join_community"):
								data["resume"] = (io.BytesIO(PDF), "cv.pdf")
							response = self.http("post", path, data=data, content_type="multipart/form-data")
						body = response.get_data().decode("utf-8", "replace")
						self.assertLess(response.status_code, 500, body[:300])
						self.assertNotIn("Traceback", body)
						self.assertNotIn('File "', body)
						if response.status_code >= 400 and response.mimetype == "application/json":
							self.assertNotIn("exc", response.get_json() or {})
		frappe.db.rollback()
		for doctype in STORED:
			meta = frappe.get_meta(doctype)
			text_fields = [
				f.fieldname
				for f in meta.fields
				if f.fieldtype in ("Data", "Small Text", "Text", "Code", "Long Text")
			]
			rows = frappe.get_all(
				doctype, filters={"creation": (">=", started)}, fields=["name", *text_fields]
			)
			for row in rows:
				self.track(doctype, row.name)
				for field in text_fields:
					value = row.get(field) or ""
					with self.subTest(doctype=doctype, field=field):
						self.assertIsNone(
							re.search(r"<\s*[A-Za-z!/]", value), f"markup stored: {value[:80]!r}"
						)
						self.assertLess(len(value), 20_000, "nothing oversized was stored")
		new_logs = frappe.get_all(
			"Error Log",
			fields=["error", "method"],
			order_by="creation desc",
			limit=max(frappe.db.count("Error Log") - errors_before, 0),
		)
		for log in new_logs:
			self.assertNotIn(MARKER, json.dumps(log), "no Error Log keeps the personal data sent")
