"""Nurture campaigns on a real site, delivering to a real SMTP server on loopback.

The sender commits each message's outcome (that is its crash-safety guarantee), so these tests
commit too and remove what they created in tearDown.

This file: the step engine, replies, audiences and content, authoring.
"""

import email
import re

import frappe
from frappe.email.receive import InboundMail
from frappe.utils import add_to_date, now_datetime, random_string

from recruit_crm.services.nurture import (
	audience,
	engine,
	lifecycle,
	reports,
)
from recruit_crm.tests.factories import (
	make_job_applicant,
	make_job_opening,
	make_talent_pool,
	make_user,
)
from recruit_crm.tests.integration import RCTestCase
from recruit_crm.tests.integration.nurture_case import ENROLLMENT, MESSAGE, NurtureCase


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
		engine.run_tick(now=add_to_date(now_datetime(), hours=2))
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
		from recruit_crm.services.engagement import tracking

		tracking.handle_open(token)  # what the pixel endpoint does
		engine.run_tick()
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
		engine.run_tick()
		self.assertEqual(
			frappe.db.get_value(ENROLLMENT, {"nurture_campaign": campaign.name}, ["status", "exit_reason"]),
			("Exited", "Applied"),
		)

	def test_reentry_after_days_sends_again_in_a_new_round_only(self):
		person = self.person()
		campaign = self.campaign(reentry_policy="Again After Days", reentry_after_days=0)
		self.launch_with(campaign, [person])
		self.send()
		engine.run_tick()  # past the last step: completed
		frappe.db.set_value(
			ENROLLMENT,
			{"nurture_campaign": campaign.name},
			"ended_at",
			add_to_date(now_datetime(), minutes=-1),
		)
		audience.enroll(campaign.name, [person.name])
		audience.enroll(campaign.name, [person.name])
		engine.run_tick()
		frappe.db.commit()  # nosemgrep
		self.send()
		self.assertEqual(sorted(r.entry_round for r in self.messages(campaign)), [1, 2])
		self.assertEqual(self.sink.messages, 2)

	def test_dry_run_shows_who_enters_their_emails_and_a_forecast(self):
		marker = random_string(8).lower()
		people = [self.person(email=f"dry.{marker}.{i}@example.org") for i in range(3)]
		self.person(email=f"dry.{marker}.x@example.org", has_marketing_consent=0)
		campaign = self.campaign(audience_rules=frappe.as_json([["email", "like", f"dry.{marker}.%"]]))
		result = reports.dry_run(campaign.name, sample_size=2)
		self.assertEqual(result["entering"], 3)
		self.assertEqual(result["left_out"], {"Never Asked": 1}, "never asked, told apart from withdrawn")
		self.assertEqual(len(result["sample"]), 2)
		self.assertTrue(result["sample"][0]["emails"][0]["subject"].startswith("Hello "))
		self.assertEqual(result["forecast_total"], 3)
		self.assertFalse(
			frappe.db.exists(ENROLLMENT, {"nurture_campaign": campaign.name}), "a dry run enrols nobody"
		)
		self.assertEqual(len(people), 3)

	def test_a_preview_carries_no_live_tracking(self):
		"""Opening a dry run's preview must not record opens or clicks for the person shown."""
		marker = random_string(8).lower()
		self.person(email=f"preview.{marker}@example.org")
		campaign = self.campaign(audience_rules=frappe.as_json([["email", "like", f"preview.{marker}%"]]))
		html = reports.dry_run(campaign.name, sample_size=1)["sample"][0]["emails"][0]["html"]
		self.assertIn("https://example.org/roles", html, "links are shown as written")
		for live in ("email_open", "email_click", "api.portal.unsubscribe", "unsubscribe?t="):
			self.assertNotIn(live, html)
		self.assertIn("rc-card", html, "the real branded layout")


class TestAudienceAndContent(NurtureCase):
	def test_pool_members_who_may_be_emailed_are_enrolled_at_launch(self):
		from recruit_crm.services.pools import membership

		members = [self.person(), self.person(), self.person(is_unsubscribed=1)]
		outsider = self.person()
		pool = make_talent_pool()
		membership.add_members(pool.name, [m.name for m in members], reason="test")
		campaign = self.campaign(talent_pools=[{"talent_pool": pool.name}])
		self.assertEqual(lifecycle.launch(campaign.name), {"enrolled": 2})
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
		engine.run_tick()
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


class TestAuthoring(RCTestCase):
	def test_only_hr_roles_author_email_templates(self):
		recruiter = make_user("nurture.recruiter@example.org", ("Recruiter",))
		hr_user = make_user("nurture.hr@example.org", ("HR User",))
		self.assertFalse(frappe.has_permission("Email Template", "create", user=recruiter))
		self.assertTrue(frappe.has_permission("Email Template", "create", user=hr_user))
		self.assertFalse(frappe.has_permission("RC Nurture Campaign", "create", user=recruiter))
		self.assertTrue(frappe.has_permission("RC Nurture Campaign", "create", user=hr_user))
