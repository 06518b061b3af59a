"""The career site in a real browser: headless Chromium driven by Playwright against gunicorn.

Covers what a candidate does (browse and filter, apply with a resume, join the community and
confirm, update preferences, unsubscribe), takes screenshots at desktop and phone widths, and
checks basic accessibility: labels, focus order and text contrast.

Needs Debian's chromium (/usr/bin/chromium) and the `playwright` Python package; without them
the class is skipped with a message saying so.
"""

import email
import os
import re
import sys
import tempfile
from pathlib import Path

import frappe
from frappe.utils import random_string

from recruit_crm.tests.browser import (
	free_port,
	launch_chromium,
	require_playwright,
	serve,
	shut_down,
	wait_for,
)
from recruit_crm.tests.factories import make_job_opening, unique_email
from recruit_crm.tests.integration import RCTestCase

SCREENSHOTS = Path(os.environ.get("RC_SCREENSHOT_DIR", tempfile.gettempdir())) / "recruit_crm_screenshots"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}

# Relative luminance contrast of every visible text node against its effective background.
CONTRAST_JS = """
() => {
  const lum = (c) => { const m = c.match(/[\\d.]+/g).map(Number); const [r,g,b] = m.slice(0,3).map(v => { v/=255; return v <= 0.03928 ? v/12.92 : Math.pow((v+0.055)/1.055, 2.4); }); return 0.2126*r + 0.7152*g + 0.0722*b; };
  const alpha = (c) => { const m = c.match(/[\\d.]+/g); return m && m.length > 3 ? Number(m[3]) : 1; };
  const bg = (el) => { for (let e = el; e; e = e.parentElement) { const s = getComputedStyle(e); if (s.backgroundImage !== 'none') return null; if (alpha(s.backgroundColor) > 0.5) return s.backgroundColor; } return 'rgb(255,255,255)'; };
  const worst = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode; const el = node.parentElement;
    if (!node.textContent.trim() || !el || !el.offsetParent || el.closest('.rc-hp, .rc-skip, script, style')) continue;
    const back = bg(el); if (!back) continue;
    const a = lum(getComputedStyle(el).color), b = lum(back);
    const ratio = (Math.max(a,b) + 0.05) / (Math.min(a,b) + 0.05);
    if (ratio < 4.5) worst.push([node.textContent.trim().slice(0, 40), Math.round(ratio*100)/100]);
  }
  return worst;
}
"""

UNLABELLED_JS = """
() => Array.from(document.querySelectorAll('main input, main select, main textarea'))
  .filter(el => el.type !== 'hidden' && !el.closest('.rc-hp') && el.labels.length === 0 && !el.getAttribute('aria-label'))
  .map(el => el.name)
"""


