"""Hiring drives and hiring events on a real site: the drive page's numbers for a known small
history, event sign-up over HTTP (double opt-in, no enumeration, rate limit), check-in
touchpoints, invitations and the attendee / no-show follow-up split, and HR-only access."""

import re

import frappe
from frappe.utils import add_days, add_to_date, now_datetime, nowdate, random_string

from recruit_crm.api import hiring_drive as api
from recruit_crm.domain import drives
from recruit_crm.services.drives import attendance, events
from recruit_crm.services.pipeline import workflow
from recruit_crm.services.pools import membership
from recruit_crm.services.portal import tokens
from recruit_crm.tests.factories import (
	ensure_sink_email_account,
	make_candidate,
	make_email_template,
	make_job_applicant,
	make_job_opening,
	make_nurture_campaign,
	make_sendable_candidate,
	make_talent_pool,
	make_user,
	unique_email,
)
from recruit_crm.tests.integration import RCTestCase
from recruit_crm.tests.integration.test_guest_fuzz import BAD_VALUES, WRONG_TYPES
from recruit_crm.tests.integration.test_portal_security import PortalTestCase, _mail_text, _server_message

R = drives.RegistrationStatus
UNUSED_SMTP_PORT = 2699  # nothing is sent: enrolment only queues the first step


def make_drive(openings: dict[str, int], **values):
	return frappe.get_doc(
		{
			"doctype": "RC Hiring Drive",
			"title": values.pop("title", f"RC Test Drive {random_string(5)}"),
			"starts_on": values.pop("starts_on", nowdate()),
			"openings": [{"job_opening": o, "target_hires": t} for o, t in openings.items()],
			**values,
		}
	).insert(ignore_permissions=True)


def make_event(drive: str, **values):
	return frappe.get_doc(
		{
			"doctype": "RC Hiring Event",
			"title": values.pop("title", f"RC Test Fair {random_string(5)}"),
			"hiring_drive": drive,
			"event_type": values.pop("event_type", "Career Fair"),
			"published": values.pop("published", 1),
			"starts_at": values.pop("starts_at", add_days(now_datetime(), 3)),
			"ends_at": values.pop("ends_at", add_to_date(add_days(now_datetime(), 3), hours=4)),
			**values,
		}
	).insert(ignore_permissions=True)


def make_registration(event: str, candidate=None, status: str = R.CONFIRMED.value, **values):
	return frappe.get_doc(
		{
			"doctype": "RC Event Registration",
			"hiring_event": event,
			"full_name": values.pop("full_name", "Event Person"),
			"email": candidate.email if candidate else unique_email("event"),
			"candidate": candidate.name if candidate else None,
			"status": status,
			**values,
		}
	).insert(ignore_permissions=True)


