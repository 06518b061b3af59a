"""Talent pools in the real desk: headless Chromium driven by Playwright against `bench serve`.

A recruiter builds a smart pool with the rule editor (live count before saving), adds people to
a manual pool from the candidate list, and opens Find Candidates on a Job Opening.

Needs Debian's chromium (/usr/bin/chromium) and the `playwright` Python package; without them
the class is skipped with a message saying so. Data is committed (the server reads it) and
deleted again in tearDownClass.
"""

import time

import frappe
from frappe.utils import random_string

from recruit_crm.services.pools import membership
from recruit_crm.tests.factories import (
	ensure_designation,
	ensure_skill,
	make_candidate,
	make_job_applicant,
	make_job_opening,
	make_talent_pool,
)
from recruit_crm.tests.integration.desk import DeskBrowserTestCase


class TestPoolsInTheDesk(DeskBrowserTestCase):
	@classmethod
	def set_up_data(cls):
		tag = random_string(6)
		cls.skill = ensure_skill(f"RCT Desk Skill {tag}")
		cls.designation = ensure_designation(f"RCT Desk Designation {tag}", skills=(cls.skill,))
		cls.opening = make_job_opening(title=f"RCT Desk Opening {tag}", designation=cls.designation)
		cls.people = [
			make_candidate(
				full_name=f"Desk Person {tag} {i}",
				skills=[{"skill": cls.skill, "proficiency": "Expert", "years": 3}],
			)
			for i in range(3)
		]
		cls.applicant = make_job_applicant(
			email=cls.people[0].email, job_opening=make_job_opening(designation=cls.designation).name
		)
		cls.manual_pool = make_talent_pool(pool_name=f"RCT Desk Manual {tag}")
		cls.tag = tag

	@classmethod
	def tear_down_data(cls):
		pool_names = frappe.get_all(
			"RC Talent Pool", filters={"pool_name": ["like", f"%{cls.tag}%"]}, pluck="name"
		)
		for pool in pool_names:
			frappe.delete_doc("RC Talent Pool", pool, force=True, ignore_permissions=True)
		frappe.delete_doc("Job Applicant", cls.applicant.name, force=True, ignore_permissions=True)
		for person in cls.people:
			frappe.db.delete("RC Talent Pool Member", {"candidate": person.name})
			frappe.db.delete("RC Talent Pool Change", {"candidate": person.name})
			frappe.delete_doc("RC Candidate", person.name, force=True, ignore_permissions=True)
		for opening in frappe.get_all("Job Opening", filters={"designation": cls.designation}, pluck="name"):
			frappe.delete_doc("Job Opening", opening, force=True, ignore_permissions=True)
		frappe.delete_doc("Designation", cls.designation, force=True, ignore_permissions=True)
		frappe.delete_doc("Skill", cls.skill, force=True, ignore_permissions=True)

	def _fill_link(self, input_handle, value: str):
		input_handle.fill(value)
		time.sleep(1)
		self.page.keyboard.press("Escape")
		input_handle.dispatch_event("change")

	def test_rule_editor_counts_before_saving_and_the_saved_pool_fills(self):
		page = self.page
		page.goto(f"{self.base}/app/rc-talent-pool/new")
		page.fill("input[data-fieldname=pool_name]", f"RCT Desk Smart {self.tag}")
		page.select_option("select[data-fieldname=pool_type]", "Smart")
		page.click("a.nav-link:has-text('Rules')")
		page.click("button.rc-add-condition")
		self._fill_link(page.query_selector(".rc-rule-row .rc-value input"), self.skill)
		page.wait_for_function(
			"() => (document.querySelector('.rc-rule-preview') || {}).innerText?.includes('3 candidates match')"
		)
		page.keyboard.press("Control+s")
		page.wait_for_function("() => cur_frm && !cur_frm.is_new() && !cur_frm.is_dirty()")
		pool = page.evaluate("() => cur_frm.doc.name")
		frappe.db.rollback()
		self.assertEqual(set(membership.active_members(pool)), {p.name for p in self.people})

	def test_bulk_add_from_the_candidate_list(self):
		page = self.page
		page.goto(f"{self.base}/app/rc-candidate?full_name=Desk%20Person%20{self.tag}%201")
		rows = page.locator(".list-row-container .list-row-checkbox:visible")
		rows.first.wait_for()
		self.assertEqual(rows.count(), 1, "the list is filtered to one person")
		rows.first.click()
		page.click("button:has-text('Actions')")
		page.click("a.dropdown-item:has-text('Add to Talent Pool')")
		modal = page.locator(".modal.show", has_text="to a Talent Pool")
		modal.wait_for()
		# Escape would close the dialog, so the link value is set the way a picked suggestion sets
		# it, on our dialog (another may be open: desk notices).
		find = "(frappe.ui.open_dialogs || []).concat([window.cur_dialog]).find(d => d && d.fields_dict && d.fields_dict.pool)"
		page.wait_for_function(f"() => {find}")
		page.evaluate(f"(pool) => {find}.set_value('pool', pool)", self.manual_pool.name)
		# A Link value settles after its server-side check: submit only once it has.
		page.wait_for_function(f"(pool) => {find}.get_value('pool') === pool", arg=self.manual_pool.name)
		modal.locator("textarea[data-fieldname=reason]").fill("Strong portfolio")
		with page.expect_response(lambda r: "recruit_crm.api.talent_pool.add_to_pool" in r.url) as call:
			modal.locator(".modal-footer .btn-primary:visible").first.click()
		self.assertEqual(call.value.status, 200, call.value.text())
		self.assertEqual(call.value.json()["message"]["joined"], 1)
		frappe.db.rollback()
		self.assertEqual(membership.active_members(self.manual_pool.name), [self.people[1].name])

	def test_find_candidates_lists_people_with_reasons(self):
		page = self.page
		page.goto(f"{self.base}/app/job-opening/{self.opening.name}")
		page.click("button:has-text('Find Candidates')")
		page.wait_for_selector(".rc-pick")
		text = page.inner_text(".modal.show")
		self.assertIn(f"Desk Person {self.tag} 0", text, "the past applicant is found")
		self.assertIn("Applied for", text)
		self.assertIn(f"{self.skill} (Expert, 3 y)", text)
