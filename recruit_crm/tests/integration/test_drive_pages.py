"""A hiring drive's public landing page and a guest's "Can't make it? Cancel my place", over HTTP
as a guest's browser would: what the page shows and escapes, what it never shows (budget, spend,
owner), one 404 for every drive that is not public, the page cache and its clearing; and the
signed cancel link (GET shows, POST cancels, twice answers the same, expired and forged links
change nothing), the freed place, the touchpoint, the follow-up and signing up again."""

import re

import frappe
from frappe.utils import add_days, add_to_date, now_datetime, random_string

from recruit_crm.services.drives import attendance, events, pages
from recruit_crm.services.portal import tokens
from recruit_crm.tests.factories import make_candidate, make_job_opening, make_user, unique_email
from recruit_crm.tests.integration.test_guest_fuzz import BAD_VALUES, WRONG_TYPES
from recruit_crm.tests.integration.test_hiring_drives import R, make_drive, make_event, make_registration
from recruit_crm.tests.integration.test_portal_security import PortalTestCase, _mail_text, _server_message

CANCEL = "recruit_crm.api.event_portal.cancel_event_registration"
CONFIRM = "recruit_crm.api.event_portal.confirm_event_registration"
REGISTER = "recruit_crm.api.event_portal.register_for_event"
INVALID = "This link is invalid or has expired."


def _main(html: str) -> str:
	"""The page's own content (the base template's head and footer are Frappe's and ours alike)."""
	match = re.search(r"<main.*?</main>", html, re.S)
	return match.group(0) if match else ""


