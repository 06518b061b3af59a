"""Demo histories (no frappe, no site): every story the demo tells must be one that could happen.

A recruiter looking at a demo site notices at once an interview before the application, an email
opened before it was sent, a hire after a rejected interview or a withdrawn consent that still
counts; and a demo that is different every time cannot be shown twice. These tests hold the pure
generator to those rules, for any seed.
"""

import random
import unittest
from collections import Counter
from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from recruit_crm.domain.consent import add_months
from recruit_crm.domain.demo_history import (
	APPLIED,
	BOUNCED,
	DAYS_PER_MONTH,
	DECLINED,
	DELIVERED,
	MARKETING,
	OPENED,
	PERSONAS,
	SENT,
	UNSUBSCRIBED,
	History,
	Openings,
	OpeningWindow,
	application_path,
	email_outcome,
	months_between,
	person_history,
)
from recruit_crm.domain.demo_hrms_plan import hiring_pipeline
from recruit_crm.domain.types import ApplicationStatus, CrmStage

NOW = datetime(2026, 6, 15, 14, 30)
DECIDED = {ApplicationStatus.REJECTED.value, ApplicationStatus.ACCEPTED.value, ApplicationStatus.HOLD.value}
STAGES_BEFORE_APPLYING = {
	CrmStage.PROSPECT.value,
	CrmStage.CONTACTED.value,
	CrmStage.ENGAGED.value,
	CrmStage.NOT_INTERESTED.value,
}


def openings(now: datetime = NOW) -> Openings:
	"""A catalogue like the demo's: most roles posted in the last months, a few closed long ago."""
	return Openings(
		[
			OpeningWindow(now - timedelta(days=400)),
			OpeningWindow(now - timedelta(days=200)),
			OpeningWindow(now - timedelta(days=30)),
			OpeningWindow(now - timedelta(days=5)),
			OpeningWindow(now - timedelta(days=500), now - timedelta(days=380)),
			OpeningWindow(now - timedelta(days=300), now - timedelta(days=160)),
		]
	)


def histories(seed: int, count: int, months: int = 18, now: datetime = NOW) -> list[History]:
	rnd = random.Random(seed)
	catalogue = openings(now)
	return [person_history(rnd, now, months, catalogue, contents=6) for _ in range(count)]


seeds = st.integers(min_value=0, max_value=2**32)
moments = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31))


