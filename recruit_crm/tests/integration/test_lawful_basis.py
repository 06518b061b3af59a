"""Lawful basis per purpose: consent by default; legitimate interest when a site chooses it, with
the notice and a one-click objection in every message, and the basis each contact relied on kept
in the send ledger."""

from urllib.parse import urlsplit

import frappe
from frappe.tests.test_api import FrappeAPITestCase, make_request
from frappe.utils import add_days, today

from recruit_crm.services.compliance import consent
from recruit_crm.services.nurture import audience
from recruit_crm.services.pools.membership import active_members, add_members
from recruit_crm.tests.factories import make_talent_pool
from recruit_crm.tests.integration.nurture_case import MESSAGE, NurtureCase

NOTICE = "We write about openings because you once applied to us."


class TestLegitimateInterest(NurtureCase, FrappeAPITestCase):
	def setUp(self):
		super().setUp()
		self.before = {
			f: frappe.db.get_single_value("RC Settings", f)
			for f in ("marketing_basis", "talent_pool_basis", "legitimate_interest_notice")
		}

	def tearDown(self):
		for field, value in self.before.items():
			frappe.db.set_single_value("RC Settings", field, value)
		frappe.db.commit()  # nosemgrep: restore the site's choice
		super().tearDown()

	def choose(self, basis: str, notice: str | None = NOTICE) -> None:
		frappe.db.set_single_value("RC Settings", "marketing_basis", basis)
		frappe.db.set_single_value("RC Settings", "legitimate_interest_notice", notice)
		frappe.db.commit()  # nosemgrep: the sender reads committed settings

	def test_on_consent_people_who_never_consented_are_left_out(self):
		self.choose("Consent")
		never_asked = self.person(has_marketing_consent=0)
		campaign = self.campaign()
		result = audience.enroll(campaign.name, [never_asked.name])
		self.assertEqual(result, {"enrolled": 0, "skipped": 1})

	def test_on_legitimate_interest_they_get_the_notice_and_the_ledger_says_so(self):
		self.choose("Legitimate Interest")
		never_asked = self.person(has_marketing_consent=0)
		consented = self.person()
		campaign = self.campaign()
		self.launch_with(campaign, [never_asked, consented])
		self.send()
		mails = {m["To"]: m for m in self.received()}
		self.assertEqual(len(mails), 2)
		li_html = self.html_of(mails[never_asked.email])
		self.assertIn(NOTICE, li_html)
		self.assertIn("Object to these emails", li_html)
		self.assertNotIn(NOTICE, self.html_of(mails[consented.email]), "consent needs no notice")
		basis = dict(
			frappe.get_all(
				MESSAGE,
				filters={"nurture_campaign": campaign.name},
				fields=["candidate", "lawful_basis"],
				as_list=True,
			)
		)
		self.assertEqual(
			basis, {never_asked.name: "Legitimate Interest", consented.name: "Consent"}, "basis per contact"
		)

	def test_the_one_click_objection_stops_them_and_legitimate_interest_never_brings_them_back(self):
		self.choose("Legitimate Interest")
		person = self.person(has_marketing_consent=0)
		first = self.campaign()
		self.launch_with(first, [person])
		self.send()
		html = self.html_of(self.received()[0])
		link = html.split("Object to these emails")[0].rsplit('href="', 1)[1].split('"')[0]
		parts = urlsplit(link)
		self.assertEqual(parts.path, "/careers/unsubscribe")
		response = make_request(
			target=self.TEST_CLIENT.post,
			args=("/api/method/recruit_crm.api.portal.unsubscribe",),
			kwargs={"data": {"t": dict(p.split("=", 1) for p in parts.query.split("&"))["t"]}},
		)
		self.assertEqual(response.status_code, 200, response.get_data(as_text=True))
		frappe.db.commit()  # nosemgrep: see the request's writes
		self.assertEqual(frappe.db.get_value("RC Candidate", person.name, "marketing_objection"), 1)
		# Even after they are re-subscribed by hand, the objection holds on legitimate interest.
		frappe.db.set_value("RC Candidate", person.name, "is_unsubscribed", 0)
		second = self.campaign()
		self.assertEqual(audience.enroll(second.name, [person.name]), {"enrolled": 0, "skipped": 1})
		# Consent given again lifts it.
		consent.give(person.name, "Marketing Email", "Web Form")
		self.assertEqual(frappe.db.get_value("RC Candidate", person.name, "marketing_objection"), 0)
		self.assertEqual(audience.enroll(second.name, [person.name]), {"enrolled": 1, "skipped": 0})

	def test_a_recruiter_withdrawal_is_an_objection_too(self):
		self.choose("Legitimate Interest")
		person = self.person()
		consent.give(person.name, "Marketing Email", "Recruiter")
		consent.withdraw(person.name, "Marketing Email", "Recruiter")
		campaign = self.campaign()
		self.assertEqual(audience.enroll(campaign.name, [person.name]), {"enrolled": 0, "skipped": 1})

	def test_preview_shows_the_notice_with_an_inert_objection_link(self):
		from recruit_crm.services.nurture.rendering import PREVIEW_UNSUBSCRIBE, Renderer

		self.choose("Legitimate Interest", notice=None)
		person = self.person(has_marketing_consent=0)
		campaign = self.campaign()
		renderer = Renderer(preview=True)
		renderer.load_people([person.name])
		_subject, html, _t = renderer.render(
			{"name": "p", "nurture_campaign": campaign.name, "step_key": campaign.steps[0].step_key,
				"variant": "A", "candidate": person.name},
		)  # fmt: skip
		self.assertIn("legitimate interest", html)  # the default notice
		self.assertIn(f'href="{PREVIEW_UNSUBSCRIBE}"', html)

	def test_on_legitimate_interest_pools_keep_people_whose_consent_lapsed(self):
		pool = make_talent_pool()
		kept, dropped = self.person(), self.person()
		for person in (kept, dropped):
			consent.give(person.name, "Talent Pool", "Web Form", expires_on=add_days(today(), 30))
		add_members(pool.name, [kept.name, dropped.name], "test")
		frappe.db.sql(
			"update `tabRC Consent` set expires_on = %s where candidate = %s",
			(add_days(today(), -1), kept.name),
		)
		frappe.db.set_value("RC Candidate", kept.name, "consent_expires_on", add_days(today(), -1))
		frappe.db.set_single_value("RC Settings", "talent_pool_basis", "Legitimate Interest")
		consent.expire_lapsed_consents()
		self.assertEqual(frappe.db.get_value("RC Candidate", kept.name, "has_pool_consent"), 0)
		self.assertEqual(sorted(active_members(pool.name)), sorted([kept.name, dropped.name]))

		frappe.db.sql(
			"update `tabRC Consent` set expires_on = %s where candidate = %s",
			(add_days(today(), -1), dropped.name),
		)
		frappe.db.set_value("RC Candidate", dropped.name, "consent_expires_on", add_days(today(), -1))
		frappe.db.set_single_value("RC Settings", "talent_pool_basis", "Consent")
		consent.expire_lapsed_consents()
		self.assertEqual(active_members(pool.name), [kept.name], "on consent, lapsed consent leaves the pool")
		frappe.db.delete("RC Talent Pool Member", {"talent_pool": pool.name})
		frappe.db.delete("RC Talent Pool", pool.name)
