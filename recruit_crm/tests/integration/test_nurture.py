"""Nurture campaigns on a real site, delivering to a real SMTP server on loopback.

The sender commits each message's outcome (that is its crash-safety guarantee), so these tests
commit too and remove what they created in tearDown.
"""

import email
import re
from urllib.parse import urlsplit

import frappe
from frappe.email.receive import InboundMail
from frappe.tests.test_api import FrappeAPITestCase, make_request
from frappe.utils import add_to_date, now_datetime, random_string

from recruit_crm.benchmarks.smtp_sink import SmtpSink
from recruit_crm.services import nurture, nurture_delivery, nurture_reports
from recruit_crm.tests.factories import (
	ensure_sink_email_account,
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

SINK_PORT = 2671
MESSAGE = nurture.MESSAGE
ENROLLMENT = nurture.ENROLLMENT


class NurtureCase(RCTestCase):
	"""Starts the loopback SMTP server and an Email Account for it; cleans committed rows up."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.sink_ctx = SmtpSink(SINK_PORT, keep=True)
		cls.sink = cls.sink_ctx.__enter__()
		cls.account = ensure_sink_email_account(SINK_PORT)
		cls.template = make_email_template()
		frappe.db.commit()  # nosemgrep: the sender commits; it must see these

	@classmethod
	def tearDownClass(cls):
		cls.sink_ctx.__exit__(None, None, None)
		super().tearDownClass()

	def setUp(self):
		self.campaigns: list[str] = []
		self.candidates: list[str] = []
		with self.sink.lock:
			self.sink.kept.clear()
			self.sink.ids.clear()
			self.sink.messages = 0

	def tearDown(self):
		frappe.db.rollback()
		for campaign in self.campaigns:
			messages = frappe.get_all(MESSAGE, filters={"nurture_campaign": campaign}, pluck="name")
			if messages:
				frappe.db.delete("Communication", {"name": ["in", messages]})
				frappe.db.delete("Communication", {"in_reply_to": ["in", messages]})
				frappe.db.delete("Email Queue Recipient", {"parent": ["in", messages]})
				frappe.db.delete("Email Queue", {"name": ["in", messages]})
			frappe.db.delete(MESSAGE, {"nurture_campaign": campaign})
			frappe.db.delete(ENROLLMENT, {"nurture_campaign": campaign})
			frappe.db.delete("RC Nurture Step", {"parent": campaign})
			frappe.db.delete(nurture.CAMPAIGN, {"name": campaign})
		if self.candidates:
			for doctype in ("RC Touchpoint", "RC Consent"):
				frappe.db.delete(doctype, {"candidate": ["in", self.candidates]})
			frappe.db.delete(
				"ToDo", {"reference_type": "RC Candidate", "reference_name": ["in", self.candidates]}
			)
			frappe.db.delete(
				"Tag Link", {"document_type": "RC Candidate", "document_name": ["in", self.candidates]}
			)
			frappe.db.delete(
				"Communication",
				{"reference_doctype": "RC Candidate", "reference_name": ["in", self.candidates]},
			)
			applicants = frappe.get_all(
				"Job Applicant", filters={"rc_candidate": ["in", self.candidates]}, pluck="name"
			)
			if applicants:
				frappe.db.delete("Job Applicant", {"name": ["in", applicants]})
			frappe.db.delete("RC Candidate", {"name": ["in", self.candidates]})
		frappe.db.commit()  # nosemgrep: remove what the committed sends left

	# helpers -----------------------------------------------------------------------------------

	def person(self, **values) -> frappe._dict:
		doc = make_sendable_candidate(email=values.pop("email", None) or unique_email("nurture"), **values)
		self.candidates.append(doc.name)
		return doc

	def campaign(self, steps: list[dict] | None = None, **values):
		doc = make_nurture_campaign(
			self.account, steps or [{"step_type": "Send Email", "email_template": self.template}], **values
		)
		self.campaigns.append(doc.name)
		return doc

	def launch_with(self, campaign, people) -> None:
		nurture.launch(campaign.name)
		nurture.enroll(campaign.name, [p.name for p in people])
		nurture.run_tick()
		frappe.db.commit()  # nosemgrep

	def send(self) -> dict:
		result = nurture_delivery.send_due(until_empty=True)
		frappe.db.commit()  # nosemgrep
		return result

	def messages(self, campaign) -> list[frappe._dict]:
		return frappe.get_all(
			MESSAGE,
			filters={"nurture_campaign": campaign.name},
			fields=[
				"name",
				"status",
				"candidate",
				"message_id",
				"variant",
				"subject",
				"communication",
				"entry_round",
			],
			order_by="name",
		)

	def received(self) -> list[email.message.Message]:
		with self.sink.lock:
			return [email.message_from_bytes(raw) for raw in self.sink.kept]

	@staticmethod
	def html_of(mail: email.message.Message) -> str:
		for part in mail.walk():
			if part.get_content_type() == "text/html":
				return part.get_payload(decode=True).decode()
		return ""


class TestDelivery(NurtureCase):
	def test_each_person_gets_one_email_with_its_own_message_id_and_one_click_unsubscribe(self):
		people = [self.person() for _ in range(3)]
		campaign = self.campaign()
		self.launch_with(campaign, people)
		self.send()
		mails = self.received()
		self.assertEqual(len(mails), 3, "one email per person")
		self.assertEqual(len({m["Message-ID"] for m in mails}), 3, "every email has its own Message-ID")
		for mail in mails:
			self.assertIn("/api/method/recruit_crm.api.portal.unsubscribe?t=", mail["List-Unsubscribe"])
			self.assertEqual(mail["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
		rows = self.messages(campaign)
		self.assertEqual({r.status for r in rows}, {"Sent"})
		for row in rows:
			comm = frappe.db.get_value(
				"Communication",
				row.communication,
				["reference_doctype", "reference_name", "message_id"],
				as_dict=True,
			)
			self.assertEqual((comm.reference_doctype, comm.reference_name), ("RC Candidate", row.candidate))
			self.assertEqual(comm.message_id, row.message_id, "timeline entry threads by the sent Message-ID")
			queue = frappe.db.get_value("Email Queue", row.name, ["status", "message_id"], as_dict=True)
			self.assertEqual((queue.status, queue.message_id), ("Sent", row.message_id))

	def test_the_scheduler_firing_twice_queues_each_step_once(self):
		person = self.person()
		campaign = self.campaign()
		self.launch_with(campaign, [person])
		nurture.run_tick()
		nurture.queue_step(campaign.name, 1)
		frappe.db.commit()  # nosemgrep
		self.send()
		self.send()
		self.assertEqual(len(self.messages(campaign)), 1)
		self.assertEqual(self.sink.messages, 1)

	def test_candidate_values_are_escaped_and_the_layout_is_branded(self):
		frappe.db.set_single_value(
			"RC Settings",
			{"brand_primary_color": "#123456", "email_footer": "<p>Acme Talent, 1 Quay Street</p>"},
		)
		frappe.clear_document_cache("RC Settings", "RC Settings")
		person = self.person(full_name="Eve <script>alert(1)</script>")
		campaign = self.campaign()
		self.launch_with(campaign, [person])
		self.send()
		html = self.html_of(self.received()[0])
		self.assertNotIn("<script>alert(1)</script>", html)
		self.assertIn("Eve &lt;script&gt;alert(1)&lt;/script&gt;", html, "escaped exactly once")
		self.assertIn("#123456", html, "the brand colour from settings")
		self.assertIn("Acme Talent, 1 Quay Street", html, "the footer from settings")
		self.assertIn("recruit_crm.api.portal.email_click?t=", html, "links are tracked")
		self.assertIn("recruit_crm.api.portal.email_open?t=", html, "opens are tracked")

	def test_a_wait_then_a_second_email_follows_the_sequence(self):
		person = self.person()
		campaign = self.campaign(
			[
				{"step_type": "Send Email", "email_template": self.template},
				{"step_type": "Wait", "wait_amount": 2, "wait_unit": "Days"},
				{"step_type": "Send Email", "email_template": self.template},
			]
		)
		self.launch_with(campaign, [person])
		self.send()
		nurture.run_tick()
		enrollment = frappe.get_value(
			ENROLLMENT,
			{"nurture_campaign": campaign.name},
			["status", "current_step", "next_action_at"],
			as_dict=True,
		)
		self.assertEqual((enrollment.status, enrollment.current_step), ("Active", 3))
		self.assertGreater(enrollment.next_action_at, add_to_date(now_datetime(), days=1, hours=23))
		later = add_to_date(now_datetime(), days=2, minutes=1)
		nurture.run_tick(now=later)
		# two days pass: the follow-up queued "then" is due now
		frappe.db.set_value(
			MESSAGE, {"nurture_campaign": campaign.name, "due_at": later}, "due_at", now_datetime()
		)
		frappe.db.commit()  # nosemgrep
		self.send()
		self.assertEqual(self.sink.messages, 2)

	def test_ab_variants_are_assigned_stably_and_reported_per_variant(self):
		variant_b = make_email_template(subject="Variant B for {{ candidate.first_name }}")
		people = [self.person() for _ in range(16)]
		campaign = self.campaign(
			[
				{
					"step_type": "Send Email",
					"email_template": self.template,
					"variant_email_template": variant_b,
					"ab_split_percent": 50,
				}
			]
		)
		self.launch_with(campaign, people)
		self.send()
		rows = self.messages(campaign)
		self.assertEqual({r.variant for r in rows}, {"A", "B"})
		for r in rows:
			self.assertEqual(r.subject.startswith("Variant B"), r.variant == "B")
		stats = nurture_reports.campaign_stats(campaign.name)
		self.assertEqual({s.variant for s in stats["steps"]}, {"A", "B"})
		self.assertEqual(sum(s.sent for s in stats["steps"]), 16)

	def test_a_hard_bounce_marks_the_address_and_ends_the_sequence(self):
		person = self.person()
		campaign = self.campaign()
		self.launch_with(campaign, [person])
		self.sink.refuse.add(person.email)
		try:
			self.send()
		finally:
			self.sink.refuse.discard(person.email)
		row = frappe.db.get_value(
			MESSAGE, {"nurture_campaign": campaign.name}, ["status", "bounced_at"], as_dict=True
		)
		self.assertEqual(row.status, "Failed")
		self.assertTrue(row.bounced_at)
		self.assertEqual(frappe.db.get_value("RC Candidate", person.name, "has_bounced"), 1)
		self.assertEqual(
			frappe.db.get_value(ENROLLMENT, {"nurture_campaign": campaign.name}, ["status", "exit_reason"]),
			("Exited", "Bounced"),
		)


class TestSendRules(NurtureCase):
	def test_outside_business_hours_the_message_waits_for_the_window(self):
		hour = now_datetime().hour
		start = (hour + 2) % 24
		if start >= 22:
			start = (hour + 2) % 24 - 4 if (hour + 2) % 24 >= 4 else 1
		person = self.person()
		campaign = self.campaign(send_start_time=f"{start:02d}:00:00", send_end_time=f"{start + 1:02d}:00:00")
		self.launch_with(campaign, [person])
		self.send()
		self.assertEqual(self.sink.messages, 0)
		row = frappe.get_value(
			MESSAGE, {"nurture_campaign": campaign.name}, ["status", "due_at"], as_dict=True
		)
		self.assertEqual(row.status, "Queued")
		self.assertGreater(row.due_at, now_datetime())

	def test_the_hourly_cap_defers_the_rest_to_the_next_hour(self):
		people = [self.person() for _ in range(5)]
		campaign = self.campaign(per_campaign_hourly_cap=2)
		self.launch_with(campaign, people)
		self.send()
		self.assertEqual(self.sink.messages, 2)
		queued = frappe.get_all(
			MESSAGE, filters={"nurture_campaign": campaign.name, "status": "Queued"}, pluck="due_at"
		)
		self.assertEqual(len(queued), 3)
		self.assertTrue(all(d > now_datetime() for d in queued))


class TestConsentAndUnsubscribe(NurtureCase, FrappeAPITestCase):
	def test_people_without_consent_are_never_enrolled(self):
		ok = self.person()
		no_consent = self.person(has_marketing_consent=0)
		dnc = self.person(do_not_contact=1)
		campaign = self.campaign()
		nurture.launch(campaign.name)
		result = nurture.enroll(campaign.name, [ok.name, no_consent.name, dnc.name])
		self.assertEqual(result, {"enrolled": 1, "skipped": 2})

	def test_consent_lost_after_queueing_is_caught_at_claim_time(self):
		person = self.person()
		campaign = self.campaign()
		self.launch_with(campaign, [person])
		frappe.db.set_value("RC Candidate", person.name, "has_marketing_consent", 0)
		frappe.db.commit()  # nosemgrep
		self.send()
		self.assertEqual(self.sink.messages, 0)
		self.assertEqual(
			frappe.db.get_value(MESSAGE, {"nurture_campaign": campaign.name}, "status"), "Suppressed"
		)
		self.assertEqual(
			frappe.db.get_value(ENROLLMENT, {"nurture_campaign": campaign.name}, ["status", "exit_reason"]),
			("Exited", "Consent Lost"),
		)

	def test_one_click_unsubscribe_post_stops_every_pending_message(self):
		person = self.person()
		first = self.campaign()
		second = self.campaign()
		self.launch_with(first, [person])
		self.send()
		self.launch_with(second, [person])  # queued, not sent yet
		header = self.received()[0]["List-Unsubscribe"].strip("<>")
		parts = urlsplit(header)
		response = make_request(
			target=self.TEST_CLIENT.post,
			args=(f"{parts.path}?{parts.query}",),
			kwargs={
				"data": "List-Unsubscribe=One-Click",
				"content_type": "application/x-www-form-urlencoded",
			},
		)
		self.assertEqual(response.status_code, 200, response.get_data(as_text=True))
		frappe.db.commit()  # nosemgrep: see the request's writes
		self.assertEqual(frappe.db.get_value("RC Candidate", person.name, "is_unsubscribed"), 1)
		self.send()
		self.assertEqual(self.sink.messages, 1, "nothing more after the unsubscribe")
		self.assertEqual(
			frappe.db.get_value(MESSAGE, {"nurture_campaign": second.name}, "status"), "Suppressed"
		)
		self.assertEqual(
			frappe.db.get_value(ENROLLMENT, {"nurture_campaign": second.name}, "exit_reason"), "Unsubscribed"
		)


class TestReplies(NurtureCase):
	def reply(self, person, subject: str, in_reply_to: str):
		raw = (
			f"From: {person.email}\r\nTo: talent@rc-test.localhost\r\nSubject: {subject}\r\n"
			f"Message-ID: <reply.{random_string(10)}@example.org>\r\nIn-Reply-To: <{in_reply_to}>\r\n"
			f"Date: {email.utils.formatdate()}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSounds good, let's talk.\r\n"
		).encode()
		account = frappe.get_doc("Email Account", self.account)
		return InboundMail(raw, account).process()

	def test_a_real_reply_threads_back_and_stops_the_sequence(self):
		person = self.person()
		campaign = self.campaign(
			[
				{"step_type": "Send Email", "email_template": self.template},
				{"step_type": "Wait", "wait_amount": 1, "wait_unit": "Hours"},
				{"step_type": "Send Email", "email_template": self.template},
			]
		)
		self.launch_with(campaign, [person])
		self.send()
		sent = self.messages(campaign)[0]
		comm = self.reply(person, "Re: hello", sent.message_id)
		frappe.db.commit()  # nosemgrep
		self.assertEqual(comm.in_reply_to, sent.communication, "threaded to the campaign email")
		self.assertEqual((comm.reference_doctype, comm.reference_name), ("RC Candidate", person.name))
		self.assertTrue(frappe.db.get_value(MESSAGE, sent.name, "replied_at"))
		self.assertEqual(
			frappe.db.get_value(ENROLLMENT, {"nurture_campaign": campaign.name}, ["status", "exit_reason"]),
			("Exited", "Replied"),
		)
		nurture.run_tick(now=add_to_date(now_datetime(), hours=2))
		self.assertEqual(len(self.messages(campaign)), 1, "no follow-up is queued after a reply")

	def test_an_out_of_office_reply_pauses_instead_of_stopping(self):
		person = self.person()
		campaign = self.campaign()
		self.launch_with(campaign, [person])
		self.send()
		sent = self.messages(campaign)[0]
		self.reply(person, "Automatic reply: Re: hello", sent.message_id)
		status, reason = frappe.db.get_value(
			ENROLLMENT, {"nurture_campaign": campaign.name}, ["status", "paused_reason"]
		)
		self.assertEqual(status, "Paused")
		self.assertIn("Automatic reply", reason)


class TestEngine(NurtureCase):
	def test_branch_on_open_creates_a_task_for_openers_and_tags_the_rest(self):
		opener, silent = self.person(), self.person()
		campaign = self.campaign(
			[
				{"step_type": "Send Email", "email_template": self.template},
				{"step_type": "Branch", "condition": "Opened", "yes_step": 3, "no_step": 5},
				{
					"step_type": "Create Task",
					"task_description": "Call {{ candidate.full_name }}",
					"task_assign_to": "Administrator",
				},
				{"step_type": "Wait", "wait_amount": 30, "wait_unit": "Days"},
				{"step_type": "Update Candidate", "tag": "nurture-silent", "crm_stage": "Contacted"},
			]
		)
		self.launch_with(campaign, [opener, silent])
		self.send()
		html = frappe.db.get_value(
			"Communication", {"reference_name": opener.name, "reference_doctype": "RC Candidate"}, "content"
		)
		token = re.search(r"email_open\?t=([^\"&]+)", html).group(1)
		from recruit_crm.services import tracking

		tracking.handle_open(token)  # what the pixel endpoint does
		nurture.run_tick()
		frappe.db.commit()  # nosemgrep
		self.assertTrue(
			frappe.db.exists("ToDo", {"reference_name": opener.name, "description": ["like", "Call %"]})
		)
		self.assertFalse(frappe.db.exists("ToDo", {"reference_name": silent.name}))
		self.assertEqual(frappe.db.get_value("RC Candidate", silent.name, "crm_stage"), "Contacted")
		self.assertTrue(frappe.db.exists("Tag Link", {"document_name": silent.name, "tag": "nurture-silent"}))

	def test_applying_meets_the_goal_and_ends_the_enrolment(self):
		person = self.person()
		campaign = self.campaign(
			[
				{"step_type": "Send Email", "email_template": self.template},
				{"step_type": "Wait", "wait_amount": 3, "wait_unit": "Days"},
			]
		)
		self.launch_with(campaign, [person])
		self.send()
		make_job_applicant(email=person.email)
		nurture.run_tick()
		self.assertEqual(
			frappe.db.get_value(ENROLLMENT, {"nurture_campaign": campaign.name}, ["status", "exit_reason"]),
			("Exited", "Applied"),
		)

	def test_reentry_after_days_sends_again_in_a_new_round_only(self):
		person = self.person()
		campaign = self.campaign(reentry_policy="Again After Days", reentry_after_days=0)
		self.launch_with(campaign, [person])
		self.send()
		nurture.run_tick()  # past the last step: completed
		frappe.db.set_value(
			ENROLLMENT,
			{"nurture_campaign": campaign.name},
			"ended_at",
			add_to_date(now_datetime(), minutes=-1),
		)
		nurture.enroll(campaign.name, [person.name])
		nurture.enroll(campaign.name, [person.name])
		nurture.run_tick()
		frappe.db.commit()  # nosemgrep
		self.send()
		self.assertEqual(sorted(r.entry_round for r in self.messages(campaign)), [1, 2])
		self.assertEqual(self.sink.messages, 2)

	def test_dry_run_shows_who_enters_their_emails_and_a_forecast(self):
		marker = random_string(8).lower()
		people = [self.person(email=f"dry.{marker}.{i}@example.org") for i in range(3)]
		self.person(email=f"dry.{marker}.x@example.org", has_marketing_consent=0)
		campaign = self.campaign(audience_rules=frappe.as_json([["email", "like", f"dry.{marker}.%"]]))
		result = nurture_reports.dry_run(campaign.name, sample_size=2)
		self.assertEqual(result["entering"], 3)
		self.assertEqual(result["left_out"], {"Consent Lost": 1})
		self.assertEqual(len(result["sample"]), 2)
		self.assertTrue(result["sample"][0]["emails"][0]["subject"].startswith("Hello "))
		self.assertEqual(result["forecast_total"], 3)
		self.assertFalse(
			frappe.db.exists(ENROLLMENT, {"nurture_campaign": campaign.name}), "a dry run enrols nobody"
		)
		self.assertEqual(len(people), 3)


class TestAudienceAndContent(NurtureCase):
	def test_pool_members_who_may_be_emailed_are_enrolled_at_launch(self):
		from recruit_crm.services import pools

		members = [self.person(), self.person(), self.person(is_unsubscribed=1)]
		outsider = self.person()
		pool = make_talent_pool()
		pools.add_members(pool.name, [m.name for m in members], reason="test")
		campaign = self.campaign(talent_pools=[{"talent_pool": pool.name}])
		self.assertEqual(nurture.launch(campaign.name), {"enrolled": 2})
		enrolled = set(
			frappe.get_all(ENROLLMENT, filters={"nurture_campaign": campaign.name}, pluck="candidate")
		)
		self.assertEqual(enrolled, {members[0].name, members[1].name})
		self.assertNotIn(outsider.name, enrolled)
		frappe.db.delete("RC Talent Pool Member", {"talent_pool": pool.name})
		frappe.db.delete("RC Talent Pool", {"name": pool.name})

	def test_invite_to_apply_and_share_content_render_the_opening_and_the_story(self):
		opening = make_job_opening(title=f"Data Platform Engineer {random_string(4)}")
		content = frappe.get_doc(
			{"doctype": "RC Content", "title": f"A day on the data team {random_string(5)}", "content_type": "Testimonial",
				"summary": "Priya on shipping the lakehouse.", "is_published": 1}
		).insert(ignore_permissions=True)  # fmt: skip
		person = self.person(full_name="Ada Lovelace")
		campaign = self.campaign(
			[
				{"step_type": "Invite To Apply", "job_opening": opening.name},
				{"step_type": "Share Content", "content": content.name},
			]
		)
		self.launch_with(campaign, [person])
		self.send()
		nurture.run_tick()
		frappe.db.commit()  # nosemgrep
		self.send()
		mails = self.received()
		self.assertEqual(len(mails), 2)
		invite, story = sorted(mails, key=lambda m: 0 if "fits you" in m["Subject"] else 1)
		self.assertEqual(invite["Subject"], f"Ada, a role we think fits you: {opening.job_title}")
		self.assertIn("See the role and apply", self.html_of(invite))
		self.assertEqual(story["Subject"], content.title)
		self.assertIn("Priya on shipping the lakehouse.", self.html_of(story))
		frappe.db.delete("RC Content", {"name": content.name})


class TestCrashSafety(NurtureCase):
	def test_a_dead_workers_claim_leaves_one_unknown_and_releases_the_rest(self):
		people = [self.person() for _ in range(4)]
		campaign = self.campaign()
		self.launch_with(campaign, people)
		claimed = nurture_delivery.claim("dead-worker-" + random_string(6), 10)  # its lock is not held
		self.assertEqual(len(claimed), 4)
		nurture_delivery.recover()
		statuses = [r.status for r in self.messages(campaign)]
		self.assertEqual(statuses, ["Unknown", "Queued", "Queued", "Queued"])
		self.send()
		unknown = self.messages(campaign)[0]
		self.assertEqual(self.sink.messages, 3, "never re-sent without an operator")
		self.assertNotIn(unknown.message_id, self.sink.ids)
		nurture.resolve_unknown(unknown.name, "Retry")
		frappe.db.commit()  # nosemgrep
		self.send()
		self.assertEqual(self.sink.ids[f"rcn.{unknown.name}@{frappe.local.site}"], 1)

	def test_killing_real_workers_loses_and_duplicates_nothing(self):
		from recruit_crm.benchmarks.nurture_crash import run_crash_test

		self.sink_ctx.__exit__(None, None, None)  # the crash test runs its own counting server
		try:
			report = run_crash_test(
				messages=300,
				kills=3,
				port=SINK_PORT + 1,
				kill_window=(0.0, 0.1),
				batch=50,
				progress=lambda *_: None,
			)
		finally:
			self.sink_ctx = SmtpSink(SINK_PORT, keep=True)
			type(self).sink = self.sink_ctx.__enter__()
			type(self).sink_ctx = self.sink_ctx
		self.assertEqual(report["duplicates"], 0, report)
		self.assertEqual(report["lost"], 0, report)
		self.assertTrue(report["accounted_for"], report)
		self.assertEqual(report["messages"], 300)


class TestAuthoring(RCTestCase):
	def test_only_hr_roles_author_email_templates(self):
		recruiter = make_user("nurture.recruiter@example.org", ("Recruiter",))
		hr_user = make_user("nurture.hr@example.org", ("HR User",))
		self.assertFalse(frappe.has_permission("Email Template", "create", user=recruiter))
		self.assertTrue(frappe.has_permission("Email Template", "create", user=hr_user))
		self.assertFalse(frappe.has_permission("RC Nurture Campaign", "create", user=recruiter))
		self.assertTrue(frappe.has_permission("RC Nurture Campaign", "create", user=hr_user))