class TestOneHistoryIsPlausible(unittest.TestCase):
	@settings(max_examples=60, deadline=None)
	@given(seed=seeds, months=st.integers(min_value=1, max_value=36), now=moments)
	def test_everything_happens_inside_the_window_and_in_order(self, seed, months, now):
		for h in histories(seed, 25, months, now):
			earliest = now - timedelta(days=months * DAYS_PER_MONTH + 1)
			self.assertTrue(earliest <= h.first_seen <= now)
			times = [t.at for t in h.touches]
			self.assertEqual(times, sorted(times), "touchpoints are told in the order they happened")
			self.assertTrue(all(h.first_seen <= at <= now for at in times))
			for a in h.applications:
				self.assertTrue(h.first_seen <= a.applied_at <= now)
			for c in h.consents:
				self.assertTrue(h.first_seen <= c.given_at <= now)
				if c.withdrawn_at:
					self.assertTrue(c.given_at <= c.withdrawn_at <= now)

	@settings(max_examples=60, deadline=None)
	@given(seed=seeds)
	def test_applications_go_to_openings_that_took_them(self, seed):
		catalogue = openings()
		for h in histories(seed, 40):
			self.assertEqual(len({a.opening for a in h.applications}), len(h.applications))
			applied = [t for t in h.touches if t.kind == APPLIED]
			self.assertEqual(len(applied), len(h.applications), "each application leaves one Applied touch")
			for a in h.applications:
				self.assertTrue(catalogue.windows[a.opening].is_open_at(a.applied_at))
				if catalogue.is_closed(a.opening):
					self.assertIn(a.status, DECIDED, "a closed opening has no open applications")
				if (NOW - a.applied_at).days <= 14:
					self.assertNotIn(a.status, {"Accepted", "Hold"}, "nobody is hired in a fortnight")
			for t in applied:
				self.assertEqual(t.at, h.applications[t.application].applied_at)
				self.assertEqual(t.opening, h.applications[t.application].opening)

	@settings(max_examples=60, deadline=None)
	@given(seed=seeds)
	def test_emails_are_answered_only_after_they_arrive(self, seed):
		for h in histories(seed, 40):
			kinds = Counter(t.kind for t in h.touches)
			self.assertLessEqual(kinds[DELIVERED], kinds[SENT])
			self.assertLessEqual(kinds[OPENED], kinds[DELIVERED])
			sent = [t.at for t in h.touches if t.kind == SENT]
			for t in h.touches:
				if t.kind in (DELIVERED, OPENED):
					self.assertTrue(sent and min(sent) <= t.at)

	@settings(max_examples=60, deadline=None)
	@given(seed=seeds, validity=st.sampled_from((0, 6, 12, 24)))
	def test_consent_and_contact_flags_agree_with_the_ledger(self, seed, validity):
		rnd = random.Random(seed)
		catalogue = openings()
		for _ in range(40):
			h = person_history(rnd, NOW, 18, catalogue, 6, validity)
			for c in h.consents:
				expected = add_months(c.given_at.date(), validity) if validity else None
				self.assertEqual(c.expires_on, expected)
				self.assertEqual(c.withdrawn_at is None, c.withdrawal_method is None)
			if h.do_not_contact:
				self.assertEqual(h.crm_stage, CrmStage.NOT_INTERESTED.value)
				self.assertTrue(
					all(c.withdrawn_at for c in h.consents), "Do Not Contact withdraws everything"
				)
			if h.is_unsubscribed:
				self.assertTrue(any(t.kind == UNSUBSCRIBED for t in h.touches))
				self.assertTrue(all(c.withdrawn_at for c in h.consents if c.purpose == MARKETING))
			self.assertEqual(h.has_bounced, any(t.kind == BOUNCED for t in h.touches))
			self.assertIn(h.crm_stage, STAGES_BEFORE_APPLYING)
			if h.persona == DECLINED:
				self.assertEqual(h.crm_stage, CrmStage.NOT_INTERESTED.value)
			if h.crm_stage == CrmStage.PROSPECT.value:
				self.assertFalse(any(t.direction == "Outbound" for t in h.touches))


class TestRepeatable(unittest.TestCase):
	@settings(max_examples=25, deadline=None)
	@given(seed=seeds)
	def test_the_same_seed_tells_the_same_stories(self, seed):
		self.assertEqual(histories(seed, 30), histories(seed, 30))

	def test_another_seed_tells_other_stories(self):
		self.assertNotEqual(histories(1, 30), histories(2, 30))


class TestTheCrowdLooksReal(unittest.TestCase):
	"""What a recruiter sees across a demo's people: variety, not one kind of person."""

	@classmethod
	def setUpClass(cls):
		cls.people = histories(7, 3000)

	def test_every_persona_appears_near_its_share(self):
		personas = Counter(h.persona for h in self.people)
		for persona in PERSONAS:
			self.assertAlmostEqual(personas[persona.name] / len(self.people), persona.share, delta=0.04)

	def test_stages_and_application_statuses_are_mixed(self):
		stages = Counter(h.crm_stage for h in self.people)
		self.assertEqual(set(stages), STAGES_BEFORE_APPLYING)
		statuses = Counter(a.status for h in self.people for a in h.applications)
		self.assertEqual(set(statuses), {s.value for s in ApplicationStatus})
		self.assertGreater(
			statuses["Rejected"], statuses["Accepted"], "most applications do not end in a hire"
		)

	def test_touchpoints_spread_over_the_whole_window(self):
		months = {(t.at.year, t.at.month) for h in self.people for t in h.touches}
		self.assertGreaterEqual(len(months), 18)
		first = min(h.first_seen for h in self.people)
		self.assertLessEqual(months_between(first, NOW), 19)
		recent = sum(1 for h in self.people if any(NOW - t.at < timedelta(days=28) for t in h.touches))
		self.assertGreater(recent / len(self.people), 0.1, "some people are active right now")

	def test_consent_is_mixed(self):
		with_marketing = sum(1 for h in self.people if any(c.purpose == MARKETING for c in h.consents))
		without_any = sum(1 for h in self.people if not h.consents)
		self.assertTrue(0.15 < with_marketing / len(self.people) < 0.6)
		self.assertTrue(0.2 < without_any / len(self.people) < 0.8)
		self.assertTrue(any(h.is_unsubscribed for h in self.people))
		self.assertTrue(any(h.do_not_contact for h in self.people))
		self.assertTrue(any(c.withdrawn_at for h in self.people for c in h.consents))
		self.assertTrue(
			any(c.expires_on and c.expires_on < NOW.date() for h in self.people for c in h.consents)
		)


