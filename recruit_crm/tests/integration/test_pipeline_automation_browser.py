"""The pipeline automation form in the real desk (headless Chromium via Playwright against
`bench serve`): it lists the merge fields, and Preview shows who gets the email, when, or why not,
with the email rendered in a sandboxed frame. Nothing is sent by a preview.

Needs Debian's chromium and the `playwright` package; skipped with a message without them.
"""

import frappe
from frappe.utils import random_string

from recruit_crm.services.nurture.constants import MESSAGE
from recruit_crm.services.pipeline.workflow import AUTOMATION, STAGE
from recruit_crm.tests.factories import (
	make_email_template,
	make_job_applicant,
	make_job_opening,
	unique_email,
)
from recruit_crm.tests.integration.desk import DeskBrowserTestCase


class TestPipelineAutomationForm(DeskBrowserTestCase):
	@classmethod
	def set_up_data(cls):
		cls.opening = make_job_opening(title=f"RC Preview Opening {random_string(5)}").name
		cls.applicants = []
		for name, dnc in (("Grace Hopper", 0), ("Alan Turing", 1)):
			doc = make_job_applicant(unique_email("prev"), cls.opening, applicant_name=name)
			frappe.db.set_value("RC Candidate", doc.rc_candidate, "do_not_contact", dnc)
			cls.applicants.append(doc)
		cls.automation = (
			frappe.get_doc(
				{
					"doctype": AUTOMATION,
					"title": f"RC Preview {random_string(5)}",
					"enabled": 1,
					"trigger": "Enters State",
					"state": "Applied",
					"job_opening": cls.opening,
					"email_template": make_email_template(
						subject="Thanks {{ candidate.first_name }}",
						body="<p>Dear {{ candidate.first_name }}, about {{ application.job_title }}.</p>",
					),
					"delay_value": 3,
					"delay_unit": "Days",
				}
			)
			.insert(ignore_permissions=True)
			.name
		)

	@classmethod
	def tear_down_data(cls):
		names = [a.name for a in cls.applicants]
		candidates = [a.rc_candidate for a in cls.applicants]
		frappe.db.delete(MESSAGE, {"job_applicant": ["in", names]})
		frappe.db.delete(STAGE, {"job_applicant": ["in", names]})
		frappe.db.delete("ToDo", {"reference_type": "Job Applicant", "reference_name": ["in", names]})
		frappe.db.delete("Comment", {"reference_doctype": "Job Applicant", "reference_name": ["in", names]})
		frappe.db.delete("Job Applicant", {"name": ["in", names]})
		frappe.db.delete("RC Touchpoint", {"candidate": ["in", candidates]})
		frappe.db.delete("RC Candidate", {"name": ["in", candidates]})
		frappe.db.delete(AUTOMATION, {"name": cls.automation})

	def test_preview_shows_who_gets_what_and_why_not(self):
		page = self.page
		page.goto(f"{self.base}/app/rc-pipeline-automation/{self.automation}")
		page.locator("[data-fieldname=merge_fields_html] code", has_text="{{ applications_link }}").wait_for(
			state="attached"
		)
		page.click(".page-actions button:has-text('Preview'), .form-inner-toolbar button:has-text('Preview')")
		dialog = page.locator(".modal.show", has_text="Who gets what, and when")
		dialog.wait_for()
		rows = dialog.locator("tbody tr")
		self.assertEqual(rows.count(), 2)
		text = dialog.inner_text()
		self.assertIn("Grace Hopper", text)
		self.assertIn("Alan Turing", text)
		self.assertIn("Do Not Contact", text)
		self.assertIn("Will receive", text)
		self.assertIn("1 of the 2 applications shown would receive this email", text)
		frame = page.frame_locator(".modal.show iframe.rc-pipeline-preview")
		frame.locator("text=Dear Grace").wait_for()
		self.assertEqual(
			dialog.locator("iframe.rc-pipeline-preview").get_attribute("sandbox"), "", "scripts never run"
		)
