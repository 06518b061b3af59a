""" "My applications" over real HTTP: a candidate sees their own applications and nothing else.

By signed link or as a signed-in website user; anything else (no link, a forged, expired or
other-purpose link, a user who is nobody's candidate) gets one generic page. Withdrawing is a
recorded Workflow move; the .ics file parses back to the interview's time; internal notes,
feedback, ratings and reasons never reach the page.
"""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import frappe
from frappe.utils import add_days, get_system_timezone, getdate, nowdate, random_string

from recruit_crm.services.pipeline import portal, transitions
from recruit_crm.services.portal import tokens
from recruit_crm.tests.factories import (
	make_candidate,
	make_interview,
	make_job_applicant,
	make_user,
	unique_email,
)
from recruit_crm.tests.http import login
from recruit_crm.tests.integration.test_portal_security import PortalTestCase, _server_message

PASSWORD = "Rc-Portal-Test-2026!"
SECRETS = ("SECRET-COMMENT-7Q", "SECRET-FEEDBACK-8R", "SECRET-REASON-9S", "SECRET-NOTES-1T")
CSRF = re.compile(r"frappe\.csrf_token\s*=\s*['\"]([^'\"]*)['\"]")


def unfold_ics(text: str) -> dict[str, str]:
	"""The properties of a one-event iCalendar text (RFC 5545 unfolding; names without params)."""
	lines = text.replace("\r\n ", "").split("\r\n")
	props = {}
	for line in lines:
		if ":" in line:
			name, value = line.split(":", 1)
			props.setdefault(name.split(";", 1)[0], value)
	return props