class TestDriveLandingPage(PortalTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		track = cls.created.append
		cls.department = frappe.get_doc(
			{
				"doctype": "Department",
				"department_name": f"RC Drive Dept {random_string(5)}",
				"company": frappe.db.get_value("Company", {}, "name"),
			}
		).insert(ignore_permissions=True)
		cls.shown = make_job_opening(
			title=f"RC Drive Shown {random_string(5)}",
			location=None,
			department=cls.department.name,
			employment_type=None,
		)
		cls.closed = make_job_opening(title=f"RC Drive Closed {random_string(5)}", status="Closed")
		cls.unpublished = make_job_opening(title=f"RC Drive Hidden {random_string(5)}", publish=0)
		cls.owner = make_user(unique_email("driveowner"), roles=("HR User",))
		cls.web_page = cls.make_web_page(published=1)
		cls.draft_page = cls.make_web_page(published=0)
		cls.suffix = random_string(6)
		cls.drive = make_drive(
			{cls.shown.name: 2, cls.closed.name: 1, cls.unpublished.name: 1},
			title=f"Spring <img src=x onerror=alert(1)> Drive {cls.suffix}",
			goal="Hire <b>ten</b> engineers before June",
			status="Active",
			published=1,
			budget=12345.67,
			drive_owner=cls.owner,
			spend=[{"channel": "LinkedIn", "amount": 777.5}],
			career_pages=[{"web_page": cls.web_page}, {"web_page": cls.draft_page}],
		)
		soon = add_days(now_datetime(), 2)
		cls.upcoming = make_event(cls.drive.name, title=f"RC Drive Fair {random_string(5)}", starts_at=soon)
		cls.hidden_event = make_event(cls.drive.name, title=f"RC Drive Draft {random_string(5)}", published=0)
		past = add_days(now_datetime(), -3)
		cls.past_event = make_event(
			cls.drive.name,
			title=f"RC Drive Past {random_string(5)}",
			starts_at=past,
			ends_at=add_to_date(past, hours=2),
		)
		for event in (cls.upcoming, cls.hidden_event, cls.past_event):
			cls.created.insert(0, ("RC Hiring Event", event.name))
		track(("RC Hiring Drive", cls.drive.name))
		for doc in (cls.shown, cls.closed, cls.unpublished):
			track(("Job Opening", doc.name))
		track(("Department", cls.department.name))
		for name in (cls.web_page, cls.draft_page):
			track(("Web Page", name))
		frappe.db.commit()  # nosemgrep: visible to the request thread

	@classmethod
	def make_web_page(cls, published: int) -> str:
		return (
			frappe.get_doc(
				{
					"doctype": "Web Page",
					"title": f"RC Drive Page {random_string(6)}",
					"route": f"rc-drive-page-{random_string(8).lower()}",
					"published": published,
					"content_type": "Rich Text",
					"main_section": "<p>About the drive</p>",
				}
			)
			.insert(ignore_permissions=True)
			.name
		)

	def path(self, drive=None) -> str:
		return f"/careers/drives/{(drive or self.drive).route}"

	def test_the_landing_page_shows_the_drive_its_jobs_events_pages_and_the_community(self):
		response = self.page(self.path())
		self.assertEqual(response.status_code, 200)
		main = _main(response.get_data(as_text=True))
		self.assertIn(f"Drive {self.suffix}</h1>", main)
		self.assertNotIn("<img", main, "the title is escaped")
		self.assertIn("Hire &lt;b&gt;ten&lt;/b&gt; engineers before June", main, "the goal is plain text")

		shown_url = f'href="/careers/{self.shown.route.removeprefix("jobs/")}"'
		self.assertIn(shown_url, main, "each open job links to its page")
		self.assertIn(self.shown.job_title, main)
		department = frappe.db.get_value("Department", self.department.name, "department_name")
		self.assertIn(f'<span class="rc-job-fact">{department}</span>', main, "the job cards' facts")
		for hidden in (self.closed, self.unpublished):
			self.assertNotIn(hidden.job_title, main)

		self.assertIn(f'href="/careers/events/{self.upcoming.route}"', main)
		self.assertIn(self.upcoming.title, main)
		for hidden in (self.hidden_event, self.past_event):
			self.assertNotIn(hidden.title, main)

		route = frappe.db.get_value("Web Page", self.web_page, "route")
		self.assertIn(f'href="/{route}"', main, "the published career page is listed")
		self.assertNotIn(frappe.db.get_value("Web Page", self.draft_page, "route"), main)
		self.assertIn('href="/careers/community"', main, "the talent-community call to action")

	def test_nothing_internal_is_shown(self):
		html = self.page(self.path()).get_data(as_text=True)
		for secret in ("12345.67", "12,345.67", "777.5", "LinkedIn", self.owner, self.drive.name):
			self.assertNotIn(secret, html)

	def test_drives_that_are_not_public_are_one_and_the_same_404(self):
		unpublished = make_drive({self.shown.name: 1}, status="Active", published=0)
		cancelled = make_drive({self.shown.name: 1}, status="Cancelled", published=1)
		for drive in (unpublished, cancelled):
			self.created.insert(0, ("RC Hiring Drive", drive.name))
		frappe.db.commit()  # nosemgrep
		statuses = []
		for path in (
			self.path(unpublished),
			self.path(cancelled),
			"/careers/drives/no-such-drive",
			"/careers/drives/Not_A_Route",
			f"/careers/drive?drive={unpublished.route}",
		):
			response = self.page(path)
			body = response.get_data(as_text=True)
			self.assertNotIn(unpublished.title, body)
			self.assertNotIn(cancelled.title, body)
			statuses.append(response.status_code)
		self.assertEqual(statuses, [404] * 5)

	def test_the_page_is_cached_per_drive_and_saving_the_drive_clears_it(self):
		drive = make_drive({self.shown.name: 1}, status="Active", published=1)
		self.created.insert(0, ("RC Hiring Drive", drive.name))
		frappe.db.commit()  # nosemgrep
		key = self.path(drive).strip("/")
		self.assertEqual(self.page(self.path(drive)).status_code, 200)
		self.assertIsNotNone(frappe.cache.hget("website_page", key), "served from the page cache next")
		self.page(f"/careers/drive?drive={drive.route}")
		self.assertIsNone(
			frappe.cache.hget("website_page", "careers/drive"), "the query-string form is never cached"
		)
		drive.reload()
		drive.published = 0
		drive.save(ignore_permissions=True)
		frappe.db.commit()  # nosemgrep
		self.assertIsNone(frappe.cache.hget("website_page", key))
		self.assertEqual(self.page(self.path(drive)).status_code, 404, "unpublishing takes the page down")

	def test_the_job_page_names_its_active_drive(self):
		html = self.page(f"/careers/{self.shown.route.removeprefix('jobs/')}").get_data(as_text=True)
		self.assertIn(f'href="{self.path()}"', html)
		self.assertIn("Part of", html)
		self.assertEqual(pages.active_drive_for_opening(self.unpublished.name).url, self.path())

	def test_routes_are_made_from_the_title_and_numbered_when_taken(self):
		title = f"RC Twin Drive {random_string(5)}"
		first, second = make_drive({}, title=title), make_drive({}, title=title)
		for drive in (first, second):
			self.created.insert(0, ("RC Hiring Drive", drive.name))
		self.assertEqual(second.route, f"{first.route}-2")
		with self.assertRaises(frappe.ValidationError):
			make_drive({}, route="Not A Route")
		with self.assertRaises(frappe.ValidationError):
			make_drive({}, career_pages=[{"web_page": self.web_page}, {"web_page": self.web_page}])
		frappe.db.commit()  # nosemgrep
