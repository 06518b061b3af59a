"""The candidate record: identity by normalised email, opaque names, clear errors."""

import frappe

from recruit_crm.tests.factories import make_candidate, unique_email
from recruit_crm.tests.integration import RCTestCase


class TestCandidateRecord(RCTestCase):
	def test_email_is_stored_normalised_and_name_is_opaque(self):
		email = unique_email()
		doc = make_candidate(email=f"  {email.upper()} ")
		self.assertEqual(doc.email, email)
		self.assertNotIn("@", doc.name, "document names must never reveal the email")
		self.assertEqual(doc.crm_stage, "Prospect")

	def test_a_second_candidate_with_the_same_email_is_refused_with_a_clear_message(self):
		email = unique_email()
		first = make_candidate(email=email)
		with self.assertRaises(frappe.DuplicateEntryError) as ctx:
			make_candidate(email=email.upper())
		self.assertIn(first.name, str(ctx.exception))

	def test_the_unique_index_enforces_identity_even_without_the_controller(self):
		email = unique_email()
		make_candidate(email=email)
		with self.assertRaises(Exception) as ctx:
			frappe.db.sql(
				"insert into `tabRC Candidate` (name, email, full_name) values (%s, %s, 'Raw')",
				(frappe.generate_hash(length=10), email),
			)
		self.assertTrue(frappe.db.is_unique_key_violation(ctx.exception))

	def test_invalid_email_is_a_validation_error(self):
		with self.assertRaises(frappe.InvalidEmailAddressError):
			make_candidate(email="not an email")

	def test_unknown_time_zone_is_rejected(self):
		with self.assertRaises(frappe.ValidationError):
			make_candidate(timezone="Mars/Olympus_Mons")
		self.assertEqual(make_candidate(timezone="Europe/Paris").timezone, "Europe/Paris")

	def test_alternate_emails_are_normalised_and_deduplicated(self):
		email = unique_email()
		other = unique_email()
		doc = make_candidate(
			email=email,
			alternate_emails=[{"email": other.upper()}, {"email": other}, {"email": email}],
		)
		self.assertEqual([r.email for r in doc.alternate_emails], [other])

	def test_skill_listed_twice_is_refused(self):
		frappe.get_doc({"doctype": "Skill", "skill_name": "RC Dup Skill"}).insert(ignore_if_duplicate=True)
		with self.assertRaises(frappe.ValidationError):
			make_candidate(skills=[{"skill": "RC Dup Skill"}, {"skill": "RC Dup Skill"}])