class MyApplicationsCase(PortalTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		if not portal.workflow.current():
			raise AssertionError("the Recruit CRM Pipeline Workflow must be active on the test site")

	def opening_titled(self, prefix: str):
		return self.opening(title=f"{prefix} {random_string(6)}")

	def applicant(self, candidate, opening, **values):
		doc = make_job_applicant(email=candidate.email, job_opening=opening.name, **values)
		self.track("Job Applicant", doc.name)
		if doc.get("rc_candidate") != candidate.name:
			frappe.db.set_value("Job Applicant", doc.name, "rc_candidate", candidate.name)
		return doc

	def person(self, timezone: str | None = None, prefix: str = "mine"):
		doc = make_candidate(email=unique_email(prefix), full_name="Portal Person", timezone=timezone)
		self.created.insert(0, ("RC Candidate", doc.name))
		return doc

	def interview(self, applicant: str, days: int, **values):
		doc = make_interview(
			applicant,
			scheduled_on=add_days(nowdate(), days),
			from_time="14:00:00",
			to_time="15:30:00",
			**values,
		)
		self.created.append(("Interview", doc.name))
		return doc

	def applications_page(self, token: str | None = None) -> str:
		path = "/careers/applications" + (f"?t={token}" if token else "")
		response = self.page(path)
		self.assertEqual(response.status_code, 200)
		return response.get_data(as_text=True)

	def post(self, method: str, headers: dict | None = None, **data):
		response = self.http(
			"post", self.method(f"recruit_crm.api.portal.{method}"), data=data, headers=headers or {}
		)
		frappe.db.rollback()  # see what the request committed
		return response


def generic(html: str, *tokens_to_drop: str) -> str:
	"""The page without what legitimately differs between requests (the token echoed, the CSRF
	token of the session)."""
	for token in tokens_to_drop:
		html = html.replace(token, "")
	return CSRF.sub("", html)


class TestWhoSeesWhat(MyApplicationsCase):
	def setUp(self):
		super().setUp()
		self.me = self.person(timezone="Asia/Tokyo")
		self.other = self.person(prefix="other")
		self.mine = self.opening_titled("RC Mine Role")
		self.theirs = self.opening_titled("RC Their Role")
		self.my_app = self.applicant(self.me, self.mine)
		self.their_app = self.applicant(self.other, self.theirs)
		frappe.db.commit()  # nosemgrep: the request thread reads it

	def test_signed_link_shows_only_that_candidates_applications(self):
		html = self.applications_page(tokens.make_token(self.me.name, tokens.APPLICATIONS))
		self.assertIn(self.mine.job_title, html)
		self.assertIn("Application received", html, "the state's candidate label")
		self.assertIn("A recruiter reads every application", html, "what happens next")
		entered = frappe.db.get_value("Job Applicant", self.my_app.name, "rc_stage_entered_at")
		due = (
			(entered + timedelta(days=3))
			.replace(tzinfo=ZoneInfo(get_system_timezone()))
			.astimezone(ZoneInfo("Asia/Tokyo"))
		)
		self.assertIn(f"By {due:%A} {due.day} {due:%B %Y}", html, "hear back by, in their time zone")
		self.assertIn("Withdraw application", html)
		self.assertIn("/careers/preferences?t=", html, "a link to their preferences")
		self.assertNotIn(self.theirs.job_title, html)
		self.assertNotIn(self.other.email, html)

	def test_bad_links_and_strangers_all_get_the_same_generic_page(self):
		good = tokens.make_token(self.me.name, tokens.APPLICATIONS)
		bad = {
			"expired": tokens.make_token(self.me.name, tokens.APPLICATIONS, ttl_days=-1),
			"other purpose": tokens.make_token(self.me.name, tokens.PREFERENCES),
			"unknown person": tokens.make_token("no-such-candidate", tokens.APPLICATIONS),
			"tampered": good[:-3] + ("aaa" if not good.endswith("aaa") else "bbb"),
		}
		pages = {label: generic(self.applications_page(t), t) for label, t in bad.items()}
		pages["no link"] = generic(self.applications_page())
		stranger = unique_email("stranger")
		make_user(stranger, user_type="Website User")
		self.track("User", stranger)
		from frappe.utils.password import update_password

		update_password(stranger, PASSWORD)
		frappe.db.commit()  # nosemgrep
		login(self.TEST_CLIENT, stranger, PASSWORD)
		pages["signed-in stranger"] = generic(self.applications_page())
		self.assertEqual(len(set(pages.values())), 1, f"pages differ: {sorted(pages)}")
		page = next(iter(pages.values()))
		self.assertIn("invalid or has expired", page)
		self.assertNotIn(self.mine.job_title, page)
		self.assertNotIn('class="rc-app"', page)

	def test_a_website_user_sees_their_own_applications_only(self):
		make_user(self.me.email, user_type="Website User")
		self.track("User", self.me.email)
		from frappe.utils.password import update_password

		update_password(self.me.email, PASSWORD)
		frappe.db.commit()  # nosemgrep
		login(self.TEST_CLIENT, self.me.email, PASSWORD)
		html = self.applications_page()
		self.assertIn(self.mine.job_title, html)
		self.assertNotIn(self.theirs.job_title, html)

	def test_my_applications_is_in_the_portal_menu_of_signed_in_users(self):
		from frappe.website.utils import get_portal_sidebar_items

		frappe.cache.delete_key("portal_menu_items")
		make_user(self.me.email, user_type="Website User")
		self.track("User", self.me.email)
		frappe.set_user(self.me.email)
		try:
			routes = [i.get("route") for i in get_portal_sidebar_items()]
		finally:
			frappe.set_user("Administrator")
		self.assertIn("/careers/applications", routes)
		frappe.set_user("Guest")
		frappe.cache.delete_key("portal_menu_items")
		try:
			self.assertNotIn("/careers/applications", [i.get("route") for i in get_portal_sidebar_items()])
		finally:
			frappe.set_user("Administrator")


class TestWithdraw(MyApplicationsCase):
	def setUp(self):
		super().setUp()
		self.me = self.person()
		self.other = self.person(prefix="other")
		self.role = self.opening_titled("RC Withdraw Role")
		self.app = self.applicant(self.me, self.role)
		self.their_app = self.applicant(self.other, self.opening_titled("RC Other Role"))
		frappe.db.commit()  # nosemgrep
		self.token = tokens.make_token(self.me.name, tokens.APPLICATIONS)

	def test_withdraw_works_once_and_is_recorded_as_the_candidates_move(self):
		response = self.post("withdraw_application", t=self.token, application=self.app.name)
		self.assertEqual(response.status_code, 200, response.get_data(as_text=True))
		self.assertEqual(response.json["message"]["label"], "Withdrawn")
		state, status = frappe.db.get_value("Job Applicant", self.app.name, ["workflow_state", "status"])
		self.assertEqual((state, status), ("Withdrawn", "Rejected"))
		stays = frappe.get_all(
			"RC Application Stage",
			filters={"job_applicant": self.app.name, "state": "Withdrawn"},
			fields=["source", "action", "left_at"],
		)
		self.assertEqual(len(stays), 1)
		self.assertEqual(
			(stays[0].source, stays[0].action, stays[0].left_at), ("Candidate", "Withdraw", None)
		)

		again = self.post("withdraw_application", t=self.token, application=self.app.name)
		self.assertEqual(again.status_code, 417)
		self.assertIn("can no longer be withdrawn", _server_message(again))
		self.assertEqual(
			frappe.db.count("RC Application Stage", {"job_applicant": self.app.name, "state": "Withdrawn"}), 1
		)
		html = self.applications_page(self.token)
		self.assertIn("You withdrew this application.", html)
		self.assertNotIn("Withdraw application", html, "a closed application offers no withdraw")

	def test_nobody_withdraws_someone_elses_application(self):
		refusals = {
			(r.status_code, _server_message(r))
			for r in (
				self.post("withdraw_application", t=self.token, application=self.their_app.name),
				self.post("withdraw_application", t=self.token, application="HR-APP-NOPE"),
				self.post("withdraw_application", t=self.token),
			)
		}
		self.assertEqual(len(refusals), 1, refusals)
		self.assertEqual(next(iter(refusals))[0], 417)
		for t in ("forged", tokens.make_token(self.me.name, tokens.PREFERENCES), None):
			response = self.post("withdraw_application", application=self.app.name, **({"t": t} if t else {}))
			self.assertEqual(response.status_code, 417)
			self.assertIn("invalid or has expired", _server_message(response))
		self.assertEqual(
			frappe.db.get_value("Job Applicant", self.their_app.name, "workflow_state"), "Applied"
		)
		self.assertEqual(frappe.db.get_value("Job Applicant", self.app.name, "workflow_state"), "Applied")

	def test_a_signed_in_candidate_withdraws_their_own_application(self):
		# The CSRF check itself needs real sessions: test_my_applications_browser covers it.
		make_user(self.me.email, user_type="Website User")
		self.track("User", self.me.email)
		from frappe.utils.password import update_password

		update_password(self.me.email, PASSWORD)
		frappe.db.commit()  # nosemgrep
		login(self.TEST_CLIENT, self.me.email, PASSWORD)
		match = CSRF.search(self.applications_page())
		headers = {"X-Frappe-CSRF-Token": match.group(1)} if match else {}
		theirs = self.post("withdraw_application", headers=headers, application=self.their_app.name)
		self.assertEqual(theirs.status_code, 417)
		response = self.post("withdraw_application", headers=headers, application=self.app.name)
		self.assertEqual(response.status_code, 200, response.get_data(as_text=True))
		self.assertEqual(
			frappe.db.get_value(
				"RC Application Stage", {"job_applicant": self.app.name, "state": "Withdrawn"}, "entered_by"
			),
			self.me.email,
		)
		self.assertEqual(
			frappe.db.get_value("Job Applicant", self.their_app.name, "workflow_state"), "Applied"
		)


class TestInterviewsAndPrivacy(MyApplicationsCase):
	def setUp(self):
		super().setUp()
		self.me = self.person(timezone="America/New_York")
		self.role = self.opening_titled("RC Interview Role")
		self.app = self.applicant(self.me, self.role, notes=SECRETS[3])
		self.upcoming = self.interview(self.app.name, 3)
		self.cancelled = self.interview(self.app.name, 4)
		frappe.db.set_value("Interview", self.cancelled.name, "docstatus", 2)  # cancelled
		self.past = self.interview(self.app.name, -2)
		frappe.get_doc("Job Applicant", self.app.name).add_comment("Comment", SECRETS[0])
		feedback = frappe.get_doc(
			{
				"doctype": "Interview Feedback",
				"interview": self.upcoming.name,
				"interview_round": self.upcoming.interview_round,
				"interviewer": "Administrator",
				"result": "Rejected",
				"feedback": SECRETS[1],
			}
		)
		feedback.flags.ignore_validate = True
		feedback.flags.ignore_links = True
		feedback.flags.ignore_mandatory = True
		feedback.insert(ignore_permissions=True)
		self.created.append(("Interview Feedback", feedback.name))
		frappe.db.set_value("Interview", self.upcoming.name, "average_rating", 0.27)
		rejected = self.applicant(self.me, self.opening_titled("RC Rejected Role"))
		transitions.move([rejected.name], "Rejected", user="Administrator")
		frappe.get_doc("Job Applicant", rejected.name).add_comment(
			"Comment", f"Rejected because {SECRETS[2]}"
		)
		self.rejected = rejected
		frappe.db.commit()  # nosemgrep
		self.token = tokens.make_token(self.me.name, tokens.APPLICATIONS)

	def expected_start(self) -> datetime:
		day = getdate(add_days(nowdate(), 3))
		return datetime(day.year, day.month, day.day, 14, 0, tzinfo=ZoneInfo(get_system_timezone()))

	def test_upcoming_interviews_in_their_time_zone_with_calendar_links(self):
		html = self.applications_page(self.token)
		self.assertIn("Interviewing", html, "the interview moved the application to Interview")
		local = self.expected_start().astimezone(ZoneInfo("America/New_York"))
		self.assertIn(f"{local:%A} {local.day} {local:%B %Y}, {local:%H:%M} (America/New_York)", html)
		self.assertEqual(
			html.count("Download calendar file (.ics)"), 1, "cancelled and past ones are not shown"
		)
		self.assertIn("https://calendar.google.com/calendar/render?action=TEMPLATE", html)
		utc = self.expected_start().astimezone(ZoneInfo("UTC"))
		self.assertIn(f"dates={utc:%Y%m%dT%H%M%SZ}", html.replace("%2F", "/"))
		self.assertIn("Not selected", html, "the rejected application reads as its candidate label")

	def test_ics_parses_back_to_the_interviews_utc_start(self):
		response = self.http(
			"get",
			self.method("recruit_crm.api.portal.interview_calendar")
			+ f"?t={self.token}&interview={self.upcoming.name}",
		)
		self.assertEqual(response.status_code, 200, response.get_data(as_text=True)[:300])
		self.assertEqual(response.mimetype, "text/calendar")
		self.assertIn("attachment", response.headers.get("Content-Disposition", ""))
		props = unfold_ics(response.get_data(as_text=True))
		self.assertEqual((props["BEGIN"], props["METHOD"]), ("VCALENDAR", "REQUEST"))
		start = datetime.strptime(props["DTSTART"], "%Y%m%dT%H%M%SZ").replace(tzinfo=ZoneInfo("UTC"))
		end = datetime.strptime(props["DTEND"], "%Y%m%dT%H%M%SZ").replace(tzinfo=ZoneInfo("UTC"))
		self.assertEqual(start, self.expected_start())
		self.assertEqual(end - start, timedelta(minutes=90))
		self.assertIn(self.role.job_title, props["SUMMARY"].replace("\\,", ","))
		self.assertTrue(props["UID"].startswith(f"rc-interview-{self.upcoming.name}@"))

	def test_ics_of_a_cancelled_or_someone_elses_interview_is_refused_alike(self):
		other = self.person(prefix="ics-other")
		other_app = self.applicant(other, self.role)
		theirs = self.interview(other_app.name, 3)
		frappe.db.commit()  # nosemgrep
		answers = set()
		for interview, t in (
			(theirs.name, self.token),
			(self.cancelled.name, self.token),
			("HR-INT-NOPE", self.token),
			(self.upcoming.name, "forged"),
		):
			response = self.http(
				"get",
				self.method("recruit_crm.api.portal.interview_calendar") + f"?t={t}&interview={interview}",
			)
			answers.add((response.status_code, _server_message(response)))
			self.assertNotIn("BEGIN:VCALENDAR", response.get_data(as_text=True))
		self.assertEqual(answers, {(417, "This link is invalid or has expired.")})

	def test_no_internal_data_ever_reaches_the_page(self):
		html = self.applications_page(self.token)
		self.assertIn(self.role.job_title, html)
		for secret in SECRETS:
			self.assertNotIn(secret, html)
		for internal in ("0.27", "Administrator", "Rejected because", "rc_recruiter", self.cancelled.name):
			self.assertNotIn(internal, html)