class TestPortalInBrowser(RCTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		sync_playwright = require_playwright()
		cls.site = frappe.local.site
		cls.port = free_port()
		cls.base = f"http://{cls.site}:{cls.port}"
		cls.opening = make_job_opening(
			title=f"RC Browser Role {random_string(5)}", description="<p>Build great things.</p>"
		)
		cls.created = [("Job Opening", cls.opening.name)]
		frappe.db.commit()  # nosemgrep: the server process reads it
		frappe.website.utils.clear_cache()
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
		self.errors = []
		self.page.on("pageerror", lambda e: self.errors.append(str(e)))

	def tearDown(self):
		self.context.close()
		self.assertEqual(self.errors, [], "no JavaScript errors on the page")

	def shoot(self, name: str):
		for label, size in VIEWPORTS.items():
			self.page.set_viewport_size(size)
			self.page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
		self.page.set_viewport_size(VIEWPORTS["desktop"])

	def assert_accessible(self):
		self.assertEqual(self.page.evaluate(UNLABELLED_JS), [], "every form control has a label")
		self.assertEqual(self.page.evaluate(CONTRAST_JS), [], "text contrast is at least 4.5:1 (WCAG AA)")

	def db_fresh(self):
		frappe.db.rollback()  # see what the server committed

	def track_applicant(self, email_address: str):
		self.db_fresh()
		for name, candidate in frappe.get_all(
			"Job Applicant",
			filters={"email_id": email_address},
			fields=["name", "rc_candidate"],
			as_list=True,
		):
			self.created.append(("RC Candidate", candidate))
			self.created.append(("Job Applicant", name))

	def test_browse_filter_and_apply_with_a_resume(self):
		page = self.page
		page.goto(f"{self.base}/careers")
		self.assertIn("Careers", page.title())
		self.assert_accessible()
		self.shoot("careers")
		# Keyboard users reach the skip link first, then the brand, then the navigation.
		page.keyboard.press("Tab")
		self.assertEqual(page.evaluate("document.activeElement.className"), "rc-skip")
		page.keyboard.press("Tab")
		self.assertEqual(page.evaluate("document.activeElement.className"), "rc-brand")

		page.fill("input[name=q]", self.opening.job_title)
		page.click("form.rc-filters button[type=submit]")
		page.wait_for_url(re.compile(r"q="))
		self.assertEqual(page.locator(".rc-job").count(), 1)
		page.click(f"text={self.opening.job_title}")
		page.wait_for_selector("#rc-apply-form")
		self.assert_accessible()
		self.shoot("job")

		email_address = unique_email("browser")
		resume = Path(tempfile.mkdtemp()) / "my cv.pdf"
		resume.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
		page.fill("input[name=applicant_name]", "Browser Person")
		page.fill("input[name=email]", email_address)
		page.set_input_files("input[name=resume]", str(resume))
		page.check("input[name=consent_talent_pool]")
		page.click("#rc-apply-form button[type=submit]")
		page.wait_for_selector("#rc-apply-result.rc-msg:not(.error)")
		self.assertIn("application has been received", page.inner_text("#rc-apply-result"))
		self.shoot("applied")
		wait_for(lambda: frappe.db.exists("Job Applicant", {"email_id": email_address}))
		self.track_applicant(email_address)
		applicant = frappe.get_doc("Job Applicant", {"email_id": email_address})
		self.assertTrue(applicant.resume_attachment.startswith("/private/files/"))
		self.assertTrue(frappe.db.get_value("RC Candidate", applicant.rc_candidate, "has_pool_consent"))

	def test_join_the_community_confirm_update_preferences_and_unsubscribe(self):
		page = self.page
		page.goto(f"{self.base}/careers/community")
		self.assert_accessible()
		self.shoot("community")
		email_address = unique_email("joiner")
		page.fill("input[name=full_name]", "Joining Person")
		page.fill("input[name=email]", email_address)
		page.check("input[name=interests][value=Engineering]")
		page.check("input[name=consent]")
		page.click("#rc-community-form button[type=submit]")
		page.wait_for_selector("#rc-community-result.rc-msg:not(.error)")

		self.db_fresh()
		signup = frappe.db.get_value("RC Community Signup", {"email": email_address}, "name")
		self.created.append(("RC Community Signup", signup))
		mime = wait_for(
			lambda: frappe.get_all("Email Queue", filters={"reference_name": signup}, pluck="message")
		)[0]
		text = "".join(
			p.get_payload(decode=True).decode(p.get_content_charset() or "utf-8")
			for p in email.message_from_string(mime).walk()
			if p.get_content_maintype() == "text"
		)
		link = re.search(r"https?://[^\s\"'<>]+community-confirm\?t=[\w.\-]+", text).group(0)
		page.goto(f"{self.base}/careers/community-confirm?{link.split('?', 1)[1]}")
		page.click("#rc-confirm-form button[type=submit]")
		page.wait_for_selector("#rc-confirm-result.rc-msg:not(.error)")
		self.shoot("community-confirmed")

		self.db_fresh()
		candidate = frappe.db.get_value("RC Candidate", {"email": email_address}, "name")
		self.created.append(("RC Candidate", candidate))
		self.assertTrue(frappe.db.get_value("RC Candidate", candidate, "has_marketing_consent"))

		from recruit_crm.services.portal.tokens import preferences_url

		page.goto(f"{self.base}/careers/preferences?{preferences_url(candidate).split('?', 1)[1]}")
		self.assert_accessible()
		self.shoot("preferences")
		page.select_option("select[name=email_frequency]", "Monthly")
		page.click("#rc-prefs-form button[type=submit]")
		page.wait_for_selector("#rc-prefs-result.rc-msg:not(.error)")
		page.click("#rc-unsub-form button[type=submit]")
		page.wait_for_selector("#rc-unsub-result.rc-msg:not(.error)")
		self.shoot("unsubscribed")
		self.db_fresh()
		self.assertEqual(
			frappe.db.get_value("RC Candidate", candidate, ["email_frequency", "is_unsubscribed"]),
			("Monthly", 1),
		)
