"""Pipeline automations end to end: applications moving through the Workflow queue emails in the
exactly-once ledger, and the real sender delivers them to a loopback SMTP server.

The shipped automations are switched off for this module (each test makes its own) and switched
back on afterwards.
"""

import base64
import email
import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import frappe
from frappe.utils import add_days, get_system_timezone, now_datetime, nowdate, random_string

from recruit_crm.domain.pipeline_mail import DEFAULT_AUTOMATIONS, DEFAULT_TEMPLATES, business_hours
from recruit_crm.domain.send_rules import next_send_time
from recruit_crm.services.nurture import claims, delivery, engine
from recruit_crm.services.nurture.constants import to_aware, to_naive
from recruit_crm.services.nurture.rendering import PREVIEW_UNSUBSCRIBE
from recruit_crm.services.pipeline import automation_preview, automations, transitions
from recruit_crm.services.pipeline.history import Entry
from recruit_crm.services.pipeline.workflow import AUTOMATION, STAGE, WORKFLOW_NAME
from recruit_crm.setup import pipeline as pipeline_setup
from recruit_crm.tests.factories import (
	make_email_template,
	make_interview,
	make_job_applicant,
	make_job_opening,
	make_talent_pool,
	make_user,
	unique_email,
)
from recruit_crm.tests.integration.nurture_case import MESSAGE, NurtureCase

ZONES = (
	"Pacific/Kiritimati",
	"Asia/Tokyo",
	"Asia/Kolkata",
	"Europe/London",
	"America/New_York",
	"Pacific/Honolulu",
)
BODY = (
	"<p>Hi {{ candidate.first_name }}, about {{ application.job_title }} ({{ application.state_label }}).</p>"
	"{% if interview.when %}<p>When: {{ interview.when }}</p>{% endif %}"
	'{% if community_link %}<p><a href="{{ community_link }}">Join us</a></p>{% endif %}'
	'<p><a href="{{ applications_link }}">Your applications</a></p>'
)