class TestDriveFigures(RCTestCase):
	def test_numbers_for_a_known_small_history(self):
		a, b = make_job_opening(), make_job_opening()
		applied = [
			make_job_applicant(job_opening=a.name, rc_utm_source="linkedin"),
			make_job_applicant(job_opening=a.name, rc_utm_source="linkedin"),
			make_job_applicant(job_opening=a.name),
			make_job_applicant(job_opening=b.name, rc_utm_source="indeed"),
		]
		before = make_job_applicant(job_opening=a.name, rc_utm_source="linkedin")
		frappe.db.set_value(
			"Job Applicant", before.name, "creation", add_days(now_datetime(), -5), update_modified=False
		)
		pipeline = workflow.current()
		hired_state = (
			next((s.name for s in pipeline.states if s.kind.value == "Hired"), None) if pipeline else None
		)
		hire = {"status": "Accepted"}
		if hired_state:
			hire[workflow.state_field()] = hired_state
		frappe.db.set_value("Job Applicant", applied[1].name, hire, update_modified=False)
		drive = make_drive(
			{a.name: 2, b.name: 1},
			budget=1000,
			spend=[
				{"channel": "LinkedIn", "amount": 300, "spent_on": nowdate()},
				{"channel": "indeed", "amount": 100},
			],
		)
		event = make_event(drive.name)
		make_registration(event.name, status=R.CONFIRMED.value)
		make_registration(event.name, status=R.REGISTERED.value)

		d = api.drive_dashboard(drive.name)
		self.assertEqual(d["progress"], {"target": 3, "hires": 1, "remaining": 2, "percent": 33.3})
		self.assertEqual(
			[(o["job_opening"], o["applicants"], o["hires"], o["target"]) for o in d["openings"]],
			[(a.name, 3, 1, 2), (b.name, 1, 0, 1)],
			"the application from before the drive started does not count",
		)
		self.assertEqual((d["spend"]["total"], d["spend"]["applicants"], d["spend"]["hires"]), (400.0, 4, 1))
		self.assertEqual((d["spend"]["per_applicant"], d["spend"]["per_hire"]), (100.0, 400.0))
		self.assertEqual(
			[(s["source"], s["applicants"], s["share"], s["per_applicant"]) for s in d["sources"]],
			[("linkedin", 2, 50.0, 150.0), ("indeed", 1, 25.0, 100.0), ("Unknown", 1, 25.0, None)],
		)
		self.assertEqual(sum(f["count"] for f in d["funnel"]), 4)
		if hired_state:
			self.assertEqual(next(f["count"] for f in d["funnel"] if f["state"] == hired_state), 1)
		self.assertEqual(d["events"][0]["registrations"][R.CONFIRMED.value], 1)
		self.assertEqual(d["events"][0]["registrations"][R.REGISTERED.value], 1)

	def test_an_empty_drive_has_no_figures_to_divide(self):
		pool = make_talent_pool()
		drive = make_drive({}, talent_pools=[{"talent_pool": pool.name}])
		self.assertEqual(
			[row.talent_pool for row in frappe.get_doc("RC Hiring Drive", drive.name).talent_pools],
			[pool.name],
		)
		d = api.drive_dashboard(drive.name)
		self.assertEqual((d["spend"]["per_applicant"], d["spend"]["per_hire"]), (None, None))
		self.assertEqual((d["funnel"], d["sources"], d["events"]), ([], [], []))

	def test_only_hr_roles_see_a_drive(self):
		drive = make_drive({})
		outsider = make_user(unique_email("nohr"), roles=("Employee",))
		frappe.set_user(outsider)
		try:
			with self.assertRaises(frappe.PermissionError):
				api.drive_dashboard(drive.name)
			with self.assertRaises(frappe.PermissionError):
				api.check_in_events()
		finally:
			frappe.set_user("Administrator")
		recruiter = make_user(unique_email("recruiter"), roles=("Recruiter",))
		frappe.set_user(recruiter)
		try:
			self.assertIn("progress", api.drive_dashboard(drive.name))
		finally:
			frappe.set_user("Administrator")

	def test_event_validation_and_qr(self):
		drive = make_drive({})
		event = make_event(drive.name, title="Open Day: Zürich 2027")
		self.assertEqual(event.route, "open-day-zurich-2027")
		svg = events.qr_svg(event.name)
		self.assertTrue(svg.lstrip().startswith("<svg"), svg[:40])
		self.assertIn("rc-qr", svg)
		with self.assertRaises(frappe.ValidationError):
			make_event(drive.name, route="Not A Route")
		with self.assertRaises(frappe.ValidationError):
			make_event(drive.name, starts_at=now_datetime(), ends_at=add_days(now_datetime(), -1))


