"""Error texts lose the personal data they carry (no frappe)."""

import unittest

from hypothesis import given
from hypothesis import strategies as st

from recruit_crm.domain.redaction import EMAIL_MARK, redact_personal_data


class TestRedaction(unittest.TestCase):
	def test_emails_phones_and_addresses_are_replaced(self):
		text = (
			"DuplicateEntryError: (1062, 'Duplicate entry Jane.Doe+cv@Example.co.uk for key email')\n"
			"form_dict = {'phone': '+44 (20) 7946-0958', 'ip': '203.0.113.9'}"
		)
		redacted = redact_personal_data(text)
		for secret in ("Jane.Doe", "Example.co.uk", "7946", "203.0.113"):
			self.assertNotIn(secret, redacted)
		self.assertIn("Duplicate entry <email> for key", redacted)
		self.assertIn("<phone>", redacted)
		self.assertIn("<ip>", redacted)

	def test_code_lines_survive(self):
		line = (
			'File "apps/recruit_crm/recruit_crm/services/applications.py", line 212, in process_application'
		)
		self.assertEqual(redact_personal_data(line), line)

	@given(st.emails())
	def test_any_email_is_redacted(self, email):
		self.assertNotIn(email, redact_personal_data(f"value {email} here"))
		self.assertIn(EMAIL_MARK, redact_personal_data(f"value {email} here"))
