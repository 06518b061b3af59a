"""Nurture rules with an injected clock: sequencing, branching, goals, windows, caps, A/B, forecast."""

import unittest
import zlib
from datetime import date, datetime, time, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from recruit_crm.domain.nurture import (
	Advance,
	BranchCondition,
	EnrollmentStatus,
	ExitReason,
	Facts,
	Goals,
	Person,
	ReentryPolicy,
	Step,
	StepType,
	VariantResult,
	advance,
	exit_reason,
	is_auto_reply,
	leading_variant,
	may_reenter,
	stage_reached,
	validate_steps,
	variant_for,
)
from recruit_crm.domain.send_rules import (
	Caps,
	CapUsage,
	SendWindow,
	allocate,
	email_path,
	forecast,
	frequency_hold,
	next_send_time,
	resolve_dead_claim,
)

UTC = timezone.utc
MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # a Monday


def email(idx, **kw):
	return Step(idx, StepType.SEND_EMAIL, key=f"s{idx}", **kw)


def wait(idx, amount, unit="Days", **kw):
	return Step(idx, StepType.WAIT, key=f"s{idx}", wait_amount=amount, wait_unit=unit, **kw)


def branch(idx, condition, yes=0, no=0, value=""):
	return Step(
		idx,
		StepType.BRANCH,
		key=f"s{idx}",
		condition=condition,
		yes_step=yes,
		no_step=no,
		condition_value=value,
	)


class TestSequencing(unittest.TestCase):
	def test_email_step_stops_there_so_it_can_be_queued(self):
		result = advance([email(1), wait(2, 3)], 1, Facts(), MONDAY_10)
		self.assertEqual(result, Advance(1, EnrollmentStatus.ACTIVE, MONDAY_10, ()))

	def test_wait_in_days_moves_past_the_wait_and_sets_the_resume_time(self):
		result = advance([email(1), wait(2, 3), email(3)], 2, Facts(), MONDAY_10)
		self.assertEqual(result.position, 3)
		self.assertEqual(result.next_action_at, MONDAY_10 + timedelta(days=3))

	def test_wait_in_hours(self):
		result = advance([wait(1, 5, "Hours")], 1, Facts(), MONDAY_10)
		self.assertEqual(result.next_action_at, MONDAY_10 + timedelta(hours=5))

	def test_wait_until_a_date_in_the_past_resumes_now(self):
		step = Step(1, StepType.WAIT, wait_until=MONDAY_10 - timedelta(days=1))
		self.assertEqual(advance([step], 1, Facts(), MONDAY_10).next_action_at, MONDAY_10)

	def test_wait_until_a_future_date(self):
		target = MONDAY_10 + timedelta(days=10)
		step = Step(1, StepType.WAIT, wait_until=target)
		self.assertEqual(advance([step], 1, Facts(), MONDAY_10).next_action_at, target)

	def test_side_effect_steps_are_collected_in_order_without_stopping(self):
		task = Step(2, StepType.CREATE_TASK, key="t")
		update = Step(3, StepType.UPDATE_CANDIDATE, key="u")
		result = advance([wait(1, 1), task, update, email(4)], 2, Facts(), MONDAY_10)
		self.assertEqual([s.key for s in result.actions], ["t", "u"])
		self.assertEqual(result.position, 4)

	def test_running_past_the_last_step_completes(self):
		result = advance([email(1)], 2, Facts(), MONDAY_10)
		self.assertEqual(result.status, EnrollmentStatus.COMPLETED)
		self.assertIsNone(result.position)

	def test_invite_and_share_content_are_email_steps(self):
		for kind in (StepType.INVITE_TO_APPLY, StepType.SHARE_CONTENT):
			self.assertEqual(advance([Step(1, kind)], 1, Facts(), MONDAY_10).position, 1)