class TestCheckInAndFollowUp(RCTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		account = ensure_sink_email_account(UNUSED_SMTP_PORT)
		template = make_email_template()
		cls.campaigns = [
			make_nurture_campaign(account, [{"step_type": "Send Email", "email_template": template}]).name
			for _ in range(3)
		]

	def setUp(self):
		self.drive = make_drive({})

	def enrolled(self, campaign: str) -> set[str]:
		return set(
			frappe.get_all("RC Nurture Enrollment", filters={"nurture_campaign": campaign}, pluck="candidate")
		)

	def test_check_in_records_one_event_attended_touchpoint(self):
		event = make_event(self.drive.name)
		person = make_candidate(email=unique_email("attendee"))
		reg = make_registration(event.name, person)
		row = attendance.check_in(reg.name)
		self.assertEqual(row["status"], R.ATTENDED.value)
		self.assertIsNotNone(row["checked_in_at"])
		attendance.check_in(reg.name)  # a second tap
		touch = frappe.get_all(
			"RC Touchpoint",
			filters={"candidate": person.name, "touchpoint_type": "Event Attended"},
			fields=["channel", "reference_doctype", "reference_name", "recruiter"],
		)
		self.assertEqual(
			touch,
			[
				{
					"channel": "Event",
					"reference_doctype": "RC Hiring Event",
					"reference_name": event.name,
					"recruiter": "Administrator",
				}
			],
		)

	def test_unconfirmed_people_are_not_checked_in(self):
		event = make_event(self.drive.name)
		reg = make_registration(event.name, status=R.REGISTERED.value)
		with self.assertRaises(frappe.ValidationError):
			attendance.check_in(reg.name)
		self.assertEqual(frappe.db.get_value("RC Event Registration", reg.name, "status"), R.REGISTERED.value)

	def test_search_finds_by_name_or_email_and_escapes_wildcards(self):
		event = make_event(self.drive.name)
		ada = make_registration(
			event.name, make_candidate(email=unique_email("ada")), full_name="Ada Lovelace"
		)
		make_registration(event.name, make_candidate(email=unique_email("alan")), full_name="Alan Turing")
		self.assertEqual([r.name for r in attendance.search(event.name, "lovel")], [ada.name])
		self.assertEqual([r.name for r in attendance.search(event.name, ada.email[:8])], [ada.name])
		self.assertEqual(attendance.search(event.name, "%"), [])
		self.assertEqual(len(attendance.search(event.name, "")), 2)

	def test_follow_up_splits_attendees_and_no_shows(self):
		past = add_days(now_datetime(), -2)
		attendee_campaign, no_show_campaign = self.campaigns[0], self.campaigns[1]
		event = make_event(
			self.drive.name,
			starts_at=past,
			ends_at=add_to_date(past, hours=3),
			attendee_campaign=attendee_campaign,
			no_show_campaign=no_show_campaign,
		)
		came, missed, cancelled = (make_sendable_candidate() for _ in range(3))
		no_consent = make_candidate()
		make_registration(event.name, came, status=R.ATTENDED.value)
		missed_reg = make_registration(event.name, missed)
		make_registration(event.name, no_consent)
		make_registration(event.name, cancelled, status=R.CANCELLED.value)
		make_registration(event.name, status=R.REGISTERED.value)

		result = attendance.follow_up(event.name)
		self.assertEqual(
			result, {"attendees": 1, "no_shows": 2, "attendees_enrolled": 1, "no_shows_enrolled": 1}
		)
		self.assertEqual(self.enrolled(attendee_campaign), {came.name})
		self.assertEqual(self.enrolled(no_show_campaign), {missed.name}, "no consent, no email")
		self.assertEqual(
			frappe.db.get_value("RC Event Registration", missed_reg.name, "status"), R.NO_SHOW.value
		)
		self.assertIsNotNone(frappe.db.get_value("RC Hiring Event", event.name, "followed_up_at"))

	def test_follow_up_waits_for_the_end_of_the_event(self):
		event = make_event(self.drive.name)
		with self.assertRaises(frappe.ValidationError):
			attendance.follow_up(event.name)

	def test_invitations_enrol_contactable_pool_members(self):
		pool = make_talent_pool()
		yes, also = make_sendable_candidate(), make_sendable_candidate()
		unsubscribed = make_sendable_candidate(is_unsubscribed=1)
		membership.add_members(pool.name, [yes.name, also.name, unsubscribed.name], reason="test")
		event = make_event(self.drive.name, invite_pool=pool.name, invite_campaign=self.campaigns[2])
		result = api.invite(event.name)
		self.assertEqual((result["members"], result["enrolled"], result["skipped"]), (3, 2, 1))
		self.assertEqual(self.enrolled(self.campaigns[2]), {yes.name, also.name})


class TestEventSignUp(PortalTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		drive = make_drive({})
		cls.created.append(("RC Hiring Drive", drive.name))
		cls.event = make_event(drive.name, capacity=50)
		cls.created.insert(0, ("RC Hiring Event", cls.event.name))
		frappe.db.commit()  # nosemgrep: visible to the request thread

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		for name in frappe.get_all(
			"RC Event Registration", filters={"hiring_event": cls.event.name}, pluck="name"
		):
			cls.created.insert(0, ("RC Event Registration", name))
		super().tearDownClass()

	def register(self, email: str, **extra):
		data = {
			"event": self.event.route,
			"full_name": "Fair Person",
			"email": email,
			"consent": "1",
			**extra,
		}
		response = self.http(
			"post", self.method("recruit_crm.api.event_portal.register_for_event"), data=data
		)
		frappe.db.rollback()
		return response

	def registrations(self, email: str) -> list[dict]:
		return frappe.get_all(
			"RC Event Registration",
			filters={"hiring_event": self.event.name, "email": email},
			fields=["name", "status", "candidate", "source"],
		)

	def test_double_opt_in(self):
		email = unique_email("fair")
		response = self.register(email, src="qr")
		self.assertEqual(response.status_code, 200, response.get_data(as_text=True))
		[reg] = self.registrations(email)
		self.assertEqual((reg.status, reg.candidate, reg.source), (R.REGISTERED.value, None, "QR Code"))
		self.assertFalse(
			frappe.db.exists("RC Candidate", {"email": email}), "nobody is kept before confirming"
		)
		[mail] = frappe.get_all("Email Queue", filters={"reference_name": reg.name}, pluck="message")
		token = re.search(r"event-confirm\?t=([\w.\-]+)", _mail_text(mail)).group(1)

		confirm = self.http(
			"post", self.method("recruit_crm.api.event_portal.confirm_event_registration"), data={"t": token}
		)
		self.assertEqual(confirm.status_code, 200, confirm.get_data(as_text=True))
		frappe.db.rollback()
		[reg] = self.registrations(email)
		self.created.insert(0, ("RC Candidate", reg.candidate))
		self.assertEqual(reg.status, R.CONFIRMED.value)
		self.assertEqual(frappe.db.get_value("RC Candidate", reg.candidate, "has_marketing_consent"), 1)
		evidence = frappe.db.get_value("RC Consent", {"candidate": reg.candidate}, "evidence_form")
		self.assertEqual(evidence, f"hiring-event:{self.event.name}")
		self.assertTrue(
			frappe.db.exists(
				"RC Touchpoint",
				{
					"candidate": reg.candidate,
					"touchpoint_type": "Form Submitted",
					"reference_name": self.event.name,
				},
			)
		)
		again = self.http(
			"post", self.method("recruit_crm.api.event_portal.confirm_event_registration"), data={"t": token}
		)
		self.assertEqual(again.status_code, 200, "confirming twice is harmless")

	def test_the_same_answer_whoever_signs_up(self):
		known = make_candidate(email=unique_email("known"))
		self.created.insert(0, ("RC Candidate", known.name))
		make_registration(self.event.name, known)
		frappe.db.commit()  # nosemgrep: visible to the request thread
		answers = set()
		for email in (unique_email("new"), known.email, known.email.upper()):
			response = self.register(email)
			answers.add((response.status_code, response.get_data(as_text=True)))
		self.assertEqual(len(answers), 1, answers)
		self.assertEqual(next(iter(answers))[0], 200)
		self.assertEqual(
			len(self.registrations(known.email)), 1, "the repeat sign-up is dropped after the response"
		)
		self.assertFalse(frappe.get_all("Email Queue Recipient", filters={"recipient": known.email}))

	def test_forged_tokens_and_unknown_events_are_refused_alike(self):
		answers = set()
		for token in (
			"garbage",
			tokens.make_token("missing", events.CONFIRM_EVENT),
			tokens.make_token("x", tokens.PREFERENCES),
		):
			response = self.http(
				"post",
				self.method("recruit_crm.api.event_portal.confirm_event_registration"),
				data={"t": token},
			)
			answers.add((response.status_code, _server_message(response)))
		self.assertEqual(len(answers), 1)
		self.assertEqual(next(iter(answers))[0], 417)
		unpublished = make_event(self.event.hiring_drive, published=0)
		self.created.insert(0, ("RC Hiring Event", unpublished.name))
		frappe.db.commit()  # nosemgrep
		refusals = {
			_server_message(self.register(unique_email("x"), event=route))
			for route in ("no-such-event", unpublished.route)
		}
		self.assertEqual(refusals, {"This event is not open for sign-up."})

	def test_input_is_checked_before_anything_is_stored(self):
		for extra in (
			{"consent": "0"},
			{"email": "not-an-email"},
			{"event": "../etc"},
			{"full_name": "<b></b>"},
		):
			data = {"email": unique_email("bad"), **extra}
			self.assertEqual(self.register(data.pop("email"), **data).status_code, 417, extra)
		self.assertEqual(self.register(unique_email("bot"), website="http://spam").status_code, 200)
		for prefix in ("bad.%", "bot.%"):
			stored = frappe.db.count(
				"RC Event Registration", {"hiring_event": self.event.name, "email": ("like", prefix)}
			)
			self.assertEqual(stored, 0, prefix)

	def test_sign_up_is_rate_limited(self):
		statuses = [self.register(unique_email("rate"), website="honeypot").status_code for _ in range(6)]
		self.assertEqual(statuses[:5], [200] * 5)
		self.assertEqual(statuses[5], 429)

	def test_public_page(self):
		html = self.page(f"/careers/event?event={self.event.route}").get_data(as_text=True)
		self.assertIn(self.event.title, html)
		self.assertIn("register_for_event", html)
		self.assertIn("50", html)
		self.assertEqual(self.page("/careers/event?event=no-such-event").status_code, 404)
		pretty = self.page(f"/careers/events/{self.event.route}")
		self.assertEqual(pretty.status_code, 200, "the public address")
		self.assertIn(self.event.title, pretty.get_data(as_text=True))
		self.assertEqual(self.page("/careers/events/no-such-event").status_code, 404)
		self.assertEqual(self.page("/careers/event-confirm?t=x").status_code, 200)

	def test_bad_values_get_plain_answers_and_leave_nothing_raw(self):
		"""What test_guest_fuzz does for api/portal.py, for these two endpoints."""
		base = {
			"event": self.event.route,
			"full_name": "Fuzz Person",
			"email": unique_email("fuzz"),
			"consent": "1",
		}
		endpoints = {
			"register_for_event": ("event", "full_name", "email", "consent", "src", "website"),
			"confirm_event_registration": ("t",),
		}
		for endpoint, params in endpoints.items():
			path = self.method(f"recruit_crm.api.event_portal.{endpoint}")
			for param in params:
				for label, value in {**BAD_VALUES, **WRONG_TYPES}.items():
					payload = {p: base.get(p, "x") for p in params}
					payload[param] = value
					frappe.cache.delete_keys("rl:")
					with self.subTest(endpoint=endpoint, param=param, value=label):
						if label in WRONG_TYPES:
							response = self.http("post", path, json=payload)
						else:
							response = self.http("post", path, data=payload)
						body = response.get_data().decode("utf-8", "replace")
						self.assertLess(response.status_code, 500, body[:300])
						self.assertNotIn("Traceback", body)
		frappe.db.rollback()
		for row in frappe.get_all(
			"RC Event Registration",
			filters={"hiring_event": self.event.name},
			fields=["full_name", "email", "user_agent"],
		):
			for value in row.values():
				self.assertIsNone(
					re.search(r"<\s*[A-Za-z!/]", value or ""), f"markup stored: {(value or '')[:80]!r}"
				)
