"""A base class for tests in the real desk: `frappe serve` and headless Chromium via Playwright.

Subclasses build their data in `set_up_data` (committed, since the server process reads it) and
delete it in `tear_down_data`. Each test gets a fresh browser context logged in as Administrator
and fails if the page raised a JavaScript error.
"""

import os
import sys

import frappe

from recruit_crm.tests.browser import free_port, launch_chromium, require_playwright, serve, shut_down
from recruit_crm.tests.integration import RCTestCase

TIMEOUT_MS = 90_000


class DeskBrowserTestCase(RCTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		sync_playwright = require_playwright()
		frappe.set_user("Administrator")
		cls.set_up_data()
		frappe.db.commit()  # nosemgrep: the server process reads it
		cls.site = frappe.local.site
		cls.port = free_port()
		cls.base = f"http://{cls.site}:{cls.port}"
		cls.server = serve(
			[sys.executable, "-m", "frappe.utils.bench_helper", "frappe", "--site", cls.site, "serve",
				"--port", str(cls.port), "--noreload"],
			cwd=os.path.abspath(frappe.local.sites_path),
			site=cls.site,
			port=cls.port,
		)  # fmt: skip
		cls.playwright = sync_playwright().start()
		cls.browser = launch_chromium(cls.playwright, cls.site)

	@classmethod
	def tearDownClass(cls):
		shut_down(cls)
		frappe.db.rollback()
		cls.tear_down_data()
		frappe.db.commit()  # nosemgrep: remove what setUpClass committed
		super().tearDownClass()

	@classmethod
	def set_up_data(cls) -> None:
		"""Create the documents the tests need (committed by the caller)."""

	@classmethod
	def tear_down_data(cls) -> None:
		"""Delete what `set_up_data` created (committed by the caller)."""

	def setUp(self):
		self.context = self.browser.new_context(viewport={"width": 1400, "height": 1000})
		self.page = self.context.new_page()
		self.page.set_default_timeout(TIMEOUT_MS)
		self.errors = []
		self.page.on("pageerror", lambda e: self.errors.append(str(e)))
		self.page.goto(f"{self.base}/login")
		status = self.page.evaluate(
			"""(pwd) => fetch('/api/method/login', {method: 'POST',
				headers: {'Content-Type': 'application/x-www-form-urlencoded'},
				body: 'usr=Administrator&pwd=' + encodeURIComponent(pwd)}).then(r => r.status)""",
			frappe.conf.get("admin_password") or "admin",
		)
		if status != 200:
			self.skipTest("cannot log in as Administrator in the browser (admin password unknown)")

	def tearDown(self):
		self.context.close()
		frappe.db.rollback()
		self.assertEqual(self.errors, [], "no JavaScript errors on the page")

	def db_fresh(self) -> None:
		"""End this test's read snapshot, to see what the server committed."""
		frappe.db.rollback()
