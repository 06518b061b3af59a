"""The pipeline in the real desk (headless Chromium via Playwright against `bench serve`): the
board of a Job Opening, a card dragged to the next stage, and a bulk reject from the list."""

import os

import frappe
from frappe.utils import random_string

from recruit_crm.tests.factories import make_job_applicant, make_job_opening
from recruit_crm.tests.integration.desk import DeskBrowserTestCase


class TestPipelineInTheDesk(DeskBrowserTestCase):
	@classmethod
	def set_up_data(cls):
		cls.tag = random_string(6)
		cls.opening = make_job_opening(title=f"RCT Board Opening {cls.tag}")
		cls.applicants = [
			make_job_applicant(job_opening=cls.opening.name, applicant_name=f"Board Person {cls.tag} {i}")
			for i in range(4)
		]

	@classmethod
	def tear_down_data(cls):
		names = [a.name for a in cls.applicants]
		frappe.db.delete("RC Application Stage", {"job_applicant": ("in", names)})
		frappe.db.delete("Comment", {"reference_doctype": "Job Applicant", "reference_name": ("in", names)})
		frappe.db.delete("RC Nurture Message", {"recipient": ("in", [a.email_id for a in cls.applicants])})
		for name in names:
			frappe.delete_doc("Job Applicant", name, force=True, ignore_permissions=True)
		frappe.delete_doc("Job Opening", cls.opening.name, force=True, ignore_permissions=True)

	def state_of(self, name: str) -> str:
		self.db_fresh()
		return frappe.db.get_value("Job Applicant", name, "workflow_state")

	def test_the_board_opens_from_the_opening_and_a_drag_moves_the_application(self):
		page = self.page
		page.goto(f"{self.base}/app/job-opening/{self.opening.name}")
		page.click("button:has-text('Pipeline Board')")
		page.wait_for_selector(".rc-board-card")
		self.assertEqual(page.locator(".rc-board-card").count(), 4, "every application has its card")
		first = (
			f".rc-board-column[data-state='Applied'] .rc-board-card[data-name='{self.applicants[0].name}']"
		)
		self.assertEqual(page.locator(first).count(), 1, "a new application is in Applied")
		self.assertIn(f"Board Person {self.tag}", page.inner_text(".rc-board"))
		card = page.locator(f".rc-board-card[data-name='{self.applicants[0].name}']")
		with page.expect_response(lambda r: "recruit_crm.api.pipeline.move" in r.url) as call:
			card.drag_to(page.locator(".rc-board-column[data-state='Screening']"))
		self.assertEqual(call.value.status, 200, call.value.text())
		page.wait_for_selector(
			f".rc-board-column[data-state='Screening'] .rc-board-card[data-name='{self.applicants[0].name}']"
		)
		self.assertEqual(self.state_of(self.applicants[0].name), "Screening")
		self.page.screenshot(path=self.screenshot_path("pipeline_board.png"), full_page=True)

	def test_bulk_reject_from_the_list(self):
		page = self.page
		page.goto(f"{self.base}/app/job-applicant?job_title={self.opening.name}")
		checkboxes = page.locator(".list-row-container .list-row-checkbox:visible")
		checkboxes.first.wait_for()
		targets = [a.name for a in self.applicants[2:]]
		for name in targets:
			page.locator(f".list-row-container:has([data-name='{name}']) .list-row-checkbox").first.click()
		page.click("button:has-text('Actions')")
		page.click("a.dropdown-item:has-text('Move in Pipeline')")
		modal = page.locator(".modal.show", has_text="Move 2 applications")
		modal.wait_for()
		modal.locator("select[data-fieldname=state]").select_option("Rejected")
		modal.locator("input[data-fieldname=send_emails]").uncheck()
		with page.expect_response(lambda r: "recruit_crm.api.pipeline.bulk_move" in r.url) as call:
			modal.locator(".modal-footer .btn-primary:visible").first.click()
		self.assertEqual(call.value.status, 200, call.value.text())
		self.assertEqual(call.value.json()["message"]["moved"], 2)
		page.wait_for_selector(".modal.show:has-text('2 moved to Rejected')")
		for name in targets:
			self.assertEqual(self.state_of(name), "Rejected")
		self.assertEqual(frappe.db.get_value("Job Applicant", targets[0], "status"), "Rejected")

	def screenshot_path(self, name: str) -> str:
		folder = os.path.join(os.environ.get("RC_SCREENSHOT_DIR", "/tmp"), "recruit_crm_screenshots")
		os.makedirs(folder, exist_ok=True)
		return os.path.join(folder, name)
