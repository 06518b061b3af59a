"""The candidate form in the real desk: headless Chromium driven by Playwright against `bench serve`.

A recruiter opens a candidate and reads why they are scored as they are (the breakdown and one
timeline across their applications), logs a call in a few clicks and sees it counted, and records
and withdraws consent from the form.

Needs Debian's chromium (/usr/bin/chromium) and the `playwright` Python package; without them
the class is skipped with a message saying so. Data is committed (the server reads it) and
deleted again in tearDownClass.
"""

from datetime import timedelta

import frappe
from frappe.utils import now_datetime, random_string

from recruit_crm.services.engagement import scoring, touchpoints
from recruit_crm.tests.factories import make_candidate, make_job_applicant, make_job_opening
from recruit_crm.tests.integration.desk import DeskBrowserTestCase


class TestCandidateFormInTheDesk(DeskBrowserTestCase):
	@classmethod
	def set_up_data(cls):
		cls.tag = random_string(6)
		cls.opening = make_job_opening(title=f"RCT Desk Engagement {cls.tag}")
		cls.candidate = make_candidate(full_name=f"Desk Engaged {cls.tag}")
		cls.applicant = make_job_applicant(email=cls.candidate.email, job_opening=cls.opening.name)
		now = now_datetime()
		touchpoints.record(
			cls.candidate.name,
			"Email Replied",
			occurred_at=now - timedelta(days=2),
			job_applicant=cls.applicant.name,
			reference_doctype="Job Applicant",
			reference_name=cls.applicant.name,
			details=f"Reply about {cls.tag}",
		)
		touchpoints.record(cls.candidate.name, "Portal Visit", occurred_at=now - timedelta(days=1))

	@classmethod
	def tear_down_data(cls):
		from recruit_crm.services.compliance import erasure

		frappe.delete_doc("Job Applicant", cls.applicant.name, force=True, ignore_permissions=True)
		erasure.erase_candidate(cls.candidate.name)  # touchpoints, consent, stage changes and all
		frappe.delete_doc("Job Opening", cls.opening.name, force=True, ignore_permissions=True)

	def open_engagement_tab(self):
		page = self.page
		page.goto(f"{self.base}/app/rc-candidate/{self.candidate.name}")
		page.click("a.nav-link:has-text('Engagement')")
		page.wait_for_selector(".rc-engagement")
		return page

	def test_the_engagement_tab_explains_the_score_with_one_timeline(self):
		page = self.open_engagement_tab()
		explained = scoring.explain(self.candidate.name)
		text = page.inner_text("[data-fieldname=engagement_breakdown_html]")
		self.assertIn(f"({explained['stage']})", text, "the header names today's stage")
		self.assertIn("replied to an email", text, "the reason is shown")
		rows = {
			row[0]: row
			for row in page.eval_on_selector_all(
				".rc-engagement tbody tr",
				"trs => trs.map(tr => [...tr.cells].map(td => td.innerText.trim()))",
			)
		}
		# what set_up_data recorded, and the application it captured by itself (another test here
		# may have logged a call: the class shares its committed data)
		self.assertLessEqual({"Email Replied", "Portal Visit", "Applied"}, set(rows))
		explained_lines = {line["touchpoint_type"]: line for line in explained["lines"]}
		for touchpoint_type, row in rows.items():
			shown = float(row[3].replace(",", ""))
			self.assertAlmostEqual(shown, explained_lines[touchpoint_type]["contribution"], places=1)
		self.assertIn("Timeline (all applications)", text)
		self.assertIn(f"Reply about {self.tag}", text, "a touchpoint on an application is on the timeline")
		# the timeline links its source document: following the link opens the application
		page.click("[data-fieldname=engagement_breakdown_html] a[href^='/app/job-applicant/']")
		page.wait_for_function(
			"(name) => window.cur_frm && cur_frm.doctype === 'Job Applicant' && cur_frm.doc.name === name",
			arg=self.applicant.name,
		)

	def test_a_recruiter_logs_a_call_and_sees_it_counted(self):
		page = self.open_engagement_tab()
		before = scoring.explain(self.candidate.name)["score"]
		page.click("button:has-text('Log Activity')")
		modal = page.locator(".modal.show", has_text="Log Activity with")
		modal.wait_for()
		self.assertEqual(modal.locator("select[data-fieldname=touchpoint_type]").input_value(), "Call")
		modal.locator("textarea[data-fieldname=summary]").fill(f"Talked about {self.tag} roles")
		with page.expect_response(lambda r: "recruit_crm.api.touchpoint.log_activity" in r.url) as call:
			modal.locator(".modal-footer .btn-primary:visible").first.click()
		self.assertEqual(call.value.status, 200, call.value.text())
		page.wait_for_function(
			"(tag) => (document.querySelector('[data-fieldname=engagement_breakdown_html]') || {})"
			".innerText?.includes('Talked about ' + tag)",
			arg=self.tag,
		)
		self.db_fresh()
		logged = frappe.get_all(
			"RC Touchpoint",
			filters={"candidate": self.candidate.name, "touchpoint_type": "Call"},
			fields=["recruiter", "details", "direction", "channel", "is_scored"],
		)
		self.assertEqual(len(logged), 1)
		self.assertEqual(logged[0].recruiter, "Administrator")
		self.assertEqual(logged[0].details, f"Talked about {self.tag} roles")
		self.assertEqual((logged[0].direction, logged[0].is_scored), ("Outbound", 1))
		after = scoring.explain(self.candidate.name)["score"]
		self.assertAlmostEqual(after - before, 5.0, delta=0.05, msg="a call weighs 5 and counts at once")

	def test_consent_is_recorded_and_withdrawn_from_the_form(self):
		page = self.page
		page.goto(f"{self.base}/app/rc-candidate/{self.candidate.name}")
		for action, method in (
			("Record Consent", "record_consent"),
			("Withdraw Consent", "withdraw_consent"),
		):
			page.click("button:has-text('Consent')")
			page.click(f"a.dropdown-item:has-text('{action}')")
			modal = page.locator(".modal.show", has_text=action)
			modal.wait_for()
			modal.locator("select[data-fieldname=purpose]").select_option("Talent Pool")
			modal.locator("textarea[data-fieldname=note]").fill(f"{action} by phone, {self.tag}")
			with page.expect_response(lambda r, m=method: f"recruit_crm.api.privacy.{m}" in r.url) as call:
				modal.locator(".modal-footer .btn-primary:visible").first.click()
			self.assertEqual(call.value.status, 200, call.value.text())
			page.wait_for_function("() => !document.querySelector('.modal.show')")
			self.db_fresh()
			ledger = frappe.get_all(
				"RC Consent",
				filters={"candidate": self.candidate.name, "purpose": "Talent Pool"},
				fields=["method", "withdrawn_at", "evidence_note", "recorded_by"],
			)
			self.assertEqual(len(ledger), 1)
			self.assertEqual((ledger[0].method, ledger[0].recorded_by), ("Recruiter", "Administrator"))
			self.assertIn(f"Record Consent by phone, {self.tag}", ledger[0].evidence_note or "")
			has = frappe.db.get_value("RC Candidate", self.candidate.name, "has_pool_consent")
			if action == "Record Consent":
				self.assertIsNone(ledger[0].withdrawn_at)
				self.assertTrue(has)
			else:
				self.assertIsNotNone(ledger[0].withdrawn_at)
				self.assertFalse(has)
			# The ledger itself is on the form, in its state today.
			page.wait_for_selector(".rc-consent-ledger", state="attached")
			row = page.locator(".rc-consent-ledger tbody tr", has_text="Talent Pool").first
			expected = "Active" if action == "Record Consent" else "Withdrawn"
			page.wait_for_function(
				"(s) => document.querySelector('.rc-consent-ledger tbody tr')?.innerText.includes(s)",
				arg=expected,
			)
			self.assertIn("Recruiter", row.text_content())

	def test_the_readiness_report_opens_the_candidates_of_a_stage(self):
		page = self.page
		stage = frappe.db.get_value("RC Candidate", self.candidate.name, "readiness_stage")
		page.goto(f"{self.base}/app/query-report/Candidate Readiness")
		page.wait_for_selector(".report-summary")
		self.assertIn("no personal contact", page.inner_text(".report-summary"))
		link = page.locator(f".dt-scrollable a[href^='/app/rc-candidate?readiness_stage={stage}']")
		link.first.click()
		page.wait_for_function(
			"(stage) => window.cur_list && cur_list.doctype === 'RC Candidate'"
			" && cur_list.filters.some(f => f[1] === 'readiness_stage' && f[3] === stage)",
			arg=stage,
		)
		page.wait_for_selector(f".list-row-container:has-text('Desk Engaged {self.tag}')")

	def test_the_pools_banner_shows_once_however_the_form_is_reached(self):
		from recruit_crm.services.pools import membership
		from recruit_crm.tests.factories import make_talent_pool

		pool = make_talent_pool(pool_name=f"RCT Banner {self.tag}")
		membership.add_members(pool.name, [self.candidate.name], reason="test")
		frappe.db.commit()  # nosemgrep: the server reads it
		try:
			page = self.page
			page.goto(f"{self.base}/app/rc-candidate")  # the list view loads its scripts first
			page.wait_for_selector(".list-row-container")
			page.goto(f"{self.base}/app/rc-candidate/{self.candidate.name}")
			page.wait_for_selector(".rc-pools-banner")
			page.evaluate("cur_frm.refresh()")
			page.wait_for_timeout(1500)
			self.assertEqual(page.locator(".rc-pools-banner").count(), 1)
			self.assertIn(pool.pool_name, page.inner_text(".rc-pools-banner"))
		finally:
			frappe.db.delete("RC Talent Pool Member", {"talent_pool": pool.name})
			frappe.db.delete("RC Talent Pool Change", {"talent_pool": pool.name})
			frappe.delete_doc("RC Talent Pool", pool.name, force=True, ignore_permissions=True)
			frappe.db.commit()  # nosemgrep

	def test_the_list_shows_readiness_score_skills_and_owner_not_the_stage_twice(self):
		self.page.goto(f"{self.base}/app/rc-candidate?name={self.candidate.name}")
		self.page.wait_for_selector(".list-row-container")
		header = self.page.inner_text(".list-row-head")
		for column in ("Engagement Score", "Top Skills", "Recruiter"):
			self.assertIn(column, header)
		self.assertNotIn("Readiness", header, "readiness is the indicator, not a column too")
		row = self.page.locator(".list-row-container", has_text=self.candidate.full_name)
		stage = frappe.db.get_value("RC Candidate", self.candidate.name, "readiness_stage") or "Cold"
		self.assertIn(stage, row.inner_text(), "each row says how ready the person is")
