"""Interview updates and cancellations in the calendar (RFC 5545/5546: same UID, higher SEQUENCE,
METHOD:CANCEL with STATUS:CANCELLED), their exactly-once keys, and working days for pipeline
email (weekends and holidays skipped). No frappe, no site."""

import unittest
from datetime import date, datetime, time, timedelta, timezone

from recruit_crm.domain import calendar
from recruit_crm.domain import pipeline_mail as pm
from recruit_crm.domain.pipeline_mail import ClaimFacts, Rule, Verdict

UTC = timezone.utc
A, B = "2026-03-03:09:00:00", "2026-03-04:14:00:00"


def parse_ics(text: str) -> dict[str, list[tuple[str, dict[str, str], str]]]:
	"""A small iCalendar reader: CRLF lines unfolded, then per component its properties as
	(name, parameters, value); enough to check what a calendar would read."""
	lines = text.replace("\r\n ", "").split("\r\n")
	assert lines[-1] == "", "every line ends with CRLF"
	components: dict[str, list] = {}
	stack: list[str] = []
	for line in lines[:-1]:
		head, value = line.split(":", 1)
		name, *params = head.split(";")
		if name == "BEGIN":
			stack.append(value)
			components.setdefault(value, [])
		elif name == "END":
			assert stack.pop() == value
		else:
			components[stack[-1]].append((name, dict(p.split("=", 1) for p in params), value))
	assert not stack
	return components


def props(component: list) -> dict[str, str]:
	return {name: value for name, _params, value in component}


class TestSequence(unittest.TestCase):
	def test_the_first_invitation_is_zero_and_the_same_slot_keeps_its_number(self):
		self.assertEqual(calendar.next_sequence([], A), 0)
		self.assertEqual(calendar.next_sequence([(A, 0)], A), 0, "a replay or a second automation")
		self.assertEqual(calendar.next_sequence([(A, 0), (B, 1)], B), 1)

	def test_a_new_slot_is_higher_than_anything_issued(self):
		self.assertEqual(calendar.next_sequence([(A, 0)], B), 1)
		self.assertEqual(calendar.next_sequence([(A, 0), (B, 1)], A), 2, "moved back: a new update")
		self.assertEqual(calendar.next_sequence([(A, 0), (None, 1)], A), 2, "reinstated after a cancel")

	def test_a_cancellation_is_higher_and_happens_once(self):
		self.assertIsNone(calendar.cancel_sequence([]), "nothing issued: nothing to withdraw")
		self.assertEqual(calendar.cancel_sequence([(A, 0)]), 1)
		self.assertEqual(calendar.cancel_sequence([(A, 0), (B, 1), (B, 1)]), 2)
		self.assertIsNone(calendar.cancel_sequence([(A, 0), (None, 1)]), "already cancelled")
		self.assertEqual(calendar.cancel_sequence([(A, 0), (None, 1), (A, 2)]), 3, "cancelled again")


class TestCancellationIcs(unittest.TestCase):
	def meeting(self, **values) -> calendar.Meeting:
		start, end = calendar.interview_window(date(2026, 3, 3), time(14, 30), time(15, 30), "Europe/Berlin")
		return calendar.Meeting(
			uid="HR-INT-0001@site", start=start, end=end, summary="Interview; Engineer, Berlin",
			attendee_email="ada@example.com", organizer_email="jobs@example.com", **values,
		)  # fmt: skip

	def test_update_and_cancel_replace_the_same_event(self):
		now = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
		invite = parse_ics(calendar.ics(self.meeting(sequence=0), now))
		update = parse_ics(calendar.ics(self.meeting(sequence=1), now))
		cancel = parse_ics(calendar.ics(self.meeting(sequence=2, cancelled=True), now))
		self.assertEqual(props(invite["VCALENDAR"])["METHOD"], "REQUEST")
		self.assertEqual(props(update["VCALENDAR"])["METHOD"], "REQUEST")
		self.assertEqual(props(cancel["VCALENDAR"])["METHOD"], "CANCEL")
		events = [props(c["VEVENT"]) for c in (invite, update, cancel)]
		self.assertEqual({e["UID"] for e in events}, {"HR-INT-0001@site"})
		self.assertEqual([int(e["SEQUENCE"]) for e in events], [0, 1, 2])
		self.assertEqual([e["STATUS"] for e in events], ["CONFIRMED", "CONFIRMED", "CANCELLED"])
		self.assertEqual(events[2]["DTSTART"], "20260303T133000Z", "the withdrawn slot, in UTC")
		self.assertEqual(events[2]["SUMMARY"], "Interview\\; Engineer\\, Berlin")
		attendee = next(p for p in cancel["VEVENT"] if p[0] == "ATTENDEE")
		self.assertEqual(attendee[2], "mailto:ada@example.com", "the cancellation names who it is for")

	def test_the_attachment_type_carries_the_method(self):
		self.assertIn("method=REQUEST;", calendar.content_type(self.meeting()))
		self.assertIn("method=CANCEL;", calendar.content_type(self.meeting(cancelled=True)))


