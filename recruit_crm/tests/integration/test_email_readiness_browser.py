"""The sending account in the real desk: headless Chromium driven by Playwright against `bench serve`.

RC Settings > Email says whether the Default Sender can send campaign email and why not, and its
Send Test Email delivers the branded layout and makes the account ready; the workspace warns while
no account can send; a campaign whose sender is not ready says so and will not launch.

Needs Debian's chromium (/usr/bin/chromium) and the `playwright` Python package; without them
the class is skipped with a message saying so. Data is committed (the server reads it) and
restored in tearDownClass. Email goes to a loopback SMTP sink run by this test process.
"""

import email

import frappe
from frappe.utils import random_string

from recruit_crm.benchmarks.smtp_sink import SmtpSink, upsert_loopback_account
from recruit_crm.services.nurture import constants, readiness
from recruit_crm.tests.browser import free_port, wait_for
from recruit_crm.tests.factories import make_email_template, make_nurture_campaign
from recruit_crm.tests.integration.desk import DeskBrowserTestCase

EMAIL_ACCOUNT = "Email Account"
TRACKED = (readiness.TESTED_AT, readiness.ERROR, readiness.ERROR_AT)


class TestSendingAccountInTheDesk(DeskBrowserTestCase):
	@classmethod
	def setUpClass(cls):
		cls.sink_ctx = SmtpSink(free_port(), keep=True)
		cls.sink = cls.sink_ctx.__enter__()
		try:
			super().setUpClass()
		except BaseException:
			cls.sink_ctx.__exit__(None, None, None)
			raise

	@classmethod
	def tearDownClass(cls):
		try:
			super().tearDownClass()
		finally:
			cls.sink_ctx.__exit__(None, None, None)

	@classmethod
	def set_up_data(cls):
		cls.tag = random_string(6)
		cls.account = upsert_loopback_account(
			f"RCT Readiness {cls.tag}", cls.sink_ctx.controller.port, f"talent.{cls.tag}@rc-test.localhost"
		)
		# Every other account's test record is put aside, so "no account can send" is true here.
		cls.saved = frappe.get_all(EMAIL_ACCOUNT, fields=["name", *TRACKED])
		for row in cls.saved:
			frappe.db.set_value(EMAIL_ACCOUNT, row.name, dict.fromkeys(TRACKED), update_modified=False)
		cls.saved_default = frappe.db.get_single_value("RC Settings", "default_email_account")
		frappe.db.set_single_value("RC Settings", "default_email_account", cls.account)
		cls.template = make_email_template()
		cls.campaign = make_nurture_campaign(
			cls.account,
			[{"step_type": "Send Email", "email_template": cls.template}],
			campaign_name=f"RCT Readiness {cls.tag}",
		)

	@classmethod
	def tear_down_data(cls):
		frappe.delete_doc(constants.CAMPAIGN, cls.campaign.name, force=True, ignore_permissions=True)
		frappe.delete_doc("Email Template", cls.template, force=True, ignore_permissions=True)
		frappe.db.set_single_value("RC Settings", "default_email_account", cls.saved_default)
		frappe.delete_doc(EMAIL_ACCOUNT, cls.account, force=True, ignore_permissions=True)
		for row in cls.saved:
			if frappe.db.exists(EMAIL_ACCOUNT, row.name):
				values = {field: row.get(field) for field in TRACKED}
				frappe.db.set_value(EMAIL_ACCOUNT, row.name, values, update_modified=False)

	def setUp(self):
		super().setUp()
		frappe.db.set_value(EMAIL_ACCOUNT, self.account, dict.fromkeys(TRACKED), update_modified=False)
		frappe.db.commit()  # nosemgrep: every test starts from an account never tested
		with self.sink.lock:
			self.sink.kept.clear()

	def test_settings_show_the_sender_state_and_a_test_send_makes_it_ready(self):
		page = self.page
		page.goto(f"{self.base}/app/rc-settings")
		page.click("a.nav-link:has-text('Email')")
		status = page.locator("[data-fieldname=sender_status_html] .rc-sender-status")
		status.wait_for()
		text = status.inner_text()
		self.assertIn("Cannot send campaign email yet", text)
		self.assertIn("has never passed a test send", text, "what is wrong and how to fix it")
		self.assertIn("Never", page.inner_text(".rc-sender-tested"))
		self.assertIn("On", page.inner_text(".rc-sender-enabled"))
		page.click("button.rc-send-test")
		page.wait_for_function(
			"() => (document.querySelector('.rc-sender-verdict') || {}).innerText?.includes('Ready to send')"
		)
		mails = wait_for(lambda: [email.message_from_bytes(m) for m in self.sink.kept], timeout=10)
		self.assertEqual(len(mails), 1)
		self.assertEqual(mails[0]["To"], "admin@example.com", "to the person who pressed the button")
		self.db_fresh()
		self.assertTrue(frappe.db.get_value(EMAIL_ACCOUNT, self.account, readiness.TESTED_AT))

	def test_a_failed_test_send_shows_the_servers_words_as_the_last_delivery_error(self):
		port = self.sink_ctx.controller.port
		frappe.db.set_value(EMAIL_ACCOUNT, self.account, "smtp_port", free_port())  # nothing listens
		frappe.db.commit()  # nosemgrep: the server sends through it
		try:
			page = self.page
			page.goto(f"{self.base}/app/rc-settings")
			page.click("a.nav-link:has-text('Email')")
			page.locator(".rc-sender-status button.rc-send-test").click()
			refusal = page.locator(".modal.show", has_text="The test email could not be sent")
			refusal.wait_for()
			self.assertIn("Connection refused", refusal.inner_text())
			refusal.locator(".btn-modal-close").click()
			error = page.locator(".rc-sender-status .rc-sender-error")
			error.wait_for()
			self.assertIn("Connection refused", error.inner_text(), "the last delivery error, kept")
			self.assertIn("Cannot send campaign email yet", page.inner_text(".rc-sender-verdict"))
			self.assertIn(
				f"The last test email from {self.account} failed", page.inner_text(".rc-sender-problem")
			)
			self.assertEqual(self.sink.kept, [], "nothing was delivered")
		finally:
			frappe.db.set_value(EMAIL_ACCOUNT, self.account, "smtp_port", port)
			frappe.db.commit()  # nosemgrep

	def test_the_workspace_warns_while_no_account_can_send(self):
		page = self.page
		page.goto(f"{self.base}/app/recruit-crm")
		warning = page.get_by_text("No email account can send campaign email yet.")
		warning.wait_for()
		readiness.record_test(self.account)
		frappe.db.commit()  # nosemgrep
		page.reload()
		page.get_by_text("account(s) ready to send").wait_for()
		self.assertEqual(page.get_by_text("No email account can send campaign email yet.").count(), 0)

	def test_a_campaign_whose_sender_is_not_ready_says_so_and_does_not_launch(self):
		page = self.page
		page.goto(f"{self.base}/app/rc-nurture-campaign/{self.campaign.name}")
		headline = page.locator(".form-message .rc-sender-problem")
		headline.wait_for()
		self.assertIn(f"Email Account {self.account} has never passed a test send", headline.inner_text())
		page.click(".page-actions button:has-text('Launch')")
		page.locator(".modal.show .btn-primary:visible", has_text="Yes").click()
		refusal = page.locator(".modal.show", has_text="Email cannot be sent yet")
		refusal.wait_for()
		self.assertIn("Send Test Email", refusal.inner_text())
		self.db_fresh()
		self.assertEqual(frappe.db.get_value(constants.CAMPAIGN, self.campaign.name, "status"), "Draft")
