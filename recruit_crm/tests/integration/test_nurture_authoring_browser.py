"""Authoring campaigns in the real desk: headless Chromium driven by Playwright against `bench serve`.

A new recruiter builds a campaign's audience with the pools' rule editor (a new condition shows no
error until it has a value; the rules read as a sentence), inserts merge fields into an email
written on the step, sends the campaign to themself, reads why people are left out of the dry run,
and emails people picked from the candidate list once.

Needs Debian's chromium (/usr/bin/chromium) and the `playwright` Python package; without them
the class is skipped with a message saying so. Data is committed (the server reads it) and
deleted again in tearDownClass. Email goes to a loopback SMTP sink run by this test process.
"""

import email
import time
from email.header import decode_header, make_header

import frappe
from frappe.utils import random_string

from recruit_crm.benchmarks.smtp_sink import SmtpSink, upsert_loopback_account
from recruit_crm.services.nurture import constants, readiness
from recruit_crm.tests.browser import free_port, wait_for
from recruit_crm.tests.factories import ensure_skill, make_candidate, make_nurture_campaign
from recruit_crm.tests.integration.desk import DeskBrowserTestCase

CAMPAIGN = constants.CAMPAIGN


class TestAuthoringInTheDesk(DeskBrowserTestCase):
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
		port = cls.sink_ctx.controller.port
		cls.account = upsert_loopback_account(
			f"RCT Authoring {cls.tag}", port, f"talent.{cls.tag}@rc-test.localhost"
		)
		readiness.record_test(cls.account)
		cls.skill = ensure_skill(f"RCT Authoring Skill {cls.tag}")
		skills = [{"skill": cls.skill, "proficiency": "Advanced", "years": 2}]
		cls.ready = make_candidate(
			full_name=f"Author Ready {cls.tag}",
			has_marketing_consent=1,
			skills=skills,
			current_title="Analyst",
		)
		cls.never = make_candidate(
			full_name=f"Author Never {cls.tag}", has_marketing_consent=0, skills=skills
		)
		cls.people = [cls.ready, cls.never]
		cls.campaign = make_nurture_campaign(
			cls.account,
			[
				{
					"step_type": "Send Email",
					"label": "Hello",
					"email_subject": "A hello from {{ campaign.campaign_name }}",
					"email_body": "<p>Hi there,</p>",
				}
			],
			campaign_name=f"RCT Authoring {cls.tag}",
		)

	@classmethod
	def tear_down_data(cls):
		campaigns = frappe.get_all(CAMPAIGN, {"email_account": cls.account}, pluck="name")
		for name in campaigns:
			frappe.db.delete(constants.MESSAGE, {"nurture_campaign": name})
			frappe.db.delete(constants.ENROLLMENT, {"nurture_campaign": name})
			frappe.delete_doc(CAMPAIGN, name, force=True, ignore_permissions=True)
		for pool in frappe.get_all("RC Talent Pool", {"pool_name": ["like", f"%{cls.tag}%"]}, pluck="name"):
			frappe.delete_doc("RC Talent Pool", pool, force=True, ignore_permissions=True)
		for person in cls.people:
			frappe.db.delete("RC Talent Pool Member", {"candidate": person.name})
			frappe.db.delete("RC Talent Pool Change", {"candidate": person.name})
			frappe.delete_doc("RC Candidate", person.name, force=True, ignore_permissions=True)
		frappe.delete_doc("Skill", cls.skill, force=True, ignore_permissions=True)
		frappe.delete_doc("Email Account", cls.account, force=True, ignore_permissions=True)

	def setUp(self):
		super().setUp()
		with self.sink.lock:
			self.sink.kept.clear()

	def received(self) -> list[email.message.Message]:
		with self.sink.lock:
			return [email.message_from_bytes(raw) for raw in self.sink.kept]

	def fill_link(self, input_handle, value: str):
		input_handle.fill(value)
		time.sleep(1)
		self.page.keyboard.press("Escape")
		input_handle.dispatch_event("change")

	def open_campaign(self, tab: str | None = None):
		page = self.page
		page.goto(f"{self.base}/app/rc-nurture-campaign/{self.campaign.name}")
		page.wait_for_function("() => window.cur_frm && cur_frm.doc.name && !cur_frm.is_new()")
		if tab:
			page.click(f"a.nav-link:has-text('{tab}')")
		return page

	# --- audience ------------------------------------------------------------------------------

	def test_the_campaign_audience_uses_the_pool_rule_editor_and_reads_as_words(self):
		page = self.open_campaign("Audience")
		editor = "[data-fieldname=audience_rules_html]"
		page.click(f"{editor} button.rc-add-condition")
		page.wait_for_function(
			f"() => document.querySelector('{editor} .rc-rule-preview').innerText.includes('Choose a value')"
		)
		self.assertEqual(page.locator(f"{editor} .rc-rule-preview .text-danger").count(), 0, "no error yet")
		self.fill_link(page.query_selector(f"{editor} .rc-rule-row .rc-value input"), self.skill)
		page.wait_for_function(
			f"() => document.querySelector('{editor} .rc-rule-preview').innerText.includes('2 candidates match')"
		)
		preview = page.inner_text(f"{editor} .rc-rule-preview")
		self.assertIn("1 of them may be emailed", preview, "the one never asked is counted apart")
		self.assertIn(f"Candidates who have the skill {self.skill}", preview)
		page.keyboard.press("Control+s")
		page.wait_for_function("() => !cur_frm.is_dirty() && cur_frm.doc.audience_rules_summary")
		self.db_fresh()
		self.assertEqual(
			frappe.db.get_value(CAMPAIGN, self.campaign.name, "audience_rules_summary"),
			f"Candidates who have the skill {self.skill}",
		)
		self.assertIn(
			f"who have the skill {self.skill}", page.inner_text("[data-fieldname=audience_rules_summary]")
		)

	def test_a_new_pool_condition_shows_no_error_and_saving_it_empty_says_what_is_missing(self):
		page = self.page
		page.goto(f"{self.base}/app/rc-talent-pool/new")
		page.fill("input[data-fieldname=pool_name]", f"RCT Authoring Pool {self.tag}")
		page.select_option("select[data-fieldname=pool_type]", "Smart")
		page.click("a.nav-link:has-text('Rules')")
		page.click("button.rc-add-condition")
		page.wait_for_function(
			"() => (document.querySelector('.rc-rule-preview') || {}).innerText?.includes('Choose a value')"
		)
		self.assertEqual(page.locator(".rc-rule-preview .text-danger").count(), 0, "no error before a value")
		page.keyboard.press("Control+s")
		dialog = page.locator(".modal.show", has_text="A rule needs a value")
		dialog.wait_for()
		self.assertIn("Choose a value for Skill (condition 1)", dialog.inner_text())
		self.assertTrue(page.evaluate("() => cur_frm.is_new()"), "nothing was saved")

	# --- email steps ---------------------------------------------------------------------------

	def test_merge_fields_are_listed_with_examples_and_insert_into_the_message(self):
		page = self.open_campaign()
		page.click("[data-fieldname=steps] .grid-row[data-idx='1'] .btn-open-row")
		panel = page.locator(".grid-row-open [data-fieldname=merge_fields_html] .rc-merge-fields")
		panel.wait_for()
		text = panel.inner_text()
		self.assertIn("{{ candidate.first_name }}", text)
		self.assertIn("Amara", text, "an example value")
		self.assertIn(self.campaign.campaign_name, text, "the campaign's own name as the example")
		page.click(".grid-row-open [data-fieldname=email_body] .ql-editor")
		page.keyboard.press("End")
		row = panel.locator("tr", has_text="{{ candidate.first_name }}")
		row.locator("button.rc-insert-field").click()
		page.wait_for_function(
			"() => (cur_frm.doc.steps[0].email_body || '').includes('{{ candidate.first_name }}')"
		)

	def test_send_test_to_me_mails_each_email_step_in_the_branded_layout(self):
		page = self.open_campaign()
		page.click("button:has-text('Send Test To Me')")
		done = page.locator(".modal.show", has_text="Test sent")
		done.wait_for()
		mails = wait_for(self.received, timeout=10)
		self.assertEqual(len(mails), 1)
		self.assertEqual(mails[0]["To"], "admin@example.com")
		subject = str(make_header(decode_header(mails[0]["Subject"])))
		self.assertEqual(subject, f"[Test · Step 1] A hello from {self.campaign.campaign_name}")

	def test_the_dry_run_says_who_was_never_asked(self):
		frappe.db.set_value(
			CAMPAIGN,
			self.campaign.name,
			"audience_rules",
			frappe.as_json(
				{
					"match": "all",
					"conditions": [{"field": "skill", "operator": "has", "value": {"skill": self.skill}}],
				}
			),
		)
		frappe.db.commit()  # nosemgrep: the server reads it
		page = self.open_campaign()
		page.click("button:has-text('Dry Run')")
		row = page.locator(".modal.show .rc-left-out[data-reason='Never Asked']")
		row.wait_for()
		text = row.inner_text()
		self.assertIn("Ask for Permission", text, "what to do about it")
		self.assertIn(self.never.full_name, text, "who it is")

	# --- one-off email from the candidate list -------------------------------------------------

	def test_a_one_off_email_to_people_picked_from_the_list(self):
		page = self.page
		page.goto(f"{self.base}/app/rc-candidate?full_name=%5B%22like%22%2C%22%25{self.tag}%25%22%5D")
		rows = page.locator(".list-row-container .list-row-checkbox:visible")
		rows.first.wait_for()
		self.assertEqual(rows.count(), 2)
		page.click(".list-row-head .list-check-all")
		page.click("button:has-text('Actions')")
		page.click("a.dropdown-item:has-text('Send One-Off Email')")
		dialog = page.locator(".modal.show", has_text="Email 2 candidates")
		dialog.wait_for()
		find = "(frappe.ui.open_dialogs || []).find(d => d.fields_dict && d.fields_dict.preview_html)"
		page.wait_for_function(f"() => {find} && {find}.get_value('email_account')")
		page.evaluate(f"(account) => {find}.set_value('email_account', account)", self.account)
		dialog.locator("input[data-fieldname=subject]").fill("Quick question, {{ candidate.first_name }}")
		dialog.locator("[data-fieldname=body] .ql-editor[contenteditable=true]").click()
		page.keyboard.type("Are you open to a chat this month?")
		page.wait_for_function(  # the preview follows the typing: wait for the whole sentence
			"""() => { const f = document.querySelector('.modal.show iframe.rc-one-off-sample');
				return f && f.srcdoc.includes('Are you open to a chat this month?'); }"""
		)
		preview = dialog.locator("[data-fieldname=preview_html]").inner_text()
		self.assertIn("1 of 2 will receive it", preview)
		self.assertIn("Never Asked", preview)
		self.assertIn(self.never.full_name, preview)
		sample = page.frame_locator(".modal.show iframe.rc-one-off-sample").locator("body").inner_text()
		self.assertIn("Are you open to a chat this month?", sample)
		dialog.locator(".modal-footer .btn-primary:visible", has_text="Send to 1").click()
		page.locator(".modal.show .btn-primary:visible", has_text="Yes").click()
		page.locator(".modal.show", has_text="Email on its way").wait_for()
		self.db_fresh()
		sent = frappe.get_all(
			constants.MESSAGE,
			filters={
				"nurture_campaign": [
					"in",
					frappe.get_all(CAMPAIGN, {"is_one_off": 1, "email_account": self.account}, pluck="name"),
				]
			},
			fields=["candidate", "status"],
		)
		self.assertEqual(
			[(m.candidate, m.status) for m in sent], [(self.ready.name, "Queued")], "in the ledger"
		)