class TestEmailOutcome(unittest.TestCase):
	@settings(max_examples=200, deadline=None)
	@given(
		seed=seeds,
		sent_ago=st.floats(min_value=0, max_value=400),
		responsiveness=st.floats(min_value=0, max_value=1),
		marketing=st.booleans(),
	)
	def test_answers_follow_the_email_and_never_lie_in_the_future(
		self, seed, sent_ago, responsiveness, marketing
	):
		sent = NOW - timedelta(days=sent_ago)
		o = email_outcome(random.Random(seed), sent, NOW, responsiveness, marketing=marketing)
		if o.bounced:
			self.assertEqual((o.opened_at, o.clicked_at, o.replied_at), (None, None, None))
		for at in (o.opened_at, o.clicked_at, o.replied_at):
			if at is not None:
				self.assertTrue(sent < at <= NOW)
				self.assertIsNotNone(o.opened_at, "a click or reply means the email was opened")
				self.assertLessEqual(o.opened_at, at)

	def test_warm_people_answer_more_than_cold_ones_and_marketing_less_than_recruiters(self):
		def opens(responsiveness, marketing):
			rnd = random.Random(3)
			sent = NOW - timedelta(days=30)
			return sum(
				1
				for _ in range(4000)
				if email_outcome(rnd, sent, NOW, responsiveness, marketing=marketing).opened_at
			)

		self.assertGreater(opens(0.9, False), opens(0.1, False))
		self.assertGreater(opens(0.5, False), opens(0.5, True))


class TestHiringPipeline(unittest.TestCase):
	@settings(max_examples=300, deadline=None)
	@given(seed=seeds, applied_ago=st.floats(min_value=0, max_value=200))
	def test_the_pipeline_is_a_story_that_could_happen(self, seed, applied_ago):
		applied = NOW - timedelta(days=applied_ago)
		p = hiring_pipeline(random.Random(seed), applied, NOW)
		times = [i.at for i in p.interviews]
		self.assertEqual(times, sorted(times))
		self.assertEqual([i.round for i in p.interviews], list(range(len(p.interviews))))
		self.assertTrue(all(applied < at <= NOW for at in times))
		self.assertTrue(all(i.status != "Rejected" for i in p.interviews[:-1]), "a rejection ends it")
		rejected_in_interview = bool(p.interviews) and p.interviews[-1].status == "Rejected"
		if rejected_in_interview:
			self.assertEqual(p.status, ApplicationStatus.REJECTED.value)
			self.assertIsNone(p.offer_at)
		if p.offer_at:
			self.assertTrue(p.interviews and all(i.status == "Cleared" for i in p.interviews))
			self.assertTrue(times[-1] < p.offer_at <= NOW)
			expected = {"Accepted": "Accepted", "Rejected": "Rejected", "Awaiting Response": "Replied"}
			self.assertEqual(p.status, expected[p.offer_status])
		else:
			self.assertIsNone(p.offer_status)
		if p.hired_on:
			self.assertEqual(p.offer_status, "Accepted")
			self.assertTrue(p.offer_at.date() < p.hired_on <= NOW.date())
		if p.status == ApplicationStatus.ACCEPTED.value:
			self.assertEqual(p.offer_status, "Accepted")
		for i in p.interviews:
			self.assertTrue(0 <= i.rating <= 1)
			if i.status == "Cleared":
				self.assertGreaterEqual(i.rating, 0.65)

	def test_old_applications_reach_every_outcome(self):
		rnd = random.Random(11)
		outcomes = Counter(
			(p.status, p.offer_status, p.hired_on is not None)
			for p in (hiring_pipeline(rnd, NOW - timedelta(days=120), NOW) for _ in range(500))
		)
		self.assertIn(("Rejected", None, False), outcomes)
		self.assertIn(("Rejected", "Rejected", False), outcomes)
		self.assertIn(("Accepted", "Accepted", True), outcomes)

	def test_a_fresh_application_has_no_interview_yet(self):
		p = hiring_pipeline(random.Random(1), NOW - timedelta(hours=1), NOW)
		self.assertEqual((p.interviews, p.offer_at, p.status), ((), None, "Open"))


