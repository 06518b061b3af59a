""" "My applications" in a real browser: headless Chromium driven by Playwright against gunicorn.

Screenshots at desktop and phone widths, labels, headings, contrast, keyboard focus order up to
the withdraw button, and the withdraw flow with its confirm step, checked against the database.

Needs Debian's chromium (/usr/bin/chromium) and the `playwright` Python package; without them
the class is skipped with a message saying so.
"""

import os
import sys
from pathlib import Path

import frappe
from frappe.utils import add_days, nowdate, random_string

from recruit_crm.services.portal import tokens
from recruit_crm.tests.browser import free_port, launch_chromium, require_playwright, serve, shut_down
from recruit_crm.tests.factories import (
	make_candidate,
	make_interview,
	make_job_applicant,
	make_job_opening,
	unique_email,
)
from recruit_crm.tests.integration import RCTestCase
from recruit_crm.tests.integration.test_portal_browser import (
	CONTRAST_JS,
	SCREENSHOTS,
	UNLABELLED_JS,
	VIEWPORTS,
)

FOCUSED_JS = """
() => { const e = document.activeElement; return [e.tagName, (e.textContent || '').trim().replace(/\\s+/g, ' ')]; }
"""


class TestMyApplicationsInBrowser(RCTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		sync_playwright = require_playwright()
		cls.site = frappe.local.site
		cls.port = free_port()
		cls.base = f"http://{cls.site}:{cls.port}"
		cls.created: list[tuple[str, str]] = []
		cls.me = cls.candidate("Europe/Berlin")
		cls.interviewing = cls.application(cls.me, "RC Browser Interview Role")
		cls.interview = make_interview(
			cls.interviewing.name,
			scheduled_on=add_days(nowdate(), 5),
			from_time="09:30:00",
			to_time="10:30:00",
		)
		cls.created.append(("Interview", cls.interview.name))
		cls.applied = cls.application(cls.me, "RC Browser Applied Role")
		frappe.db.commit()  # nosemgrep: the server process reads it
		gunicorn = Path(sys.executable).parent / "gunicorn"
		cls.server = serve(
			[str(gunicorn), "-b", f"127.0.0.1:{cls.port}", "-w", "2", "-t", "60", "frappe.app:application"],
			cwd=os.path.abspath(frappe.local.sites_path),
			site=cls.site,
			port=cls.port,
		)
		cls.playwright = sync_playwright().start()
		cls.browser = launch_chromium(cls.playwright, cls.site)
		SCREENSHOTS.mkdir(parents=True, exist_ok=True)

	@classmethod
	def candidate(cls, timezone: str | None = None):
		doc = make_candidate(
			email=unique_email("browser-mine"), full_name="Browser Person", timezone=timezone
		)
		cls.created.insert(0, ("RC Candidate", doc.name))
		return doc

	@classmethod
	def application(cls, candidate, title: str):
		opening = make_job_opening(title=f"{title} {random_string(5)}")
		cls.created.append(("Job Opening", opening.name))
		doc = make_job_applicant(email=candidate.email, job_opening=opening.name)
		cls.created.append(("Job Applicant", doc.name))
		if doc.get("rc_candidate") != candidate.name:
			frappe.db.set_value("Job Applicant", doc.name, "rc_candidate", candidate.name)
		doc.title = opening.job_title
		return doc

	@classmethod
	def tearDownClass(cls):
		shut_down(cls, timeout=10)
		frappe.db.rollback()
		for doctype, name in reversed(getattr(cls, "created", [])):
			if frappe.db.exists(doctype, name):
				frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
		frappe.db.commit()  # nosemgrep
		super().tearDownClass()

	def setUp(self):
		frappe.cache.delete_keys("rl:")
		self.context = self.browser.new_context(viewport=VIEWPORTS["desktop"])
		self.page = self.context.new_page()
		self.errors: list[str] = []
		self.page.on("pageerror", lambda e: self.errors.append(str(e)))

	def tearDown(self):
		self.context.close()
		self.assertEqual(self.errors, [], "no JavaScript errors on the page")

	def open_for(self, candidate: str):
		self.page.goto(
			f"{self.base}/careers/applications?t={tokens.make_token(candidate, tokens.APPLICATIONS)}"
		)
		self.page.wait_for_selector("h1")

	def shoot(self, name: str):
		for label, size in VIEWPORTS.items():
			self.page.set_viewport_size(size)
			if label == "phone":
				overflow = self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
				self.assertLessEqual(overflow, 0, "nothing wider than a phone screen")
			self.page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
		self.page.set_viewport_size(VIEWPORTS["desktop"])

	def assert_accessible(self):
		self.assertEqual(self.page.evaluate(UNLABELLED_JS), [], "every form control has a label")
		self.assertEqual(self.page.evaluate(CONTRAST_JS), [], "text contrast is at least 4.5:1 (WCAG AA)")
		self.assertEqual(self.page.locator("h1").count(), 1)

	def assert_withdrawn_message(self):
		result = self.page.locator("[data-rc=result].rc-msg")
		result.wait_for()
		self.assertEqual(result.get_attribute("class"), "rc-msg", result.inner_text())
		self.assertEqual(tuple(self.page.evaluate(FOCUSED_JS))[1], result.inner_text(), "focus on the answer")

	def fetch(self, path: str, form: dict, csrf: bool = False) -> int:
		"""POST from the page's own origin (with or without the page's CSRF token); the status."""
		return self.page.evaluate(
			"""([path, form, csrf]) => {
				const body = new FormData(); Object.entries(form).forEach(([k, v]) => body.append(k, v));
				const headers = csrf && window.frappe.csrf_token ? {"X-Frappe-CSRF-Token": frappe.csrf_token} : {};
				return fetch(path, {method: "POST", body, headers}).then(r => r.status);
			}""",
			[path, form, csrf],
		)

	def tab_order(self, presses: int = 30) -> list[tuple[str, str]]:
		order = []
		for _ in range(presses):
			self.page.keyboard.press("Tab")
			order.append(tuple(self.page.evaluate(FOCUSED_JS)))
		return order

	def test_page_reads_well_on_desktop_and_phone_and_the_keyboard_reaches_withdraw(self):
		self.open_for(self.me.name)
		page = self.page
		self.assert_accessible()
		self.shoot("my-applications")
		titles = page.locator("article h2").all_inner_texts()
		self.assertEqual(titles, [self.applied.title, self.interviewing.title], "newest first")
		interviewing = page.locator("article", has_text=self.interviewing.title)
		self.assertIn("Interviewing", interviewing.locator(".rc-stage").inner_text())
		self.assertIn("(Europe/Berlin)", interviewing.locator("time").inner_text())
		self.assertEqual(interviewing.get_by_role("link", name="Download calendar file (.ics)").count(), 1)
		self.assertEqual(page.get_by_role("heading", name="Upcoming interviews").count(), 1)
		for term in ("Applied on", "Stage", "What happens next", "When you will hear from us"):
			self.assertEqual(interviewing.locator("dt", has_text=term).count(), 1, term)

		order = self.tab_order()
		names = [text for _tag, text in order]
		self.assertEqual(names[0], "Skip to content")
		withdraws = [
			i for i, (tag, text) in enumerate(order) if tag == "BUTTON" and text == "Withdraw application"
		]
		self.assertGreaterEqual(len(withdraws), 2, f"both withdraw buttons are reachable: {names}")
		calendar = names.index("Download calendar file (.ics)")
		preferences = names.index("Manage your preferences")
		self.assertLess(withdraws[0], calendar, "the first application's controls come first")
		self.assertLess(calendar, withdraws[1], "then the interview's calendar links, then its withdraw")
		self.assertLess(withdraws[1], preferences, "preferences after the applications")

	def test_invalid_link_page_is_plain_and_accessible(self):
		self.page.goto(f"{self.base}/careers/applications?t=forged")
		self.assertIn("invalid or has expired", self.page.inner_text("main"))
		self.assertEqual(self.page.locator("article").count(), 0)
		self.assert_accessible()
		self.shoot("my-applications-invalid")

	def test_withdraw_asks_first_then_moves_the_application(self):
		someone = self.candidate()
		app = self.application(someone, "RC Browser Withdraw Role")
		frappe.db.commit()  # nosemgrep
		self.open_for(someone.name)
		page = self.page
		ask = page.get_by_role("button", name="Withdraw application")
		ask.click()
		self.assertEqual(ask.get_attribute("aria-expanded"), "true")
		self.assertEqual(
			tuple(page.evaluate(FOCUSED_JS)), ("BUTTON", "Yes, withdraw"), "focus moves to confirm"
		)
		self.assert_accessible()
		self.shoot("my-applications-confirm")
		page.get_by_role("button", name="Keep my application").click()
		self.assertFalse(page.locator(".rc-confirm").is_visible())
		self.assertEqual(tuple(page.evaluate(FOCUSED_JS)), ("BUTTON", "Withdraw application"))
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value("Job Applicant", app.name, "workflow_state"), "Applied")

		ask.click()
		page.get_by_role("button", name="Yes, withdraw").click()
		self.assert_withdrawn_message()
		self.assertEqual(page.locator(".rc-stage").inner_text(), "Withdrawn")
		self.assertEqual(page.get_by_role("button", name="Withdraw application").count(), 0)
		self.assertIn("withdrawn", page.locator("[data-rc=result]").inner_text())
		self.shoot("my-applications-withdrawn")
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value("Job Applicant", app.name, "workflow_state"), "Withdrawn")
		self.assertEqual(
			frappe.db.get_value(
				"RC Application Stage", {"job_applicant": app.name, "state": "Withdrawn"}, "source"
			),
			"Candidate",
		)
		page.reload()
		self.assertEqual(page.locator(".rc-stage").inner_text(), "Withdrawn")
		self.assertEqual(page.get_by_role("button", name="Withdraw application").count(), 0)

	def test_a_signed_in_website_user_withdraws_and_a_cross_site_post_is_refused(self):
		from frappe.utils.password import update_password

		from recruit_crm.tests.factories import make_user

		someone = self.candidate()
		app = self.application(someone, "RC Browser Session Role")
		make_user(someone.email, user_type="Website User")
		self.created.append(("User", someone.email))
		update_password(someone.email, "Rc-Browser-Test-2026!")
		frappe.db.commit()  # nosemgrep
		page = self.page
		page.goto(f"{self.base}/careers")
		login = self.fetch("/api/method/login", {"usr": someone.email, "pwd": "Rc-Browser-Test-2026!"})
		self.assertEqual(login, 200)
		page.goto(f"{self.base}/careers/applications")
		self.assertEqual(page.locator("article h2").all_inner_texts(), [app.title])
		self.assertNotIn(self.interviewing.title, page.inner_text("main"), "only their own applications")
		forged = self.fetch(
			"/api/method/recruit_crm.api.portal.withdraw_application", {"application": app.name}
		)
		self.assertEqual(forged, 400, "a POST without the page's CSRF token is refused")
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value("Job Applicant", app.name, "workflow_state"), "Applied")
		page.get_by_role("button", name="Withdraw application").click()
		page.get_by_role("button", name="Yes, withdraw").click()
		self.assert_withdrawn_message()
		frappe.db.rollback()
		self.assertEqual(
			frappe.db.get_value(
				"RC Application Stage",
				{"job_applicant": app.name, "state": "Withdrawn"},
				["source", "entered_by"],
			),
			("Candidate", someone.email),
		)
