"""Pipeline emails: scope, delays, exactly-once keys, reminders and the claim-time verdict
(no frappe, no site)."""

import unittest
from datetime import date, datetime, time, timedelta, timezone

from recruit_crm.domain import pipeline_mail as pm
from recruit_crm.domain.pipeline import default_pipeline
from recruit_crm.domain.pipeline_mail import ClaimFacts, Rule, Verdict

UTC = timezone.utc


class TestMatching(unittest.TestCase):
	def test_delay_units(self):
		self.assertEqual(pm.delay_of(5, "Minutes"), timedelta(minutes=5))
		self.assertEqual(pm.delay_of(2, "Days"), timedelta(days=2))
		self.assertEqual(pm.delay_of(3, "Hours"), timedelta(hours=3))
		self.assertEqual(pm.delay_of(None, None), timedelta())
		self.assertEqual(
			pm.delay_of(-4, "Days"), timedelta(), "a negative delay sends at once, never in the past"
		)

	def test_scope_by_opening_and_designation(self):
		anywhere = Rule("a", pm.ENTERS_STATE, "Applied")
		one_opening = Rule("b", pm.ENTERS_STATE, "Applied", job_opening="JO-1")
		one_role = Rule("c", pm.ENTERS_STATE, "Applied", designation="Engineer")
		self.assertTrue(pm.in_scope(anywhere, None, None))
		self.assertTrue(pm.in_scope(one_opening, "JO-1", "Engineer"))
		self.assertFalse(pm.in_scope(one_opening, "JO-2", "Engineer"))
		self.assertTrue(pm.in_scope(one_role, "JO-2", "Engineer"))
		self.assertFalse(pm.in_scope(one_role, "JO-2", "Designer"))

	def test_entry_rules_pick_the_state(self):
		rules = [
			Rule("a", pm.ENTERS_STATE, "Applied"),
			Rule("b", pm.ENTERS_STATE, "Rejected"),
			Rule("c", pm.INTERVIEW_SCHEDULED),
		]
		self.assertEqual([r.name for r in pm.entry_rules(rules, "Rejected")], ["b"])


class TestKeys(unittest.TestCase):
	def test_slot_is_the_same_however_the_time_arrives(self):
		expected = "2026-03-03:09:30:00"
		self.assertEqual(pm.slot_text(date(2026, 3, 3), timedelta(hours=9, minutes=30)), expected)
		self.assertEqual(pm.slot_text(date(2026, 3, 3), time(9, 30)), expected)
		self.assertEqual(pm.slot_text("2026-03-03", "9:30:00"), expected)
		self.assertEqual(pm.slot_text("2026-03-03", "09:30"), expected)

	def test_keys_and_their_slot(self):
		self.assertEqual(pm.entry_key("auto1", "stay9"), "auto1:stay9")
		key = pm.interview_key("auto1", "HR-INT-0001", pm.slot_text(date(2026, 3, 3), time(9, 30)))
		self.assertEqual(pm.slot_of_key(key), "2026-03-03:09:30:00")
		self.assertIsNone(pm.slot_of_key("auto1:stay9"))

	def test_a_moved_interview_has_another_key(self):
		before = pm.interview_key("a", "I", pm.slot_text(date(2026, 3, 3), time(9)))
		after = pm.interview_key("a", "I", pm.slot_text(date(2026, 3, 3), time(10)))
		self.assertNotEqual(before, after)


class TestReminders(unittest.TestCase):
	now = datetime(2026, 3, 2, 12, 0)
	lookahead = timedelta(minutes=10)

	def test_due_hours_before_the_start(self):
		start = self.now + timedelta(hours=24, minutes=5)
		self.assertEqual(
			pm.reminder_due(start, 24, self.now, self.lookahead), self.now + timedelta(minutes=5)
		)

	def test_not_yet_when_further_away(self):
		self.assertIsNone(pm.reminder_due(self.now + timedelta(hours=30), 24, self.now, self.lookahead))

	def test_late_scheduling_sends_now_and_past_interviews_never(self):
		self.assertEqual(
			pm.reminder_due(self.now + timedelta(hours=2), 24, self.now, self.lookahead), self.now
		)
		self.assertIsNone(pm.reminder_due(self.now - timedelta(minutes=1), 24, self.now, self.lookahead))


