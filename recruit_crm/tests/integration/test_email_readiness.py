"""A campaign leaves only from an Email Account that is switched on and has passed a test send;
the desk says which problem stops it and how to fix it, and shows the account's last errors.

Test sends go to the loopback SMTP sink of `NurtureCase`.
"""

import frappe
from frappe.utils import random_string

from recruit_crm.api import email_readiness, nurture_campaign
from recruit_crm.benchmarks.smtp_sink import upsert_loopback_account
from recruit_crm.services.nurture import readiness
from recruit_crm.tests.browser import free_port
from recruit_crm.tests.factories import make_user
from recruit_crm.tests.integration.nurture_case import MESSAGE, NurtureCase

EMAIL_ACCOUNT = "Email Account"
NOT_TESTED = {readiness.TESTED_AT: None, readiness.ERROR: None, readiness.ERROR_AT: None}


class TestEmailReadiness(NurtureCase):
	def setUp(self):
		super().setUp()
		frappe.db.set_value(EMAIL_ACCOUNT, self.account, {"enable_outgoing": 1, **NOT_TESTED})
		frappe.db.commit()  # nosemgrep: the sender reads the account

	def tearDown(self):
		frappe.db.rollback()
		frappe.db.set_value(EMAIL_ACCOUNT, self.account, "enable_outgoing", 1)
		frappe.db.commit()  # nosemgrep
		super().tearDown()

	def launch(self, campaign) -> str:
		"""Launch from the desk; the message a refusal shows (or "" when it launched)."""
		try:
			nurture_campaign.launch(campaign.name)
		except readiness.SenderNotReady as e:
			frappe.clear_last_message()
			return str(e)
		return ""

	def test_an_account_never_tested_cannot_launch_and_the_message_says_how_to_fix_it(self):
		campaign = self.campaign()
		message = self.launch(campaign)
		self.assertIn(f"Email Account {self.account} has never passed a test send", message)
		self.assertIn("Send Test Email", message)
		self.assertEqual(frappe.db.get_value(campaign.doctype, campaign.name, "status"), "Draft")

	def test_an_account_with_outgoing_mail_off_cannot_launch(self):
		readiness.record_test(self.account)
		frappe.db.set_value(EMAIL_ACCOUNT, self.account, "enable_outgoing", 0)
		message = self.launch(self.campaign())
		self.assertIn(f"Outgoing mail is turned off on Email Account {self.account}", message)
		self.assertIn("Enable Outgoing", message)

	def test_the_settings_test_send_delivers_the_branded_layout_and_makes_the_account_ready(self):
		footer = frappe.db.get_single_value("RC Settings", "email_footer")
		frappe.db.set_single_value("RC Settings", "email_footer", "<p>Acme Talent, 1 Quay Street</p>")
		result = email_readiness.send_test_email(self.account)
		frappe.db.set_single_value("RC Settings", "email_footer", footer)  # the mail has left
		frappe.db.commit()  # nosemgrep
		self.assertEqual((result["ok"], result["sent"], result["to"]), (True, 1, "admin@example.com"))
		mail = self.received()[0]
		self.assertEqual(mail["Subject"], "[Test] Test email from Recruit CRM")
		html = self.html_of(mail)
		self.assertIn("Hi Amara,", html, "filled in for a sample person")
		self.assertIn(self.account, html, "it names the account it came through")
		self.assertIn("Acme Talent, 1 Quay Street", html, "the campaign footer")
		for live in ("email_open", "email_click", "unsubscribe?t="):
			self.assertNotIn(live, html, "a test send records nothing for anyone")
		self.assertIsNone(mail["List-Unsubscribe"])
		state = email_readiness.sender_status(self.account)
		self.assertTrue(state.ready)
		self.assertTrue(state.last_test_ok_at)
		campaign = self.campaign()
		self.assertEqual(self.launch(campaign), "", "a tested account launches")
		self.assertEqual(frappe.db.get_value(campaign.doctype, campaign.name, "status"), "Active")

	def test_a_failing_test_send_records_the_error_and_blocks_until_a_test_passes(self):
		readiness.record_test(self.account)  # it worked once
		dead_port = free_port()  # nothing listens there
		broken = upsert_loopback_account(
			f"RC Test Broken {random_string(5)}", dead_port, "broken@rc-test.localhost"
		)
		try:
			result = email_readiness.send_test_email(broken)
			self.assertFalse(result["ok"])
			self.assertTrue(result["error"])
			state = readiness.sender_state(broken)
			self.assertEqual(state.last_error, result["error"])
			self.assertIn(f"The last test email from {broken} failed", state.problem)
			self.assertIn("Connection refused", state.problem, "the server's own words")
			readiness.record_test(broken)
			readiness.record_test(broken, error="535 5.7.8 Authentication failed")
			problem = readiness.sender_state(broken).problem
			self.assertIn(f"The last test email from {broken} failed", problem)
			self.assertIn("535 5.7.8 Authentication failed", problem)
			self.assertFalse(frappe.local.message_log, "the error is answered, not popped up twice")
		finally:
			frappe.db.rollback()
			frappe.delete_doc(EMAIL_ACCOUNT, broken, force=True, ignore_permissions=True)
			frappe.db.commit()  # nosemgrep

	def test_resuming_needs_a_ready_sender_too(self):
		campaign = self.campaign(status="Paused")
		with self.assertRaises(readiness.SenderNotReady):
			nurture_campaign.resume(campaign.name)
		frappe.clear_last_message()

	def test_the_status_shows_the_last_undelivered_campaign_email_and_email_queue_error(self):
		person = self.person()
		campaign = self.campaign()
		name = f"rc-readiness-{random_string(8)}"
		frappe.db.sql(
			f"""insert into `tab{MESSAGE}` (name, creation, modified, owner, modified_by, enrollment,
				nurture_campaign, candidate, recipient, step_key, step_idx, entry_round, variant, status,
				email_account, due_at, error)
			values (%(n)s, now(), now(), 'Administrator', 'Administrator', %(n)s, %(c)s, %(p)s, %(e)s,
				'k', 1, 1, 'A', 'Failed', %(a)s, now(), '550 5.1.1 mailbox unavailable')""",
			{"n": name, "c": campaign.name, "p": person.name, "e": person.email, "a": self.account},
		)
		queue = frappe.get_doc(
			{
				"doctype": "Email Queue",
				"sender": "talent@rc-test.localhost",
				"email_account": self.account,
				"status": "Error",
				"error": "Traceback ...\nsmtplib.SMTPServerDisconnected: Connection unexpectedly closed",
				"message": "x",
			}
		).insert(ignore_permissions=True)
		state = email_readiness.sender_status(self.account)
		self.assertEqual(state.ledger_error.name, name)
		self.assertIn("mailbox unavailable", state.ledger_error.error)
		self.assertEqual(state.queue_error.name, queue.name)
		self.assertTrue(state.queue_error.error.endswith("Connection unexpectedly closed"))

	def test_the_workspace_warns_only_while_no_account_can_send(self):
		others = frappe.get_all(
			EMAIL_ACCOUNT, filters={readiness.TESTED_AT: ["is", "set"]}, fields=["name", readiness.TESTED_AT]
		)
		try:
			for other in others:
				frappe.db.set_value(EMAIL_ACCOUNT, other.name, readiness.TESTED_AT, None)
			self.assertEqual(
				email_readiness.workspace_status(), {"show": True, "ready": False, "ready_accounts": 0}
			)
			readiness.record_test(self.account)
			self.assertEqual(
				email_readiness.workspace_status(), {"show": True, "ready": True, "ready_accounts": 1}
			)
		finally:
			frappe.db.rollback()

	def test_only_those_who_edit_settings_send_settings_tests(self):
		recruiter = make_user(f"rc-ready-{random_string(5)}@example.org", ("Recruiter",))
		frappe.set_user(recruiter)
		try:
			with self.assertRaises(frappe.PermissionError):
				email_readiness.send_test_email(self.account)
			with self.assertRaises(frappe.PermissionError):
				email_readiness.sender_status(self.account)
			self.assertTrue(email_readiness.workspace_status()["show"], "the warning is for every HR role")
		finally:
			frappe.set_user("Administrator")

	def test_a_new_campaign_sends_from_the_default_sender(self):
		frappe.db.set_single_value("RC Settings", "default_email_account", self.account)
		doc = frappe.get_doc(
			{
				"doctype": "RC Nurture Campaign",
				"campaign_name": f"RC Default Sender {random_string(5)}",
				"steps": [{"step_type": "Send Email", "email_template": self.template}],
			}
		).insert(ignore_permissions=True)
		self.campaigns.append(doc.name)
		self.assertEqual(doc.email_account, self.account)