class TestBranching(unittest.TestCase):
	steps = [email(1), wait(2, 2), branch(3, BranchCondition.OPENED, yes=5, no=4), email(4), email(5)]

	def test_opened_takes_the_yes_path(self):
		self.assertEqual(advance(self.steps, 3, Facts(opened=True), MONDAY_10).position, 5)

	def test_not_opened_takes_the_no_path(self):
		self.assertEqual(advance(self.steps, 3, Facts(), MONDAY_10).position, 4)

	def test_a_click_counts_as_an_open(self):
		self.assertEqual(advance(self.steps, 3, Facts(clicked=True), MONDAY_10).position, 5)

	def test_score_threshold(self):
		steps = [branch(1, BranchCondition.SCORE_AT_LEAST, yes=3, no=2, value="40"), email(2), email(3)]
		self.assertEqual(advance(steps, 1, Facts(score=40), MONDAY_10).position, 3)
		self.assertEqual(advance(steps, 1, Facts(score=39.9), MONDAY_10).position, 2)

	def test_stage_and_readiness(self):
		steps = [branch(1, BranchCondition.STAGE_IS, yes=3, value="Engaged"), email(2), email(3)]
		self.assertEqual(advance(steps, 1, Facts(stage="Engaged"), MONDAY_10).position, 3)
		self.assertEqual(advance(steps, 1, Facts(stage="Prospect"), MONDAY_10).position, 2)
		steps = [branch(1, BranchCondition.READINESS_IS, yes=3, value="Hot"), email(2), email(3)]
		self.assertEqual(advance(steps, 1, Facts(readiness="Hot"), MONDAY_10).position, 3)

	def test_replied_and_clicked(self):
		steps = [branch(1, BranchCondition.REPLIED, yes=3), email(2), email(3)]
		self.assertEqual(advance(steps, 1, Facts(replied=True), MONDAY_10).position, 3)
		steps = [branch(1, BranchCondition.CLICKED, yes=3), email(2), email(3)]
		self.assertEqual(advance(steps, 1, Facts(opened=True), MONDAY_10).position, 2)

	def test_an_instant_loop_is_rejected_at_validation(self):
		steps = [
			branch(1, BranchCondition.OPENED, yes=2, no=2),
			Step(2, StepType.CREATE_TASK),
			branch(3, BranchCondition.OPENED, yes=1, no=1),
		]
		self.assertIn("loop", " ".join(validate_steps(steps)))

	def test_an_instant_loop_that_slipped_through_exits_instead_of_spinning(self):
		steps = [branch(1, BranchCondition.OPENED, yes=1, no=1)]
		result = advance(steps, 1, Facts(), MONDAY_10)
		self.assertEqual(result.exit_reason, ExitReason.INVALID_FLOW)

	def test_a_loop_through_a_wait_is_fine(self):
		steps = [email(1), wait(2, 7), branch(3, BranchCondition.REPLIED, yes=4, no=1), email(4)]
		self.assertEqual(validate_steps(steps), [])

	def test_validation_reports_missing_targets_and_empty_waits(self):
		problems = validate_steps([branch(1, BranchCondition.OPENED, yes=9), wait(2, 0)])
		self.assertTrue(any("9" in p for p in problems))
		self.assertTrue(any("wait" in p for p in problems))
		self.assertEqual(validate_steps([]), ["A campaign needs at least one step."])


class TestGoalsAndExits(unittest.TestCase):
	today = date(2026, 11, 23)

	def test_suppression_comes_before_goals(self):
		cases = {
			ExitReason.DO_NOT_CONTACT: Person(do_not_contact=True, hired=True),
			ExitReason.UNSUBSCRIBED: Person(is_unsubscribed=True),
			ExitReason.BOUNCED: Person(has_bounced=True),
			ExitReason.CONSENT_LOST: Person(has_marketing_consent=False),
			ExitReason.PREFERENCES: Person(email_frequency="Important Only"),
		}
		for expected, person in cases.items():
			self.assertEqual(exit_reason(Goals(), person, self.today), expected)

	def test_expired_consent_is_lost_consent(self):
		person = Person(consent_expires_on=self.today - timedelta(days=1))
		self.assertEqual(exit_reason(Goals(), person, self.today), ExitReason.CONSENT_LOST)
		self.assertIsNone(exit_reason(Goals(), Person(consent_expires_on=self.today), self.today))

	def test_on_legitimate_interest_no_consent_is_needed_until_they_object(self):
		li = {"has_marketing_consent": False, "legitimate_interest": True}
		self.assertIsNone(exit_reason(Goals(), Person(**li), self.today))
		expired = Person(**li, consent_expires_on=self.today - timedelta(days=1))
		self.assertIsNone(exit_reason(Goals(), expired, self.today))
		self.assertEqual(
			exit_reason(Goals(), Person(**li, objected=True), self.today), ExitReason.CONSENT_LOST
		)
		# Consent given still counts after an earlier objection was lifted by it.
		self.assertIsNone(exit_reason(Goals(), Person(legitimate_interest=True, objected=True), self.today))

	def test_goals(self):
		self.assertEqual(
			exit_reason(Goals(), Person(applied_since_enrolment=True), self.today), ExitReason.APPLIED
		)
		self.assertEqual(exit_reason(Goals(), Person(replied=True), self.today), ExitReason.REPLIED)
		self.assertEqual(exit_reason(Goals(), Person(stage="Hired"), self.today), ExitReason.HIRED)
		self.assertEqual(
			exit_reason(Goals(goal_stage="Engaged"), Person(stage="Interviewing"), self.today),
			ExitReason.GOAL_STAGE,
		)

	def test_goals_that_are_switched_off_do_not_exit(self):
		goals = Goals(exit_on_apply=False, exit_on_reply=False)
		self.assertIsNone(exit_reason(goals, Person(applied_since_enrolment=True, replied=True), self.today))

	def test_stage_reached_follows_the_funnel(self):
		self.assertTrue(stage_reached("Offered", "Applied"))
		self.assertFalse(stage_reached("Contacted", "Applied"))
		self.assertFalse(stage_reached("Not Interested", "Applied"))

	def test_reentry(self):
		ended = MONDAY_10 - timedelta(days=10)
		self.assertFalse(may_reenter(ReentryPolicy.ONCE, ended, 0, MONDAY_10))
		self.assertTrue(may_reenter(ReentryPolicy.AFTER_DAYS, ended, 10, MONDAY_10))
		self.assertFalse(may_reenter(ReentryPolicy.AFTER_DAYS, ended, 11, MONDAY_10))

	def test_out_of_office_replies_are_recognised(self):
		self.assertTrue(is_auto_reply("Automatic reply: Your next role"))
		self.assertTrue(is_auto_reply("Re: Out of Office until Monday"))
		self.assertTrue(is_auto_reply("Abwesenheit"))
		self.assertTrue(is_auto_reply("Thanks", {"Auto-Submitted": "auto-replied"}))
		self.assertFalse(is_auto_reply("Re: Your next role", {"Auto-Submitted": "no"}))
		self.assertFalse(is_auto_reply("Re: happy to talk, out of office next week though"))


