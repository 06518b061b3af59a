"""Asking people without consent for it: who is asked, one email each, and consent recorded only
when they confirm (over HTTP, with its evidence)."""

import re

import frappe

from recruit_crm.services.compliance import permission
from recruit_crm.services.compliance.erasure import erase_candidate
from recruit_crm.tests.factories import make_candidate
from recruit_crm.tests.integration.test_portal_security import PortalTestCase, _mail_text

CONFIRM = "/api/method/recruit_crm.api.portal.confirm_consent"


class TestPermissionRequests(PortalTestCase):
	def person(self, **values):
		doc = make_candidate(**values)
		self.track("RC Candidate", doc.name)
		return doc.name

	def tearDown(self):
		frappe.db.rollback()
		for doctype, name in list(self.created):
			if doctype == "RC Candidate" and frappe.db.exists(doctype, name):
				erase_candidate(name)
		self.created.clear()
		frappe.db.commit()  # nosemgrep: the requests committed what they recorded

	def test_only_people_without_permission_who_may_be_contacted_are_asked(self):
		ask = self.person()
		given = self.person(has_pool_consent=1, has_marketing_consent=1)
		dnc = self.person(do_not_contact=1)
		unsubscribed = self.person(is_unsubscribed=1)
		askable, left_out = permission.who_may_be_asked([ask, given, dnc, unsubscribed, "no-such-person"])
		self.assertEqual(askable, [ask])
		self.assertEqual(
			left_out,
			{"Already gave permission": 1, "Do not contact": 1, "Unsubscribed": 1, "Not found": 1},
		)

	def test_one_email_each_and_no_second_ask_within_ninety_days(self):
		first, second = self.person(), self.person(has_pool_consent=1)
		result = permission.ask([first, second])
		self.assertEqual(result, {"asked": 2, "queued": False, "left_out": {}})
		for name in (first, second):
			email = frappe.db.get_value("RC Candidate", name, "email")
			self.assertEqual(frappe.db.count("Email Queue Recipient", {"recipient": email}), 1)
			self.assertTrue(frappe.db.get_value("RC Candidate", name, "consent_requested_at"))
			self.assertTrue(
				frappe.db.exists(
					"RC Touchpoint", {"candidate": name, "details": "Asked for permission to keep in touch"}
				)
			)
		self.assertEqual(permission.ask([first])["left_out"], {"Asked recently": 1})
		frappe.db.rollback()

	def test_consent_is_recorded_only_when_the_person_confirms(self):
		name = self.person(has_pool_consent=1)  # asks for marketing email only
		permission.ask([name])
		frappe.db.commit()  # nosemgrep: the request thread reads the candidate
		email = frappe.db.get_value("RC Candidate", name, "email")
		mime = frappe.get_all(
			"Email Queue",
			filters={"reference_name": name, "reference_doctype": "RC Candidate"},
			pluck="message",
		)[0]
		token = re.search(r"confirm_consent\?t=([\w.\-]+)", _mail_text(mime)).group(1)
		page = self.http("get", CONFIRM, query_string={"t": token})
		self.assertEqual(page.status_code, 200)
		self.assertIn('name="t"', page.get_data(as_text=True))
		frappe.db.rollback()
		self.assertFalse(
			frappe.db.exists("RC Consent", {"candidate": name}), "a GET (or a link scanner) never consents"
		)
		forged = self.http("post", CONFIRM, data={"t": token[:-3] + "abc"})
		answer = self.http("post", CONFIRM, data={"t": token})
		self.assertEqual(forged.get_data(), answer.get_data(), "the same answer whatever the token")
		frappe.db.rollback()
		ledger = frappe.get_all(
			"RC Consent",
			filters={"candidate": name},
			fields=["purpose", "method", "evidence_form", "ip_address"],
		)
		self.assertEqual(
			[(r.purpose, r.method, r.evidence_form, r.ip_address) for r in ledger],
			[("Marketing Email", "Email Link", "Permission request email", "127.0.0.1")],
		)
		self.assertEqual(frappe.db.get_value("RC Candidate", name, "has_marketing_consent"), 1)
		self.assertTrue(email)
