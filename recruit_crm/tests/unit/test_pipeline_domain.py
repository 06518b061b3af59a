"""Pipeline rules without a site: forward-only automatic moves, SLA levels, round robin, and
interview invitations (.ics) that parse back to the right moment."""

import unittest
from datetime import date, datetime, time, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from recruit_crm.domain import calendar
from recruit_crm.domain.pipeline import (
	SlaLevel,
	StageKind,
	default_pipeline,
	event_move,
	hear_back_by,
	next_recruiter,
	sla_level,
	status_move,
)

PIPELINE = default_pipeline()
NAMES = PIPELINE.names()


class TestAutomaticMoves(unittest.TestCase):
	def test_an_interview_moves_applied_and_screening_forward(self):
		self.assertEqual(event_move(PIPELINE, "Applied", StageKind.INTERVIEW).target, "Interview")
		self.assertEqual(event_move(PIPELINE, "Screening", StageKind.INTERVIEW).target, "Interview")

	def test_an_interview_never_pulls_an_offer_back_and_says_why(self):
		decision = event_move(PIPELINE, "Offer", StageKind.INTERVIEW)
		self.assertIsNone(decision.target)
		self.assertIn("never moves back", decision.reason)

	def test_closed_applications_are_reopened_by_people_only(self):
		decision = event_move(PIPELINE, "Rejected", StageKind.INTERVIEW)
		self.assertIsNone(decision.target)
		self.assertIn("only a person can reopen", decision.reason)

	def test_an_accepted_offer_means_hired_and_a_rejection_rejected(self):
		self.assertEqual(status_move(PIPELINE, "Offer", "Accepted").target, "Hired")
		self.assertEqual(status_move(PIPELINE, "Interview", "Rejected").target, "Rejected")
		self.assertEqual(
			status_move(PIPELINE, "Screening", "Replied"), status_move(PIPELINE, "Screening", "Replied")
		)
		self.assertIsNone(status_move(PIPELINE, "Screening", "Replied").target, "already in step")

	@given(st.sampled_from(NAMES), st.sampled_from(list(StageKind)))
	def test_automatic_moves_only_go_forward_along_the_workflow(self, current, kind):
		decision = event_move(PIPELINE, current, kind)
		if decision.target:
			self.assertTrue(PIPELINE.is_forward(current, decision.target))
			self.assertTrue(PIPELINE.reachable(current, decision.target))
			self.assertFalse(PIPELINE.state(current).is_closed)

	@given(st.sampled_from(NAMES), st.sampled_from(["Open", "Replied", "Hold", "Accepted", "Rejected"]))
	def test_status_moves_never_leave_a_closed_state(self, current, status):
		decision = status_move(PIPELINE, current, status)
		if PIPELINE.state(current).is_closed:
			self.assertIsNone(decision.target)

	def test_role_rules_come_from_the_transitions(self):
		self.assertIsNotNone(PIPELINE.move_to("Applied", "Rejected", ["Recruiter"]))
		self.assertIsNone(PIPELINE.move_to("Offer", "Hired", ["Recruiter"]))
		self.assertIsNotNone(PIPELINE.move_to("Offer", "Hired", ["HR Manager"]))
		self.assertIsNone(PIPELINE.move_to("Applied", "Hired", ["HR Manager"]), "no such transition")


class TestTimeInStage(unittest.TestCase):
	@given(
		st.floats(0, 100), st.one_of(st.none(), st.floats(0.5, 20)), st.one_of(st.none(), st.floats(0.5, 40))
	)
	def test_levels_are_ordered_by_the_days_waited(self, days, ideal, most):
		level = sla_level(days, ideal, most)
		if not ideal and not most:
			self.assertIsNone(level)
		elif most and days > most:
			self.assertEqual(level, SlaLevel.PAST_MAX)
		elif ideal and days > ideal:
			self.assertEqual(level, SlaLevel.PAST_IDEAL)
		else:
			self.assertEqual(level, SlaLevel.ON_TRACK)

	def test_candidates_hear_back_by_the_ideal_time(self):
		entered = datetime(2026, 12, 1, 9, 0)
		self.assertEqual(hear_back_by(entered, 3, 7), datetime(2026, 12, 4, 9, 0))
		self.assertEqual(hear_back_by(entered, None, 7), datetime(2026, 12, 8, 9, 0))
		self.assertIsNone(hear_back_by(entered, None, None))