class PipelineCase(NurtureCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.shipped = frappe.get_all(AUTOMATION, filters={"enabled": 1}, pluck="name")
		if cls.shipped:
			frappe.db.sql(f"update `tab{AUTOMATION}` set enabled = 0 where name in %s", [cls.shipped])
		cls.opening = make_job_opening(title=f"RC Pipeline Mail {random_string(5)}").name
		frappe.db.commit()  # nosemgrep: the sender commits; it must see these

	@classmethod
	def tearDownClass(cls):
		if cls.shipped:
			frappe.db.sql(f"update `tab{AUTOMATION}` set enabled = 1 where name in %s", [cls.shipped])
		frappe.db.commit()  # nosemgrep
		super().tearDownClass()

	def setUp(self):
		super().setUp()
		self.automations: list[str] = []
		self.applicants: list[str] = []
		self.interviews: list[str] = []
		self.pools: list[str] = []

	def tearDown(self):
		frappe.db.rollback()
		if self.applicants:
			messages = frappe.get_all(
				MESSAGE, filters={"job_applicant": ["in", self.applicants]}, pluck="name"
			)
			if messages:
				frappe.db.delete("Communication Link", {"parent": ["in", messages]})
				frappe.db.delete("Communication", {"name": ["in", messages]})
				frappe.db.delete("Email Queue Recipient", {"parent": ["in", messages]})
				frappe.db.delete("Email Queue", {"name": ["in", messages]})
				frappe.db.delete(MESSAGE, {"name": ["in", messages]})
			frappe.db.delete(STAGE, {"job_applicant": ["in", self.applicants]})
			frappe.db.delete(
				"Comment", {"reference_doctype": "Job Applicant", "reference_name": ["in", self.applicants]}
			)
			frappe.db.delete(
				"ToDo", {"reference_type": "Job Applicant", "reference_name": ["in", self.applicants]}
			)
		for name in self.interviews:
			frappe.db.delete("Interview Detail", {"parent": name})
			frappe.db.delete("Interview", {"name": name})
		for pool in self.pools:
			frappe.db.delete("RC Talent Pool Member", {"talent_pool": pool})
			frappe.db.delete("RC Talent Pool", {"name": pool})
		for name in self.automations:
			frappe.db.delete(AUTOMATION, {"name": name})
		frappe.db.commit()  # nosemgrep
		super().tearDown()

	# helpers -----------------------------------------------------------------------------------
	def automation(self, **values) -> str:
		doc = frappe.get_doc(
			{
				"doctype": AUTOMATION,
				"title": f"RC Test Automation {random_string(5)}",
				"enabled": 1,
				"trigger": "Enters State",
				"email_template": make_email_template(
					subject="{{ application.job_title }}: {{ candidate.first_name }}", body=BODY
				),
				"email_account": self.account,
				"delay_value": 0,
				"send_window": "Any Time",
				"only_while_in_state": 0,
				**values,
			}
		).insert(ignore_permissions=True)
		self.automations.append(doc.name)
		frappe.db.commit()  # nosemgrep
		return doc.name

	def apply(self, **candidate_values) -> frappe._dict:
		"""A new application (its candidate created by the app) with the candidate's flags set."""
		address = unique_email("pipe")
		doc = make_job_applicant(address, self.opening, applicant_name="Ada Lovelace")
		self.applicants.append(doc.name)
		self.candidates.append(doc.rc_candidate)
		if candidate_values:
			frappe.db.set_value("RC Candidate", doc.rc_candidate, candidate_values)
		frappe.db.commit()  # nosemgrep
		return frappe._dict(name=doc.name, candidate=doc.rc_candidate, email=address)

	def move(self, applicant: str, state: str) -> None:
		result = transitions.move([applicant], state, check_roles=False)
		self.assertEqual(result.moved, [applicant], result.skipped)
		frappe.db.commit()  # nosemgrep

	def ledger(self, applicant: str) -> list[frappe._dict]:
		return frappe.get_all(
			MESSAGE,
			filters={"job_applicant": applicant},
			fields=["name", "status", "error", "due_at", "is_transactional", "pipeline_automation", "interview", "idempotency_key"],
			order_by="creation, name",
		)  # fmt: skip

	def make_due(self, applicant: str) -> None:
		frappe.db.sql(
			f"update `tab{MESSAGE}` set due_at = %s where job_applicant = %s and status = 'Queued'",
			(now_datetime(), applicant),
		)
		frappe.db.commit()  # nosemgrep

	def mails_to(self, address: str) -> list[email.message.Message]:
		return [m for m in self.received() if address in (m["To"] or "")]

	def interview(self, applicant: str, on, start: str, end: str):
		doc = make_interview(applicant, scheduled_on=on, from_time=start, to_time=end)
		self.interviews.append(doc.name)
		frappe.db.commit()  # nosemgrep
		return doc


class TestShippedAutomations(PipelineCase):
	def test_install_ships_enabled_defaults_with_their_templates(self):
		self.assertTrue(frappe.db.exists("Workflow", WORKFLOW_NAME))
		for spec in DEFAULT_AUTOMATIONS:
			row = frappe.db.get_value(
				AUTOMATION, {"email_template": spec.template}, ["name", "trigger"], as_dict=True
			)
			self.assertIsNotNone(row, spec.title)
			self.assertEqual(row.trigger, spec.trigger)
			self.assertIn(row.name, self.shipped, "shipped enabled")
		for t in DEFAULT_TEMPLATES:
			self.assertTrue(frappe.db.exists("Email Template", t.name))

	def test_uninstall_removes_only_the_templates_nobody_edited(self):
		edited = DEFAULT_TEMPLATES[0].name
		frappe.db.set_value("Email Template", edited, "subject", "Our own words")
		try:
			pipeline_setup.remove_seeded_templates()
			for t in DEFAULT_TEMPLATES[1:]:
				self.assertFalse(frappe.db.exists("Email Template", t.name), t.name)
				self.assertFalse(frappe.db.exists(AUTOMATION, {"email_template": t.name}))
			self.assertTrue(frappe.db.exists("Email Template", edited), "an edited template stays")
			self.assertTrue(frappe.db.exists(AUTOMATION, {"email_template": edited}))
		finally:
			frappe.db.rollback()  # the site keeps its shipped automations
			frappe.defaults._clear_cache("__default")


class TestAcknowledgement(PipelineCase):
	def test_business_hours_hold_the_email_until_the_candidates_morning(self):
		self.automation(state="Applied", send_window="Business Hours")
		now = to_aware(now_datetime())
		window = business_hours(get_system_timezone())
		zone = next(
			(z for z in ZONES if next_send_time(window, z, now) > now), None
		)  # somewhere it is night or the weekend
		if not zone:
			self.skipTest("business hours everywhere right now")
		app = self.apply(timezone=zone)
		self.send()
		self.assertEqual(self.mails_to(app.email), [])
		[row] = self.ledger(app.name)
		self.assertEqual(row.status, "Queued")
		self.assertEqual(row.due_at, to_naive(next_send_time(window, zone, now)).replace(microsecond=0))

	def test_a_new_applicant_gets_one_acknowledgement_without_marketing_consent(self):
		self.automation(state="Applied")
		app = self.apply()
		self.assertFalse(frappe.db.get_value("RC Candidate", app.candidate, "has_marketing_consent"))
		engine.run_tick()  # the campaign engine leaves transactional rows alone
		frappe.db.commit()  # nosemgrep
		[row] = self.ledger(app.name)
		self.assertEqual((row.status, row.is_transactional), ("Queued", 1))
		self.send()
		self.send()
		mails = self.mails_to(app.email)
		self.assertEqual(len(mails), 1)
		opening_title = frappe.db.get_value("Job Opening", self.opening, "job_title")
		self.assertEqual(mails[0]["Subject"], f"{opening_title}: Ada")
		html = self.html_of(mails[0])
		self.assertIn("Application received", html, "the state as the candidate sees it")
		self.assertTrue(any("/careers/applications?t=" in link for link in _links(html)), _links(html))
		[row] = self.ledger(app.name)
		self.assertEqual(row.status, "Sent")
		comm = frappe.db.get_value(
			"Communication",
			row.name,
			["reference_doctype", "reference_name", "sent_or_received"],
			as_dict=True,
		)
		self.assertEqual((comm.reference_doctype, comm.reference_name), ("Job Applicant", app.name))
		self.assertTrue(
			frappe.db.exists(
				"Communication Link",
				{"parent": row.name, "link_doctype": "RC Candidate", "link_name": app.candidate},
			),
			"on the candidate's timeline too",
		)
		self.assertEqual(frappe.db.get_value("Email Queue", row.name, "status"), "Sent")
		self.assertTrue(
			frappe.db.exists("RC Touchpoint", {"candidate": app.candidate, "touchpoint_type": "Email Sent"})
		)

	def test_replaying_the_same_entries_queues_nothing_new(self):
		auto = self.automation(state="Applied", delay_value=5)
		app = self.apply()
		stay = frappe.get_all(STAGE, filters={"job_applicant": app.name}, fields=["name", "state"])[0]
		entry = Entry(app.name, app.candidate, self.opening, stay.state, stay.name)
		self.assertEqual(automations.entered([entry, entry]), 0)
		self.assertEqual(automations.entered([entry]), 0)
		[row] = self.ledger(app.name)
		self.assertEqual(row.idempotency_key, f"{auto}:{stay.name}")
		self.assertAlmostEqual(
			(row.due_at - now_datetime()).total_seconds(), 300, delta=60, msg="due after the 5-minute delay"
		)

	def test_an_unsubscribed_candidate_gets_nothing(self):
		self.automation(state="Applied")
		app = self.apply(is_unsubscribed=1)
		self.send()
		self.assertEqual(self.mails_to(app.email), [])
		[row] = self.ledger(app.name)
		self.assertEqual((row.status, row.error), ("Suppressed", "Unsubscribed"))

	def test_scope_and_condition_pick_the_applications(self):
		self.automation(state="Applied", job_opening=make_job_opening().name)  # another opening
		self.automation(state="Applied", condition="doc.applicant_name == 'Someone Else'")
		self.assertEqual(self.ledger(self.apply().name), [])


class TestRejectionUndoWindow(PipelineCase):
	def test_flipping_back_and_forth_sends_one_rejection(self):
		pool = make_talent_pool(pool_name=f"RC Test Community {random_string(5)}").name
		silver = make_talent_pool(pool_name=f"RC Test Silver {random_string(5)}").name
		self.pools += [pool, silver]
		self.automation(
			state="Rejected", delay_value=2, delay_unit="Days", only_while_in_state=1,
			invite_to_community=1, talent_pool=pool, silver_medal_pool=silver,
		)  # fmt: skip
		app = self.apply()
		self.move(app.name, "Rejected")
		self.move(app.name, "Screening")
		self.move(app.name, "Rejected")
		first, second = self.ledger(app.name)
		self.assertEqual(first.status, "Cancelled")
		self.assertIn("left Rejected", first.error)
		self.assertEqual(second.status, "Queued")
		self.assertGreater(second.due_at, now_datetime() + timedelta(days=1), "the undo window is open")
		self.send()
		self.assertEqual(self.mails_to(app.email), [], "nothing before the delay")
		self.make_due(app.name)  # two days later
		self.send()
		mails = self.mails_to(app.email)
		self.assertEqual(len(mails), 1)
		self.assertIn(frappe.utils.get_url("/careers/community"), _links(self.html_of(mails[0])))
		self.assertEqual([r.status for r in self.ledger(app.name)], ["Cancelled", "Sent"])
		members = lambda p: frappe.get_all(  # noqa: E731
			"RC Talent Pool Member",
			filters={"talent_pool": p, "removed_at": ["is", "not set"]},
			pluck="candidate",
		)
		self.assertEqual(members(pool), [app.candidate], "never reached an interview: the community pool")
		self.assertEqual(members(silver), [])

	def test_moving_back_inside_the_window_sends_nothing(self):
		self.automation(state="Rejected", delay_value=2, delay_unit="Days", only_while_in_state=1)
		app = self.apply()
		self.move(app.name, "Rejected")
		self.move(app.name, "Screening")
		self.make_due(app.name)
		self.send()
		self.assertEqual(self.mails_to(app.email), [])
		self.assertEqual([r.status for r in self.ledger(app.name)], ["Cancelled"])

	def test_people_who_reached_an_interview_join_the_silver_medalists(self):
		pool = make_talent_pool(pool_name=f"RC Test Community {random_string(5)}").name
		silver = make_talent_pool(pool_name=f"RC Test Silver {random_string(5)}").name
		self.pools += [pool, silver]
		self.automation(state="Rejected", talent_pool=pool, silver_medal_pool=silver, only_while_in_state=1)
		app = self.apply()
		self.move(app.name, "Interview")
		self.move(app.name, "Rejected")
		self.send()
		self.assertEqual(len(self.mails_to(app.email)), 1)
		self.assertTrue(
			frappe.db.exists("RC Talent Pool Member", {"talent_pool": silver, "candidate": app.candidate})
		)
		self.assertFalse(
			frappe.db.exists("RC Talent Pool Member", {"talent_pool": pool, "candidate": app.candidate})
		)


def _links(html: str) -> list[str]:
	"""Where the email's links lead: tracked links carry their target in the click token."""
	out = []
	for href in re.findall(r'href="([^"]+)"', html):
		token = href.split("email_click?t=", 1)[1] if "email_click?t=" in href else None
		if token:
			payload = token.split(".")[0]
			payload += "=" * (-len(payload) % 4)
			href = json.loads(base64.urlsafe_b64decode(payload))["x"]["u"]
		out.append(href)
	return out


def _ics_fields(mail: email.message.Message) -> tuple[str, dict[str, str]]:
	"""The calendar part's content type and its VEVENT properties (lines unfolded)."""
	for part in mail.walk():
		if part.get_content_type() == "text/calendar":
			text = part.get_payload(decode=True).decode()
			unfolded = text.replace("\r\n ", "")
			fields = {}
			for line in unfolded.split("\r\n"):
				if ":" in line:
					key, value = line.split(":", 1)
					fields.setdefault(key.split(";")[0], value)
			return part["Content-Type"], fields
	return "", {}


class TestInterviews(PipelineCase):
	def test_the_invitation_carries_an_ics_at_the_right_utc_time(self):
		self.automation(trigger="Interview Scheduled", attach_calendar=1, state=None)
		app = self.apply(timezone="America/New_York")
		day = add_days(nowdate(), 3)
		self.interview(app.name, day, "10:00:00", "11:00:00")
		self.send()
		[mail] = self.mails_to(app.email)
		content_type, ics = _ics_fields(mail)
		self.assertIn("method=REQUEST", content_type.replace(" ", ""))
		self.assertEqual(ics["METHOD"], "REQUEST")
		start = datetime.fromisoformat(f"{day}T10:00:00").replace(tzinfo=ZoneInfo(get_system_timezone()))
		expected = start.astimezone(ZoneInfo("UTC")).strftime("%Y%m%dT%H%M%SZ")
		self.assertEqual(ics["DTSTART"], expected)
		self.assertIn(app.email, ics["ATTENDEE"])
		local = start.astimezone(ZoneInfo("America/New_York"))
		self.assertIn(f"{local:%H:%M} (America/New_York)", self.html_of(mail), "the time in their zone")

	def test_a_reminder_is_queued_hours_before_and_cancelled_with_the_interview(self):
		# Scoped to this class's opening: interviews other tests left on the site are not ours to count.
		self.automation(trigger="Before Interview", hours_before=24, state=None, job_opening=self.opening)
		app = self.apply()
		start = (now_datetime() + timedelta(hours=26)).replace(second=0, microsecond=0)
		interview = self.interview(app.name, start.date().isoformat(), start.strftime("%H:%M:%S"),
			(start + timedelta(hours=1)).strftime("%H:%M:%S"))  # fmt: skip
		self.assertEqual(automations.queue_reminders(now_datetime()), 0, "not due yet")
		later = start - timedelta(hours=24, minutes=5)
		self.assertEqual(automations.queue_reminders(later), 1)
		self.assertEqual(automations.queue_reminders(later), 0, "queued once")
		frappe.db.commit()  # nosemgrep
		[row] = self.ledger(app.name)
		self.assertEqual(row.interview, interview.name)
		self.assertEqual(row.due_at, start - timedelta(hours=24))
		frappe.db.set_value("Interview", interview.name, "status", "Cancelled")
		frappe.db.commit()  # nosemgrep
		self.assertEqual(claims.claim("rc-test-" + random_string(6), 50, now=start - timedelta(hours=23)), [])
		[row] = self.ledger(app.name)
		self.assertEqual((row.status, row.error), ("Cancelled", "The interview was cancelled."))

	def test_a_rescheduled_interview_voids_the_old_invitation_and_sends_a_new_one(self):
		self.automation(trigger="Interview Scheduled", delay_value=1, delay_unit="Hours", state=None)
		app = self.apply()
		interview = self.interview(app.name, add_days(nowdate(), 3), "10:00:00", "11:00:00")
		interview.db_set({"from_time": "14:00:00", "to_time": "15:00:00"})  # as HRMS reschedules
		frappe.db.commit()  # nosemgrep
		self.make_due(app.name)
		self.send()
		[mail] = self.mails_to(app.email)
		self.assertIn(", 14:00 (", self.html_of(mail), "the new time")
		old, new = sorted(self.ledger(app.name), key=lambda r: r.status)
		self.assertEqual((old.status, old.error), ("Cancelled", "The interview was rescheduled."))
		self.assertEqual(new.status, "Sent")
		self.assertTrue(new.idempotency_key.endswith(":14:00:00#1"), "the new slot's calendar SEQUENCE")


class TestPreviewAndSafety(PipelineCase):
	def test_preview_shows_who_gets_what_without_tracking(self):
		auto = self.automation(state="Applied", delay_value=1, delay_unit="Hours")
		keen = self.apply()
		opted_out = self.apply(do_not_contact=1)
		result = automation_preview.preview(auto)
		rows = {r["job_applicant"]: r for r in result["rows"]}
		self.assertEqual(rows[keen.name]["already"], "Queued", "its email is already in the ledger")
		self.assertEqual(rows[opted_out.name]["reason"], "Do Not Contact")
		html = result["sample"]["html"]
		self.assertIn(PREVIEW_UNSUBSCRIBE, html)
		self.assertFalse(
			any("/careers/applications?t=" in link for link in _links(html)), "no live link in a preview"
		)
		self.assertNotIn("api/method/recruit_crm.api.tracking", html)
		self.assertEqual(self.received(), [])

	def test_preview_is_for_hr_only(self):
		from recruit_crm.api import pipeline_automation

		auto = self.automation(state="Applied")
		user = make_user(unique_email("emp"), roles=("Employee",))
		frappe.set_user(user)
		try:
			with self.assertRaises(frappe.PermissionError):
				pipeline_automation.preview(auto)
		finally:
			frappe.set_user("Administrator")

	def test_a_dead_worker_leaves_one_unknown_and_sends_no_duplicate(self):
		self.automation(state="Applied")
		apps = [self.apply() for _ in range(3)]
		claimed = claims.claim("dead-worker-" + random_string(6), 10)  # its lock is not held
		self.assertEqual(len(claimed), 3)
		delivery.recover()
		frappe.db.commit()  # nosemgrep
		self.send()
		self.send()
		statuses = sorted(self.ledger(a.name)[0].status for a in apps)
		self.assertEqual(statuses, ["Sent", "Sent", "Unknown"])
		self.assertEqual(self.sink.messages, 2)
		self.assertTrue(all(count == 1 for count in self.sink.ids.values()))