# The order a set-based application moves through the pipeline (StageKind values).
PIPELINE_ORDER = ("Applied", "Screening", "Interview", "Offer")
STATUSES = [s.value for s in (ApplicationStatus.OPEN, ApplicationStatus.REPLIED, ApplicationStatus.HOLD,
	ApplicationStatus.REJECTED, ApplicationStatus.ACCEPTED)]  # fmt: skip


class TestApplicationPath(unittest.TestCase):
	"""Set-based applications carry the pipeline stages a recruiter would have moved them through."""

	@settings(max_examples=300, deadline=None)
	@given(seed=seeds, applied_ago=st.floats(min_value=0, max_value=400), status=st.sampled_from(STATUSES))
	def test_the_stages_tell_a_story_that_could_happen(self, seed, applied_ago, status):
		applied = NOW - timedelta(days=applied_ago)
		stages, hired_on = application_path(random.Random(seed), applied, status, NOW)
		kinds = [k for k, _ in stages]
		times = [at for _, at in stages]
		self.assertEqual(stages[0], ("Applied", applied))
		self.assertEqual(times, sorted(times), "each stage is entered after the last")
		self.assertTrue(all(at <= NOW for at in times), "nothing happens in the future")
		open_part = [k for k in kinds if k in PIPELINE_ORDER]
		self.assertEqual(open_part, list(PIPELINE_ORDER[: len(open_part)]), "no stage is skipped")
		self.assertEqual(kinds[len(open_part) :], [] if len(open_part) == len(kinds) else kinds[-1:])
		last = kinds[-1]
		expected = {
			"Open": {"Applied"},
			"Hold": {"Screening"},
			"Replied": {"Screening", "Interview"},
			"Rejected": {"Rejected"},
			"Accepted": {"Hired"},
		}[status]
		self.assertIn(last, expected)
		if status == "Accepted":
			self.assertEqual(kinds, ["Applied", "Screening", "Interview", "Offer", "Hired"])
		if hired_on:
			self.assertEqual(status, "Accepted", "only an accepted offer leads to a first day at work")
			self.assertTrue(times[-1].date() <= hired_on <= NOW.date())

	def test_about_one_application_in_a_hundred_ends_in_a_hire(self):
		apps = [a for h in histories(5, 6000) for a in h.applications]
		hired = sum(1 for a in apps if a.hired_on)
		accepted = sum(1 for a in apps if a.status == ApplicationStatus.ACCEPTED.value)
		self.assertGreater(len(apps), 1000)
		self.assertTrue(0.004 < hired / len(apps) < 0.03, (hired, len(apps)))
		self.assertTrue(hired <= accepted < 0.05 * len(apps), (accepted, len(apps)))
		self.assertTrue(all(a.stages and a.stages[0] == ("Applied", a.applied_at) for a in apps))

	def test_interviews_offers_and_hires_are_in_the_history(self):
		for h in histories(8, 3000):
			touches = {(t.kind, t.application) for t in h.touches if t.application is not None}
			for index, a in enumerate(h.applications):
				kinds = [k for k, _ in a.stages]
				if "Offer" in kinds:
					self.assertIn(("Offer Made", index), touches)
				if "Hired" in kinds:
					self.assertIn(("Offer Accepted", index), touches)
				if a.hired_on and a.stages[-1][1] <= NOW:
					self.assertIn(("Hired", index), touches)


class TestOpenings(unittest.TestCase):
	@settings(max_examples=200, deadline=None)
	@given(at=st.datetimes(min_value=NOW - timedelta(days=700), max_value=NOW + timedelta(days=5)))
	def test_open_at_agrees_with_each_window(self, at):
		catalogue = openings()
		expected = tuple(i for i, w in enumerate(catalogue.windows) if w.is_open_at(at))
		self.assertEqual(catalogue.open_at(at), expected)

	def test_nothing_is_open_before_the_first_posting(self):
		self.assertEqual(openings().open_at(NOW - timedelta(days=900)), ())
		self.assertEqual(Openings([]).open_at(NOW), ())


class TestMonthsBetween(unittest.TestCase):
	def test_counts_calendar_months_inclusively(self):
		self.assertEqual(months_between(datetime(2025, 1, 31), datetime(2025, 1, 1)), 1)
		self.assertEqual(months_between(datetime(2024, 12, 31), datetime(2025, 1, 1)), 2)
		self.assertEqual(months_between(datetime(2024, 12, 15), datetime(2026, 5, 15)), 18)