class TestSendWindows(unittest.TestCase):
	window = SendWindow(start=time(9), end=time(17))

	def test_inside_the_window_sends_now(self):
		self.assertEqual(next_send_time(self.window, "UTC", MONDAY_10), MONDAY_10)

	def test_before_opening_waits_for_the_candidates_morning(self):
		# 10:00 UTC is 02:00 in Los Angeles (PST, UTC-8): wait for 09:00 local = 17:00 UTC
		self.assertEqual(
			next_send_time(self.window, "America/Los_Angeles", MONDAY_10),
			datetime(2026, 11, 23, 17, 0, tzinfo=UTC),
		)

	def test_after_closing_moves_to_the_next_working_day(self):
		# 10:00 UTC is 19:00 in Tokyo: next morning 09:00 JST = 00:00 UTC Tuesday
		self.assertEqual(
			next_send_time(self.window, "Asia/Tokyo", MONDAY_10), datetime(2026, 11, 24, 0, 0, tzinfo=UTC)
		)

	def test_weekends_are_skipped(self):
		friday_evening = datetime(2026, 11, 27, 18, 0, tzinfo=UTC)
		self.assertEqual(
			next_send_time(self.window, "UTC", friday_evening), datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
		)

	def test_company_holidays_are_skipped(self):
		window = SendWindow(holidays=frozenset({date(2026, 11, 23), date(2026, 11, 24)}))
		self.assertEqual(next_send_time(window, "UTC", MONDAY_10), datetime(2026, 11, 25, 9, tzinfo=UTC))

	def test_unknown_timezone_falls_back_to_the_campaign_default(self):
		window = SendWindow(default_tz="Asia/Tokyo")
		self.assertEqual(
			next_send_time(window, "Mars/Olympus", MONDAY_10), next_send_time(window, "Asia/Tokyo", MONDAY_10)
		)

	@settings(max_examples=200, deadline=None)
	@given(
		st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31)),
		st.sampled_from(["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney"]),
	)
	def test_the_next_send_time_is_never_early_and_always_inside_the_window(self, naive, tz):
		now = naive.replace(tzinfo=UTC)
		at = next_send_time(self.window, tz, now)
		self.assertGreaterEqual(at, now)
		local = at.astimezone(self.window.zone(tz))
		self.assertIn(local.weekday(), self.window.weekdays)
		self.assertTrue(time(9) <= local.time() < time(17))


