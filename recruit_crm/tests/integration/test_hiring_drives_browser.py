"""Hiring drives in a real browser (headless Debian Chromium via Playwright, `frappe serve`).

The drive page's dashboard on a desktop, the check-in page on a phone (search, keyboard focus
to the Check in button, the check-in landing in the database as an Event Attended touchpoint),
the public event page and the drive's landing page on a phone, each with screenshots (RC_SCREENSHOT_DIR) and the
portal's label and contrast checks, scoped to the app's own markup on desk pages.
"""

import frappe
from frappe.utils import add_to_date, now_datetime, nowdate, random_string

from recruit_crm.tests.factories import make_candidate, make_job_applicant, make_job_opening, unique_email
from recruit_crm.tests.integration.desk import DeskBrowserTestCase
from recruit_crm.tests.integration.test_portal_browser import (
	CONTRAST_JS,
	SCREENSHOTS,
	UNLABELLED_JS,
	VIEWPORTS,
)

# The portal's checks, run inside one element of a desk page (the desk's own chrome is Frappe's).
SCOPED_CONTRAST_JS = CONTRAST_JS.replace("() => {", "(sel) => {", 1).replace(
	"createTreeWalker(document.body", "createTreeWalker(document.querySelector(sel)"
)
SCOPED_UNLABELLED_JS = """
(sel) => Array.from(document.querySelector(sel).querySelectorAll('input, select, textarea'))
  .filter(el => el.type !== 'hidden' && el.labels.length === 0 && !el.getAttribute('aria-label'))
  .map(el => el.name || el.id)
"""
FOCUSED_JS = "() => [document.activeElement.tagName, document.activeElement.getAttribute('aria-label') || '']"


