"""Consent validity, contact rules, retention and tracked-link safety (no frappe, no site)."""

import unittest
from datetime import date, datetime

from hypothesis import given
from hypothesis import strategies as st

from recruit_crm.domain import consent
from recruit_crm.domain.consent import ConsentEntry, RetentionFacts
from recruit_crm.domain.tracking import is_safe_redirect, rewrite_links

TODAY = date(2026, 11, 25)


class TestLedger(unittest.TestCase):
	def test_withdrawn_or_expired_consent_does_not_count(self):
		entries = [
			ConsentEntry("Talent Pool", datetime(2026, 1, 1), date(2026, 11, 24)),
			ConsentEntry("Marketing Email", datetime(2026, 1, 1), None, withdrawn_at=datetime(2026, 5, 1)),
		]
		flags = consent.flags_from_ledger(entries, TODAY)
		self.assertFalse(flags.has_pool_consent)
		self.assertFalse(flags.has_marketing_consent)
		self.assertIsNone(flags.consent_expires_on)

	def test_flags_show_the_first_expiry_among_valid_consents(self):
		entries = [
			ConsentEntry("Talent Pool", datetime(2026, 1, 1), date(2027, 1, 1)),
			ConsentEntry("Marketing Email", datetime(2026, 1, 1), date(2026, 12, 31)),
		]
		flags = consent.flags_from_ledger(entries, TODAY)
		self.assertTrue(flags.has_pool_consent and flags.has_marketing_consent)
		self.assertEqual(flags.consent_expires_on, date(2026, 12, 31))

	def test_consent_expiring_today_is_still_valid(self):
		self.assertTrue(consent.is_valid(ConsentEntry("Talent Pool", datetime(2026, 1, 1), TODAY), TODAY))

	@given(st.booleans(), st.booleans(), st.booleans(), st.booleans(), st.booleans())
	def test_only_consenting_reachable_people_are_sendable(self, dnc, unsub, bounced, consented, anon):
		sendable = consent.is_sendable(
			do_not_contact=dnc, is_unsubscribed=unsub, has_bounced=bounced,
			has_marketing_consent=consented, is_anonymized=anon,
		)  # fmt: skip
		self.assertEqual(sendable, consented and not (dnc or unsub or bounced or anon))

	@given(st.booleans(), st.booleans(), st.booleans(), st.booleans(), st.booleans(), st.booleans())
	def test_legitimate_interest_needs_no_opt_in_but_an_objection_always_wins(
		self, dnc, unsub, bounced, consented, anon, objected
	):
		sendable = consent.is_sendable(
			do_not_contact=dnc, is_unsubscribed=unsub, has_bounced=bounced, has_marketing_consent=consented,
			is_anonymized=anon, legitimate_interest=True, objected=objected,
		)  # fmt: skip
		reachable = not (dnc or unsub or bounced or anon)
		self.assertEqual(sendable, reachable and (consented or not objected))

	def test_the_basis_a_message_relies_on(self):
		basis = consent.marketing_basis
		self.assertEqual(basis(has_valid_consent=True, legitimate_interest=True, objected=False), "Consent")
		self.assertEqual(
			basis(has_valid_consent=False, legitimate_interest=True, objected=False), "Legitimate Interest"
		)
		self.assertIsNone(basis(has_valid_consent=False, legitimate_interest=True, objected=True))
		self.assertIsNone(basis(has_valid_consent=False, legitimate_interest=False, objected=False))


class TestAddMonths(unittest.TestCase):
	def test_month_end_is_clamped(self):
		self.assertEqual(consent.add_months(date(2026, 1, 31), 1), date(2026, 2, 28))
		self.assertEqual(consent.add_months(date(2028, 1, 31), 1), date(2028, 2, 29))

	@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), st.integers(0, 120))
	def test_adding_months_moves_forward_by_that_many_calendar_months(self, day, months):
		result = consent.add_months(day, months)
		self.assertEqual((result.year - day.year) * 12 + result.month - day.month, months)
		self.assertLessEqual(result.day, day.day)


class TestRetention(unittest.TestCase):
	def facts(self, **kw):
		values = {"has_valid_consent": False, "has_open_application": False, "is_hired": False,
			"is_anonymized": False, "last_decision_at": datetime(2026, 3, 15, 10, 0)}  # fmt: skip
		values.update(kw)
		return RetentionFacts(**values)

	def test_due_six_months_after_the_last_decision(self):
		due, reason = consent.retention_due_on(self.facts(), 6)
		self.assertEqual(due, date(2026, 9, 15))
		self.assertIn("no valid consent", reason)

	def test_consent_open_applications_and_hires_are_kept(self):
		for kw in ({"has_valid_consent": True}, {"has_open_application": True}, {"is_hired": True}):
			self.assertIsNone(consent.retention_due_on(self.facts(**kw), 6)[0], kw)


class TestHardBounce(unittest.TestCase):
	def test_recipient_refusals_are_hard_bounces(self):
		self.assertTrue(
			consent.is_hard_bounce("SMTPRecipientsRefused: {'x@y': (550, b'5.1.1 User unknown')}")
		)

	def test_server_and_network_errors_are_not(self):
		self.assertFalse(consent.is_hard_bounce("ConnectionRefusedError: [Errno 111] Connection refused"))
		self.assertFalse(consent.is_hard_bounce("SMTPAuthenticationError (535, b'bad credentials')"))
		self.assertFalse(consent.is_hard_bounce(None))


class TestErasedAddresses(unittest.TestCase):
	def test_placeholder_addresses_of_erased_records_are_never_a_person(self):
		from recruit_crm.domain.candidates import is_valid_email

		self.assertFalse(is_valid_email("erased-applicant-1a2b3c@erased.invalid"))
		self.assertFalse(is_valid_email("ab12cd34ef@anonymised.invalid"))
		self.assertTrue(is_valid_email("someone@invalid-domain.example"))


class TestTrackedLinks(unittest.TestCase):
	def test_only_http_links_and_site_paths_are_redirect_targets(self):
		for good in ("https://example.org/jobs/1", "http://x.y/", "/jobs/acme/engineer"):
			self.assertTrue(is_safe_redirect(good), good)
		for bad in ("//evil.example", "javascript:alert(1)", "data:text/html,x", "https:///x", "",
			None, "/x\r\nSet-Cookie: a=b", "ftp://x.y", "\\\\evil"):  # fmt: skip
			self.assertFalse(is_safe_redirect(bad), bad)

	def test_rewrite_wraps_http_links_and_leaves_others(self):
		html = '<a href="https://a.example/x?y=1&amp;z=2">A</a> <a href="mailto:me@x.y">M</a> <a href=\'/rel\'>R</a>'
		out = rewrite_links(html, lambda url: f"T({url})")
		self.assertIn('href="T(https://a.example/x?y=1&z=2)"', out)
		self.assertIn('href="mailto:me@x.y"', out)
		self.assertIn("href='/rel'", out)