class TestCaps(unittest.TestCase):
	def test_campaign_hourly_cap_defers_to_the_next_hour(self):
		rows = [(f"m{i}", "hr@x", "C") for i in range(5)]
		allowed, deferred = allocate(rows, {"C": Caps(per_campaign_per_hour=3)}, CapUsage(), MONDAY_10)
		self.assertEqual(allowed, ["m0", "m1", "m2"])
		self.assertEqual(set(deferred.values()), {MONDAY_10 + timedelta(hours=1)})

	def test_sender_daily_cap_counts_what_was_already_claimed_today(self):
		rows = [(f"m{i}", "hr@x", "C") for i in range(5)]
		usage = CapUsage(sender_today={"hr@x": 9})
		allowed, deferred = allocate(rows, {"C": Caps(per_sender_per_day=10)}, usage, MONDAY_10)
		self.assertEqual(allowed, ["m0"])
		self.assertEqual(deferred["m1"], datetime(2026, 11, 24, tzinfo=UTC))

	def test_caps_are_per_sender_and_per_campaign(self):
		rows = [("a", "s1", "C1"), ("b", "s2", "C2"), ("c", "s1", "C1")]
		caps = {"C1": Caps(per_campaign_per_hour=1), "C2": Caps(per_campaign_per_hour=1)}
		allowed, _ = allocate(rows, caps, CapUsage(), MONDAY_10)
		self.assertEqual(allowed, ["a", "b"])

	def test_no_caps_lets_everything_go(self):
		rows = [(f"m{i}", "s", "C") for i in range(100)]
		allowed, deferred = allocate(rows, {}, CapUsage(), MONDAY_10)
		self.assertEqual((len(allowed), deferred), (100, {}))

	def test_frequency_preference(self):
		last = MONDAY_10 - timedelta(days=3)
		self.assertEqual(frequency_hold("Weekly", last, MONDAY_10), last + timedelta(days=7))
		self.assertIsNone(frequency_hold("Any", last, MONDAY_10))
		self.assertIsNone(frequency_hold("Monthly", None, MONDAY_10))


class TestAB(unittest.TestCase):
	def test_assignment_is_stable_and_matches_sql_crc32(self):
		for i in range(200):
			v = variant_for(f"enr{i}", "k1", 50)
			self.assertEqual(v, variant_for(f"enr{i}", "k1", 50))
			expected = "B" if zlib.crc32(f"enr{i}:k1".encode()) % 100 < 50 else "A"
			self.assertEqual(v, expected)

	def test_split_is_roughly_the_requested_share(self):
		b = sum(variant_for(f"e{i}", "k", 30) == "B" for i in range(10000))
		self.assertTrue(2700 < b < 3300, b)
		self.assertEqual({variant_for(f"e{i}", "k", 0) for i in range(100)}, {"A"})

	def test_leading_variant_needs_enough_sends_and_a_real_difference(self):
		a = VariantResult("A", 200, 80, 20, 4)
		b = VariantResult("B", 200, 90, 30, 8)
		self.assertEqual(leading_variant([a, b]), "B")
		self.assertIsNone(leading_variant([a, VariantResult("B", 50, 40, 30, 20)]))
		self.assertIsNone(leading_variant([a, VariantResult("B", 200, 80, 20, 4)]))


class TestForecast(unittest.TestCase):
	steps = [email(1), wait(2, 2), email(3)]

	def test_email_path_follows_the_no_engagement_branch(self):
		steps = [email(1), wait(2, 2), branch(3, BranchCondition.OPENED, yes=5, no=4), email(4), email(5)]
		# step 4 falls through to step 5 as the steps are written
		self.assertEqual(email_path(steps), [(1, timedelta()), (4, timedelta(days=2)), (5, timedelta())])

	def test_hourly_cap_spreads_the_first_email_over_the_window(self):
		days = forecast(MONDAY_10, {"UTC": 100}, [email(1)], SendWindow(), Caps(per_campaign_per_hour=10))
		# 10:00..16:59 is 7 hourly slots of 10 on Monday, the other 30 on Tuesday
		self.assertEqual(days, [(date(2026, 11, 23), 70), (date(2026, 11, 24), 30)])

	def test_daily_cap_and_follow_up_after_the_wait(self):
		days = forecast(MONDAY_10, {"UTC": 30}, self.steps, SendWindow(), Caps(per_sender_per_day=20))
		self.assertEqual(
			days,
			[
				(date(2026, 11, 23), 20),
				(date(2026, 11, 24), 10),
				(date(2026, 11, 25), 20),
				(date(2026, 11, 26), 10),
			],
		)

	def test_every_person_gets_every_email_within_the_horizon(self):
		people = {"UTC": 500, "Asia/Tokyo": 300, "America/New_York": 200}
		days = forecast(MONDAY_10, people, self.steps, SendWindow(), Caps(per_campaign_per_hour=100), days=30)
		self.assertEqual(sum(n for _, n in days), 2000)


class TestCrashRecovery(unittest.TestCase):
	def test_only_the_first_unrecorded_message_of_a_dead_claim_is_unknown(self):
		self.assertEqual(resolve_dead_claim(["m3", "m4", "m5"]), (["m3"], ["m4", "m5"]))
		self.assertEqual(resolve_dead_claim([]), ([], []))