class TestHiringDrivesInBrowser(DeskBrowserTestCase):
	@classmethod
	def set_up_data(cls):
		cls.created: list[tuple[str, str]] = []
		opening = make_job_opening(title=f"RC Drive Browser Role {random_string(5)}")
		cls.created.append(("Job Opening", opening.name))
		cls.opening = opening
		for source in ("linkedin", "linkedin", "indeed"):
			applicant = make_job_applicant(job_opening=opening.name, rc_utm_source=source)
			cls.created.insert(0, ("Job Applicant", applicant.name))
		cls.drive = frappe.get_doc(
			{
				"doctype": "RC Hiring Drive",
				"title": "Autumn Engineering Drive",
				"goal": "Twenty engineers for our new Lisbon office, from graduates to staff level.",
				"status": "Active",
				"published": 1,
				"starts_on": nowdate(),
				"budget": 5000,
				"openings": [{"job_opening": opening.name, "target_hires": 4}],
				"spend": [{"channel": "linkedin", "amount": 900}, {"channel": "indeed", "amount": 300}],
			}
		).insert()
		cls.created.insert(0, ("RC Hiring Drive", cls.drive.name))
		starts = add_to_date(now_datetime(), hours=1)
		cls.event = frappe.get_doc(
			{
				"doctype": "RC Hiring Event",
				"title": f"Campus Fair {random_string(4)}",
				"hiring_drive": cls.drive.name,
				"event_type": "Career Fair",
				"published": 1,
				"starts_at": starts,
				"ends_at": add_to_date(starts, hours=5),
				"venue": "Main Hall, Example University",
				"capacity": 200,
				"description": "Meet our engineers.",
			}
		).insert()
		cls.created.insert(0, ("RC Hiring Event", cls.event.name))
		cls.people = {}
		for name in ("Grace Hopper", "Katherine Johnson"):
			person = make_candidate(email=unique_email("fair"), full_name=name)
			reg = frappe.get_doc(
				{
					"doctype": "RC Event Registration",
					"hiring_event": cls.event.name,
					"full_name": name,
					"email": person.email,
					"candidate": person.name,
					"status": "Confirmed",
				}
			).insert()
			cls.people[name] = (person.name, reg.name)
			cls.created.insert(0, ("RC Event Registration", reg.name))
			cls.created.append(("RC Candidate", person.name))
		SCREENSHOTS.mkdir(parents=True, exist_ok=True)

	@classmethod
	def tear_down_data(cls):
		for doctype, name in getattr(cls, "created", []):
			if doctype == "RC Candidate":
				frappe.db.delete("RC Touchpoint", {"candidate": name})
			if frappe.db.exists(doctype, name):
				frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)

	def assert_scoped_checks(self, selector: str):
		self.assertEqual(self.page.evaluate(SCOPED_UNLABELLED_JS, selector), [], "every control has a label")
		self.assertEqual(self.page.evaluate(SCOPED_CONTRAST_JS, selector), [], "contrast at least 4.5:1")

	def test_drive_page_shows_progress_funnel_spend_and_sources(self):
		self.page.goto(f"{self.base}/app/rc-hiring-drive/{self.drive.name}")
		dashboard = self.page.locator(".rc-drive-dashboard")
		dashboard.wait_for()
		self.assertIn("0 of 4 hires (0%)", dashboard.locator(".rc-drive-progress-text").inner_text())
		spend = dashboard.locator("table[data-rc=spend]")
		self.assertIn("400", spend.locator("tr", has_text="Spend per applicant").inner_text())
		sources = dashboard.locator("table[data-rc=sources]")
		self.assertIn("66.7%", sources.locator("tr", has_text="linkedin").inner_text())
		self.assertIn(self.event.title, dashboard.locator("table[data-rc=events]").inner_text())
		self.assertEqual(dashboard.locator("[role=progressbar]").get_attribute("aria-valuenow"), "0")
		self.assert_scoped_checks(".rc-drive-dashboard")
		self.page.screenshot(path=str(SCREENSHOTS / "hiring-drive-desktop.png"), full_page=True)

	def test_check_in_on_a_phone(self):
		self.page.set_viewport_size(VIEWPORTS["phone"])
		self.page.goto(f"{self.base}/app/rc-event-check-in/{self.event.name}")
		root = self.page.locator(".rc-check-in")
		root.locator(".rc-check-in-row").first.wait_for()
		self.assertEqual(root.locator(".rc-check-in-row").count(), 2)
		self.assert_scoped_checks(".rc-check-in")
		overflow = self.page.evaluate(
			"() => { const r = document.querySelector('.rc-check-in'); return r.scrollWidth - r.clientWidth; }"
		)
		self.assertLessEqual(overflow, 0, "the check-in list fits a phone screen")
		self.page.screenshot(path=str(SCREENSHOTS / "event-check-in-phone.png"), full_page=True)

		search = self.page.get_by_label("Name or email")
		search.fill("grace")
		self.page.wait_for_function("document.querySelectorAll('.rc-check-in-row').length === 1")
		search.focus()
		self.page.keyboard.press("Tab")
		self.assertEqual(
			tuple(self.page.evaluate(FOCUSED_JS)), ("BUTTON", "Check in Grace Hopper"), "Tab reaches Check in"
		)
		self.page.keyboard.press("Enter")
		self.page.get_by_role("button", name="Grace Hopper is checked in").wait_for()
		self.assertIn("Grace Hopper is checked in.", root.locator(".rc-check-in-status").inner_text())
		self.page.screenshot(path=str(SCREENSHOTS / "event-check-in-phone-done.png"), full_page=True)

		candidate, registration = self.people["Grace Hopper"]
		self.db_fresh()
		self.assertEqual(frappe.db.get_value("RC Event Registration", registration, "status"), "Attended")
		self.assertEqual(
			frappe.db.count("RC Touchpoint", {"candidate": candidate, "touchpoint_type": "Event Attended"}), 1
		)
		other = self.people["Katherine Johnson"][1]
		self.assertEqual(frappe.db.get_value("RC Event Registration", other, "status"), "Confirmed")

	def test_public_event_page_on_a_phone(self):
		self.page.set_viewport_size(VIEWPORTS["phone"])
		self.context.clear_cookies()  # a guest, as on the career site
		self.page.goto(f"{self.base}/careers/events/{self.event.route}?src=qr")
		self.page.wait_for_selector("h1")
		self.assertEqual(self.page.locator("h1").inner_text(), self.event.title)
		self.assertEqual(self.page.evaluate(UNLABELLED_JS), [], "every form control has a label")
		self.assertEqual(self.page.evaluate(CONTRAST_JS), [], "text contrast is at least 4.5:1 (WCAG AA)")
		overflow = self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
		self.assertLessEqual(overflow, 0, "nothing wider than a phone screen")
		self.assertEqual(self.page.locator("input[name=src]").get_attribute("value"), "qr")
		self.page.get_by_label("Full name").focus()
		self.page.keyboard.press("Tab")
		self.assertEqual(
			self.page.evaluate("document.activeElement.name"), "email", "keyboard order follows the form"
		)
		self.page.screenshot(path=str(SCREENSHOTS / "event-page-phone.png"), full_page=True)

	def test_drive_landing_page_on_a_phone(self):
		self.page.set_viewport_size(VIEWPORTS["phone"])
		self.context.clear_cookies()  # a guest, as on the career site
		self.page.goto(f"{self.base}/careers/drives/{self.drive.route}")
		self.page.wait_for_selector("h1")
		self.assertEqual(self.page.locator("h1").inner_text(), "Autumn Engineering Drive")
		main = self.page.locator("main")
		self.assertIn(self.opening.job_title, main.locator(".rc-jobs").inner_text())
		self.assertIn(self.event.title, main.locator(".rc-drive-events").inner_text())
		self.assertTrue(self.page.get_by_role("link", name="Join the talent community").is_visible())
		for budget in ("5,000", "5000"):
			self.assertNotIn(budget, main.inner_text(), "the budget is never shown")
		self.assertEqual(self.page.evaluate(UNLABELLED_JS), [], "every form control has a label")
		self.assertEqual(self.page.evaluate(CONTRAST_JS), [], "text contrast is at least 4.5:1 (WCAG AA)")
		overflow = self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
		self.assertLessEqual(overflow, 0, "nothing wider than a phone screen")
		self.page.get_by_role("link", name=self.event.title).click()
		self.page.wait_for_url(f"**/careers/events/{self.event.route}")
		self.page.goto(f"{self.base}/careers/drives/{self.drive.route}")
		self.page.wait_for_selector("h1")
		self.page.screenshot(path=str(SCREENSHOTS / "drive-landing-phone.png"), full_page=True)