class TestKeys(unittest.TestCase):
	def test_later_sequences_get_their_own_key_with_the_same_slot(self):
		first = pm.interview_key("auto", "HR-INT-1", A)
		again = pm.interview_key("auto", "HR-INT-1", A, 2)
		self.assertEqual(first, f"auto:HR-INT-1:{A}", "the first invitation's key is unchanged")
		self.assertNotEqual(first, again)
		self.assertEqual(pm.slot_of_key(again), A)

	def test_one_cancellation_key_per_interview_whatever_the_automation(self):
		key = pm.cancel_key("HR-INT-1", 1)
		self.assertEqual(key, "HR-INT-1:cancel:1")
		self.assertTrue(pm.is_cancel_key(key))
		self.assertFalse(pm.is_cancel_key(pm.interview_key("auto", "HR-INT-1", A)))
		self.assertFalse(pm.is_cancel_key("auto:stay1"))
		self.assertIsNone(pm.slot_of_key(key))

	def test_a_slot_parses_back(self):
		self.assertEqual(pm.parse_slot(A), (date(2026, 3, 3), time(9, 0)))
		self.assertIsNone(pm.parse_slot("stay-row-1"))
		self.assertIsNone(pm.parse_slot(None))


class TestCancellationVerdict(unittest.TestCase):
	def test_sent_while_the_interview_is_off_even_if_the_automation_was_switched_off(self):
		for facts in (
			ClaimFacts(pm.INTERVIEW_SCHEDULED, cancellation=True, interview_cancelled=True),
			ClaimFacts(pm.INTERVIEW_SCHEDULED, cancellation=True, interview_exists=False),
			ClaimFacts(
				pm.INTERVIEW_SCHEDULED, cancellation=True, interview_exists=False, automation_enabled=False
			),
		):
			self.assertEqual(pm.claim_verdict(facts), (Verdict.SEND, ""))

	def test_not_sent_when_back_on_started_or_the_person_is_off_limits(self):
		back_on = ClaimFacts(pm.INTERVIEW_SCHEDULED, cancellation=True)
		self.assertEqual(pm.claim_verdict(back_on), (Verdict.CANCEL, "The interview was reinstated."))
		started = ClaimFacts(
			pm.INTERVIEW_SCHEDULED, cancellation=True, interview_cancelled=True, interview_started=True
		)
		self.assertEqual(pm.claim_verdict(started)[0], Verdict.CANCEL)
		opted_out = ClaimFacts(
			pm.INTERVIEW_SCHEDULED, cancellation=True, interview_cancelled=True, do_not_contact=True
		)
		self.assertEqual(pm.claim_verdict(opted_out)[0], Verdict.SUPPRESS)


class TestWorkingDays(unittest.TestCase):
	friday = datetime(2026, 3, 6, 10, 30)

	def test_weekends_are_not_counted(self):
		self.assertEqual(pm.business_days_after(self.friday, 2), datetime(2026, 3, 10, 10, 30))
		self.assertEqual(pm.business_days_after(self.friday, 0), self.friday)
		saturday = datetime(2026, 3, 7, 12, 0)
		self.assertEqual(pm.business_days_after(saturday, 1), datetime(2026, 3, 9, 12, 0))

	def test_a_holiday_pushes_to_the_next_working_day(self):
		monday_off = frozenset({date(2026, 3, 9)})
		self.assertEqual(pm.business_days_after(self.friday, 2, monday_off), datetime(2026, 3, 11, 10, 30))
		tuesday_off = frozenset({date(2026, 3, 10)})
		self.assertEqual(
			pm.business_days_after(self.friday, 2, tuesday_off), datetime(2026, 3, 11, 10, 30),
			"the day it would land on is off: the next working day",
		)  # fmt: skip
		aware = self.friday.replace(tzinfo=UTC)
		self.assertEqual(pm.business_days_after(aware, 1).tzinfo, UTC)

	def test_only_business_hours_in_days_count_working_days(self):
		rejection = Rule("r", pm.ENTERS_STATE, "Rejected", delay=timedelta(days=2),
			send_window=pm.BUSINESS_HOURS, delay_in_days=True)  # fmt: skip
		holiday = frozenset({date(2026, 3, 9)})
		self.assertEqual(pm.due_after(rejection, self.friday, holiday), datetime(2026, 3, 11, 10, 30))
		any_time = Rule("r", pm.ENTERS_STATE, "Rejected", delay=timedelta(days=2), delay_in_days=True)
		self.assertEqual(pm.due_after(any_time, self.friday, holiday), datetime(2026, 3, 8, 10, 30))
		in_hours = Rule(
			"r", pm.ENTERS_STATE, "Rejected", delay=timedelta(hours=36), send_window=pm.BUSINESS_HOURS
		)
		self.assertEqual(pm.due_after(in_hours, self.friday, holiday), self.friday + timedelta(hours=36))

	def test_the_send_window_skips_holidays_too(self):
		from recruit_crm.domain.send_rules import next_send_time

		window = pm.business_hours("UTC", frozenset({date(2026, 3, 9)}))
		saturday = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)
		self.assertEqual(next_send_time(window, "UTC", saturday), datetime(2026, 3, 10, 9, 0, tzinfo=UTC))


if __name__ == "__main__":
	unittest.main()
