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


class TestCancelMyPlace(PortalTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.suffix = random_string(6)
		cls.drive = make_drive({})
		cls.created.append(("RC Hiring Drive", cls.drive.name))
		cls.event = make_event(cls.drive.name, capacity=1)
		cls.created.insert(0, ("RC Hiring Event", cls.event.name))
		frappe.db.commit()  # nosemgrep: visible to the request thread

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		for reg in frappe.get_all(
			"RC Event Registration",
			filters={"hiring_event": ("in", cls.events())},
			fields=["name", "candidate"],
		):
			cls.created.insert(0, ("RC Event Registration", reg.name))
			if reg.candidate:
				frappe.db.delete("RC Touchpoint", {"candidate": reg.candidate})
				frappe.db.delete("RC Consent", {"candidate": reg.candidate})
				cls.created.append(("RC Candidate", reg.candidate))
		super().tearDownClass()

	@classmethod
	def events(cls) -> list[str]:
		return [name for doctype, name in cls.created if doctype == "RC Hiring Event"]

	def setUp(self):
		super().setUp()
		frappe.db.rollback()
		for name in frappe.get_all("RC Event Registration", {"hiring_event": self.event.name}, pluck="name"):
			frappe.db.set_value("RC Event Registration", name, "status", R.CANCELLED.value)
		frappe.db.commit()  # nosemgrep: every test starts with the one place free

	def confirmed(self, event=None):
		person = make_candidate(email=unique_email("cancel"))
		reg = make_registration((event or self.event).name, person)
		frappe.db.commit()  # nosemgrep
		return person, reg

	def token(self, registration: str) -> str:
		return re.search(r"t=([\w.\-]+)", events.cancel_url(registration)).group(1)

	def post(self, token: str):
		response = self.http("post", self.method(CANCEL), data={"t": token})
		frappe.db.rollback()
		return response

	def status(self, registration: str) -> str:
		return frappe.db.get_value("RC Event Registration", registration, "status")

	def test_get_shows_a_button_post_cancels_and_a_second_post_answers_the_same(self):
		person, reg = self.confirmed()
		token = self.token(reg.name)
		page = self.page(f"/careers/event-cancel?t={token}")
		self.assertEqual(page.status_code, 200)
		html = page.get_data(as_text=True)
		self.assertIn(self.event.title, html)
		self.assertIn(CANCEL, html)
		self.assertIn("Cancel my place", html)
		self.assertEqual(self.status(reg.name), R.CONFIRMED.value, "opening the link cancels nothing")

		first = self.post(token)
		self.assertEqual(first.status_code, 200, first.get_data(as_text=True))
		self.assertEqual(self.status(reg.name), R.CANCELLED.value)
		touch = frappe.get_all(
			"RC Touchpoint",
			filters={"candidate": person.name, "details": "Cancelled their place at a hiring event"},
			fields=["touchpoint_type", "channel", "direction", "reference_doctype", "reference_name"],
		)
		self.assertEqual(
			touch,
			[
				{
					"touchpoint_type": "Form Submitted",
					"channel": "Web",
					"direction": "Inbound",
					"reference_doctype": "RC Hiring Event",
					"reference_name": self.event.name,
				}
			],
		)
		second = self.post(token)
		self.assertEqual(
			(second.status_code, second.json["message"]), (first.status_code, first.json["message"])
		)
		self.assertEqual(
			frappe.db.count(
				"RC Touchpoint",
				{"candidate": person.name, "details": "Cancelled their place at a hiring event"},
			),
			1,
			"nothing is recorded twice",
		)
		again = self.page(f"/careers/event-cancel?t={token}").get_data(as_text=True)
		self.assertIn("is cancelled", again)
		self.assertNotIn('id="rc-cancel-form"', again)

	def test_expired_and_forged_links_change_nothing(self):
		_person, reg = self.confirmed()
		answers = set()
		for token in (
			tokens.make_token(reg.name, events.CANCEL_EVENT, ttl_days=-1),  # expired
			tokens.make_token(reg.name, events.CONFIRM_EVENT),  # another purpose
			tokens.make_token("no-such-registration", events.CANCEL_EVENT),
			"garbage",
			"",
		):
			response = self.post(token)
			answers.add((response.status_code, _server_message(response)))
			page = self.page(f"/careers/event-cancel?t={token}").get_data(as_text=True)
			self.assertIn(INVALID, page)
			self.assertNotIn('id="rc-cancel-form"', page)
		self.assertEqual(answers, {(417, INVALID)})
		self.assertEqual(self.status(reg.name), R.CONFIRMED.value)

	def test_cancelling_frees_the_place_for_someone_else(self):
		_person, reg = self.confirmed()
		self.assertEqual(events.public_event(self.event.route).places_left, 0)
		full = self.http(
			"post",
			self.method(REGISTER),
			data={
				"event": self.event.route,
				"full_name": "Late Comer",
				"email": unique_email("late"),
				"consent": "1",
			},
		)
		self.assertEqual((full.status_code, _server_message(full)), (417, "This event is full."))
		self.assertEqual(self.post(self.token(reg.name)).status_code, 200)
		self.assertEqual(events.public_event(self.event.route).places_left, 1)
		frappe.cache.delete_keys("rl:")
		taken = self.http(
			"post",
			self.method(REGISTER),
			data={
				"event": self.event.route,
				"full_name": "Late Comer",
				"email": unique_email("late"),
				"consent": "1",
			},
		)
		self.assertEqual(taken.status_code, 200, taken.get_data(as_text=True))

	def test_after_the_event_there_is_nothing_to_cancel(self):
		past = add_days(now_datetime(), -2)
		event = make_event(self.drive.name, starts_at=past, ends_at=add_to_date(past, hours=2))
		self.created.insert(0, ("RC Hiring Event", event.name))
		_person, reg = self.confirmed(event)
		response = self.post(self.token(reg.name))
		self.assertEqual(
			(response.status_code, _server_message(response)),
			(417, "This event is over: there is no place left to cancel."),
		)
		self.assertEqual(self.status(reg.name), R.CONFIRMED.value)

	def test_the_follow_up_leaves_people_who_cancelled_alone(self):
		event = make_event(self.drive.name)
		self.created.insert(0, ("RC Hiring Event", event.name))
		missed, _ = self.confirmed(event)
		cancelled, reg = self.confirmed(event)
		self.assertEqual(self.post(self.token(reg.name)).status_code, 200)
		past = add_days(now_datetime(), -1)
		frappe.db.set_value(
			"RC Hiring Event", event.name, {"starts_at": past, "ends_at": add_to_date(past, hours=1)}
		)
		result = attendance.follow_up(event.name)
		self.assertEqual((result["attendees"], result["no_shows"]), (0, 1))
		self.assertEqual(self.status(reg.name), R.CANCELLED.value, "not turned into a no-show")
		self.assertEqual(
			frappe.db.get_value(
				"RC Event Registration", {"hiring_event": event.name, "candidate": missed.name}, "status"
			),
			R.NO_SHOW.value,
		)
		self.assertNotIn(cancelled.name, {r.candidate for r in attendance.search(event.name)})
		frappe.db.commit()  # nosemgrep

	def test_the_emails_and_the_confirmed_page_carry_the_link_and_signing_up_again_works(self):
		email = unique_email("again")

		def sign_up():
			response = self.http(
				"post",
				self.method(REGISTER),
				data={"event": self.event.route, "full_name": "Twice Person", "email": email, "consent": "1"},
			)
			frappe.db.rollback()
			self.assertEqual(response.status_code, 200, response.get_data(as_text=True))
			reg = frappe.get_all(
				"RC Event Registration",
				filters={"hiring_event": self.event.name, "email": email, "status": R.REGISTERED.value},
				pluck="name",
			)
			self.assertEqual(len(reg), 1)
			[mail] = frappe.get_all("Email Queue", filters={"reference_name": reg[0]}, pluck="message")
			text = _mail_text(mail)
			self.assertIn("Can't make it?", text)
			cancel_token = re.search(r"event-cancel\?t=([\w.\-]+)", text).group(1)
			confirm_token = re.search(r"event-confirm\?t=([\w.\-]+)", text).group(1)
			return reg[0], confirm_token, cancel_token

		first, confirm_token, cancel_token = sign_up()
		confirmed = self.http("post", self.method(CONFIRM), data={"t": confirm_token})
		self.assertEqual(confirmed.status_code, 200)
		self.assertIn("/careers/event-cancel?t=", confirmed.json["message"]["cancel_url"])
		self.assertEqual(self.post(cancel_token).status_code, 200)
		self.assertEqual(self.status(first), R.CANCELLED.value)

		frappe.cache.delete_keys("rl:")
		second, confirm_token, _cancel = sign_up()
		self.assertNotEqual(first, second)
		self.assertEqual(self.http("post", self.method(CONFIRM), data={"t": confirm_token}).status_code, 200)
		frappe.db.rollback()
		self.assertEqual(self.status(second), R.CONFIRMED.value, "signed up again after cancelling")
		self.assertEqual(self.status(first), R.CANCELLED.value)

	def test_cancelling_is_rate_limited_and_bad_values_get_plain_answers(self):
		statuses = [self.post("garbage").status_code for _ in range(21)]
		self.assertEqual(statuses[:20], [417] * 20)
		self.assertEqual(statuses[20], 429)
		for label, value in {**BAD_VALUES, **WRONG_TYPES}.items():
			frappe.cache.delete_keys("rl:")
			with self.subTest(value=label):
				if label in WRONG_TYPES:
					response = self.http("post", self.method(CANCEL), json={"t": value})
				else:
					response = self.http("post", self.method(CANCEL), data={"t": value})
				body = response.get_data().decode("utf-8", "replace")
				self.assertLess(response.status_code, 500, body[:300])
				self.assertNotIn("Traceback", body)
				if label not in WRONG_TYPES:
					page = self.http(
						"get", self.site_url + "/careers/event-cancel", query_string={"t": value}
					)
					self.assertLess(page.status_code, 500)
