"""Nurture campaigns on a real site, delivering to a real SMTP server on loopback.

The sender commits each message's outcome (that is its crash-safety guarantee), so these tests
commit too and remove what they created in tearDown.

This file: delivery, send rules, consent and unsubscribe, crash safety.
"""

from urllib.parse import urlsplit

import frappe
from frappe.tests.test_api import FrappeAPITestCase, make_request
from frappe.utils import add_to_date, now_datetime, random_string

from recruit_crm.benchmarks.smtp_sink import SmtpSink
from recruit_crm.services.nurture import (
	audience,
	claims,
	delivery,
	engine,
	lifecycle,
	operator,
	reports,
)
from recruit_crm.tests.factories import (
	make_email_template,
)
from recruit_crm.tests.integration.nurture_case import ENROLLMENT, MESSAGE, SINK_PORT, NurtureCase


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
		engine.run_tick()
		engine.queue_step(campaign.name, 1)
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
		engine.run_tick()
		enrollment = frappe.get_value(
			ENROLLMENT,
			{"nurture_campaign": campaign.name},
			["status", "current_step", "next_action_at"],
			as_dict=True,
		)
		self.assertEqual((enrollment.status, enrollment.current_step), ("Active", 3))
		self.assertGreater(enrollment.next_action_at, add_to_date(now_datetime(), days=1, hours=23))
		later = add_to_date(now_datetime(), days=2, minutes=1)
		engine.run_tick(now=later)
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
		stats = reports.campaign_stats(campaign.name)
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
		lifecycle.launch(campaign.name)
		result = audience.enroll(campaign.name, [ok.name, no_consent.name, dnc.name])
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


class TestCrashSafety(NurtureCase):
	def test_a_dead_workers_claim_leaves_one_unknown_and_releases_the_rest(self):
		people = [self.person() for _ in range(4)]
		campaign = self.campaign()
		self.launch_with(campaign, people)
		claimed = claims.claim("dead-worker-" + random_string(6), 10)  # its lock is not held
		self.assertEqual(len(claimed), 4)
		delivery.recover()
		statuses = [r.status for r in self.messages(campaign)]
		self.assertEqual(statuses, ["Unknown", "Queued", "Queued", "Queued"])
		self.send()
		unknown = self.messages(campaign)[0]
		self.assertEqual(self.sink.messages, 3, "never re-sent without an operator")
		self.assertNotIn(unknown.message_id, self.sink.ids)
		operator.resolve_unknown(unknown.name, "Retry")
		frappe.db.commit()  # nosemgrep
		self.send()
		self.assertEqual(self.sink.ids[f"rcn.{unknown.name}@{frappe.local.site}"], 1)

	def test_each_outcome_is_durable_before_the_next_message_is_delivered(self):
		"""When the server takes a message in, every message before it (name order) is already
		committed as Sent, as another connection sees it: a crash between two messages can leave
		at most the message in flight unknown."""
		people = [self.person() for _ in range(4)]
		campaign = self.campaign()
		self.launch_with(campaign, people)
		watcher = frappe.db.create_connection()
		watcher.autocommit(True)  # each read sees what is committed now
		seen: list[list[str]] = []
		original = self.sink.handle_DATA

		async def checking(server, session, envelope):
			with watcher.cursor() as cursor:
				cursor.execute(
					f"select status from `tab{MESSAGE}` where nurture_campaign = %s order by name",
					campaign.name,
				)
				seen.append([status for (status,) in cursor.fetchall()])
			return await original(server, session, envelope)

		self.sink.handle_DATA = checking
		try:
			self.send()
		finally:
			del self.sink.handle_DATA
			watcher.close()
		self.assertEqual(len(seen), 4)
		for index, statuses in enumerate(seen):
			self.assertEqual(statuses[:index], ["Sent"] * index, f"before message {index + 1}")
			self.assertEqual(statuses[index], "Sending", "the message in flight is claimed, not yet Sent")
		self.assertEqual([r.status for r in self.messages(campaign)], ["Sent"] * 4)

	def test_a_message_that_cannot_be_rendered_fails_alone(self):
		"""The next message is rendered while the server takes the current one in: a failure there
		fails that message only, with its traceback in the Error Log, and the batch goes on."""
		from unittest.mock import patch

		people = [self.person() for _ in range(3)]
		campaign = self.campaign()
		self.launch_with(campaign, people)
		broken = self.messages(campaign)[1].name
		render = delivery.render_row

		def failing(renderer, pipeline, row):
			if row.name == broken:
				raise ValueError("the template needs a value this person lacks")
			return render(renderer, pipeline, row)

		with patch.object(delivery, "render_row", failing):
			self.send()
		self.assertEqual([r.status for r in self.messages(campaign)], ["Sent", "Failed", "Sent"])
		self.assertEqual(self.sink.messages, 2)
		self.assertIn("the template needs a value", frappe.db.get_value(MESSAGE, broken, "error"))
		logged = frappe.get_all(
			"Error Log", filters={"reference_name": broken}, fields=["method", "error"], limit=1
		)
		self.assertEqual(logged[0].method, "Nurture email could not be rendered")
		self.assertIn("ValueError: the template needs a value", logged[0].error)

	def test_a_sender_started_for_one_campaign_claims_only_its_messages(self):
		mine, other = self.campaign(), self.campaign()
		self.launch_with(mine, [self.person() for _ in range(2)])
		self.launch_with(other, [self.person() for _ in range(3)])
		token = "one-campaign-" + random_string(6)
		claimed = claims.claim(token, 10, campaign=mine.name)
		self.assertEqual({r.nurture_campaign for r in claimed}, {mine.name})
		self.assertEqual(len(claimed), 2)
		self.assertEqual(
			[r.status for r in self.messages(other)], ["Queued"] * 3, "the other campaign is left queued"
		)
		self.assertEqual(claims.claim(token, 10, campaign=mine.name), [], "nothing more of its own is due")
		delivery.recover()  # the claim's worker holds no lock: its rows end Unknown, not sent twice

	def test_mail_of_an_account_with_outgoing_disabled_waits_untouched(self):
		campaign = self.campaign()
		self.launch_with(campaign, [self.person() for _ in range(2)])
		token = "disabled-account-" + random_string(6)
		frappe.db.set_value("Email Account", self.account, "enable_outgoing", 0)
		try:
			self.assertEqual(claims.claim(token, 10, campaign=campaign.name), [])
			self.assertEqual([r.status for r in self.messages(campaign)], ["Queued", "Queued"])
		finally:
			frappe.db.set_value("Email Account", self.account, "enable_outgoing", 1)
			frappe.db.commit()  # nosemgrep: the account is shared by the other tests
		self.send()
		self.assertEqual([r.status for r in self.messages(campaign)], ["Sent", "Sent"], "sent once enabled")

	def test_an_account_without_its_password_is_not_sent_on_and_is_retried_later(self):
		from recruit_crm.services.nurture.smtp_sessions import Accounts, NotSent

		class NoPassword:
			def get_smtp_server(self):
				raise frappe.AuthenticationError("Password not found for Email Account X password")

		accounts = Accounts()
		accounts.info["X"] = frappe._dict(email="x@example.org", sender_name="X", account=NoPassword())
		with self.assertRaises(NotSent):  # the sender waits, then gives the batch back to the queue
			accounts.session("X")

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