class TestRoundRobin(unittest.TestCase):
	def test_never_assigned_first_then_the_longest_ago(self):
		t = datetime(2026, 12, 1)
		self.assertEqual(next_recruiter([("a", t), ("b", None)]), "b")
		self.assertEqual(next_recruiter([("a", t + timedelta(hours=1)), ("b", t)]), "b")
		self.assertEqual(next_recruiter([("a", None), ("b", None)]), "a", "list order on ties")
		self.assertIsNone(next_recruiter([]))

	@given(st.integers(2, 6), st.integers(1, 60))
	def test_assignments_are_shared_evenly(self, people, applications):
		last = {f"r{i}": None for i in range(people)}
		counts = dict.fromkeys(last, 0)
		t = datetime(2026, 1, 1)
		for n in range(applications):
			chosen = next_recruiter(list(last.items()))
			counts[chosen] += 1
			last[chosen] = t + timedelta(minutes=n)
		self.assertLessEqual(max(counts.values()) - min(counts.values()), 1)


def parse_ics(text: str) -> dict[str, str]:
	"""Unfold (RFC 5545 3.1) and read NAME:VALUE lines (parameters dropped)."""
	unfolded = text.replace("\r\n ", "")
	fields = {}
	for line in unfolded.split("\r\n"):
		if ":" in line:
			name, value = line.split(":", 1)
			fields.setdefault(name.split(";")[0], value)
	return fields


class TestInvitations(unittest.TestCase):
	def meeting(self, **values):
		start, end = calendar.interview_window(date(2026, 3, 3), timedelta(hours=14, minutes=30), time(15, 30),
			"Europe/Berlin")  # fmt: skip
		return calendar.Meeting(uid="interview-1@rc", start=start, end=end, summary="Interview", **values)

	def test_the_invitation_parses_back_to_the_same_utc_moment(self):
		text = calendar.ics(self.meeting(), datetime(2026, 3, 1, tzinfo=timezone.utc))
		fields = parse_ics(text)
		self.assertEqual(fields["DTSTART"], "20260303T133000Z")
		self.assertEqual(fields["DTEND"], "20260303T143000Z")
		self.assertEqual(fields["METHOD"], "REQUEST")
		self.assertTrue(all(len(line.encode()) <= 75 for line in text.split("\r\n")), "lines are folded")

	@given(st.text(min_size=1, max_size=300))
	def test_any_text_stays_inside_its_property(self, summary):
		meeting = self.meeting(description=summary, location=summary)
		text = calendar.ics(meeting, datetime(2026, 3, 1, tzinfo=timezone.utc))
		self.assertEqual(text.count("BEGIN:VEVENT"), 1)
		unfolded = text.replace("\r\n ", "")
		names = [line.split(":", 1)[0].split(";")[0] for line in unfolded.split("\r\n") if line]
		self.assertEqual(names.count("DESCRIPTION"), 1, "no injected properties")
		self.assertNotIn("END:VCALENDAR\r\nBEGIN", text)

	def test_the_candidate_reads_their_own_time(self):
		start, _end = calendar.interview_window(date(2026, 3, 3), time(14, 30), None, "Europe/Berlin")
		self.assertEqual(
			calendar.local_time_text(start, "America/New_York"),
			"Tuesday 3 March 2026, 08:30 (America/New_York)",
		)
		self.assertIn("calendar.google.com", calendar.google_calendar_link(self.meeting()))