class TestClaimVerdict(unittest.TestCase):
	def test_transactional_mail_needs_no_consent_but_respects_opt_outs(self):
		self.assertEqual(pm.claim_verdict(ClaimFacts(pm.ENTERS_STATE)), (Verdict.SEND, ""))
		for facts, reason in (
			(ClaimFacts(pm.ENTERS_STATE, do_not_contact=True), "Do Not Contact"),
			(ClaimFacts(pm.ENTERS_STATE, anonymized=True), "Do Not Contact"),
			(ClaimFacts(pm.ENTERS_STATE, unsubscribed=True), "Unsubscribed"),
			(ClaimFacts(pm.ENTERS_STATE, bounced=True), "Bounced"),
			(ClaimFacts(pm.ENTERS_STATE, has_email=False), "No Email Address"),
		):
			self.assertEqual(pm.claim_verdict(facts), (Verdict.SUPPRESS, reason))

	def test_undo_window_cancels_when_the_application_moved_on(self):
		moved = ClaimFacts(
			pm.ENTERS_STATE, only_while_in_state=True, automation_state="Rejected", current_state="Screening"
		)
		self.assertEqual(pm.claim_verdict(moved)[0], Verdict.CANCEL)
		# back in Rejected again, but through a later stay: this stay's email is still void
		reentered = ClaimFacts(
			pm.ENTERS_STATE,
			only_while_in_state=True,
			automation_state="Rejected",
			current_state="Rejected",
			stay_ended=True,
		)
		self.assertEqual(pm.claim_verdict(reentered)[0], Verdict.CANCEL)
		stayed = ClaimFacts(
			pm.ENTERS_STATE, only_while_in_state=True, automation_state="Rejected", current_state="Rejected"
		)
		self.assertEqual(pm.claim_verdict(stayed)[0], Verdict.SEND)
		no_undo = ClaimFacts(pm.ENTERS_STATE, automation_state="Applied", current_state="Screening")
		self.assertEqual(pm.claim_verdict(no_undo)[0], Verdict.SEND, "an acknowledgement goes anyway")

	def test_interview_emails_follow_the_interview(self):
		slot = "2026-03-03:09:00:00"
		base = {"queued_slot": slot, "current_slot": slot}
		self.assertEqual(pm.claim_verdict(ClaimFacts(pm.INTERVIEW_SCHEDULED, **base))[0], Verdict.SEND)
		self.assertEqual(
			pm.claim_verdict(ClaimFacts(pm.BEFORE_INTERVIEW, interview_cancelled=True, **base)),
			(Verdict.CANCEL, "The interview was cancelled."),
		)
		moved = ClaimFacts(pm.INTERVIEW_SCHEDULED, queued_slot=slot, current_slot="2026-03-04:09:00:00")
		self.assertEqual(pm.claim_verdict(moved), (Verdict.CANCEL, "The interview was rescheduled."))
		started = ClaimFacts(pm.BEFORE_INTERVIEW, interview_started=True, **base)
		self.assertEqual(pm.claim_verdict(started)[0], Verdict.CANCEL)

	def test_disabled_or_deleted_automations_send_nothing(self):
		self.assertEqual(pm.claim_verdict(ClaimFacts(None))[0], Verdict.CANCEL)
		self.assertEqual(
			pm.claim_verdict(ClaimFacts(pm.ENTERS_STATE, automation_enabled=False))[0], Verdict.CANCEL
		)


class TestSilverMedals(unittest.TestCase):
	def test_reaching_interview_or_offer_makes_a_silver_medalist(self):
		self.assertTrue(pm.is_silver_medalist({"Applied", "Interview"}))
		self.assertTrue(pm.is_silver_medalist({"Offer"}))
		self.assertFalse(pm.is_silver_medalist({"Applied", "Screening", "Rejected"}))


class TestBusinessHours(unittest.TestCase):
	def test_window_is_nine_to_six_on_weekdays(self):
		from recruit_crm.domain.send_rules import next_send_time

		window = pm.business_hours("UTC")
		saturday_noon = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)
		self.assertEqual(next_send_time(window, "UTC", saturday_noon), datetime(2026, 3, 9, 9, 0, tzinfo=UTC))
		friday_5pm_berlin = datetime(2026, 3, 6, 16, 0, tzinfo=UTC)  # 17:00 in Berlin
		self.assertEqual(next_send_time(window, "Europe/Berlin", friday_5pm_berlin), friday_5pm_berlin)


class TestShippedDefaults(unittest.TestCase):
	def test_every_shipped_automation_has_its_template_and_a_real_state(self):
		templates = {t.name for t in pm.DEFAULT_TEMPLATES}
		pipeline = default_pipeline()
		for spec in pm.DEFAULT_AUTOMATIONS:
			self.assertIn(spec.template, templates)
			self.assertIn(spec.trigger, pm.AUTOMATION_TRIGGERS)
			if spec.trigger == pm.ENTERS_STATE:
				self.assertIsNotNone(pipeline.of_kind(spec.state_kind))

	def test_shipped_templates_greet_by_name_and_link_the_applications_page(self):
		for t in pm.DEFAULT_TEMPLATES:
			self.assertIn("{{ candidate.first_name }}", t.body)
			self.assertIn("{{ applications_link }}", t.body)
			self.assertEqual(t.body.count("{%"), t.body.count("%}"))
			self.assertEqual(t.body.count("{{"), t.body.count("}}"))
		rejection = next(t for t in pm.DEFAULT_TEMPLATES if t.name == "Recruit CRM: Not Selected")
		self.assertIn("{{ community_link }}", rejection.body)
