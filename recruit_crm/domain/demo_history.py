"""Believable recruiting histories for demo sites: who a person is to us, what happened between
us and them, and when.

Pure: a seeded `random.Random`, the moment `now` and the openings' windows come in; plain values
come out, so the same seed always tells the same stories. Every moment lies between the person's
first contact and `now`.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import accumulate
from typing import NamedTuple, TypeVar

from recruit_crm.domain.consent import add_months
from recruit_crm.domain.pipeline import StageKind
from recruit_crm.domain.types import (
	ApplicationStatus,
	ConsentMethod,
	ConsentPurpose,
	CrmStage,
	TouchpointChannel,
	TouchpointDirection,
	TouchpointType,
)

DAYS_PER_MONTH = 30.44
_T = TypeVar("_T")

IN, OUT = TouchpointDirection.INBOUND.value, TouchpointDirection.OUTBOUND.value
# Plain strings: generating 100k histories reads these millions of times.
SENT, DELIVERED, OPENED = (
	TouchpointType.EMAIL_SENT.value,
	TouchpointType.EMAIL_DELIVERED.value,
	TouchpointType.EMAIL_OPENED.value,
)
CLICKED, REPLIED = TouchpointType.EMAIL_CLICKED.value, TouchpointType.EMAIL_REPLIED.value
BOUNCED, UNSUBSCRIBED = TouchpointType.EMAIL_BOUNCED.value, TouchpointType.UNSUBSCRIBED.value
CALL, MEETING, MESSAGE = TouchpointType.CALL.value, TouchpointType.MEETING.value, TouchpointType.MESSAGE.value
EVENT, VISIT, FORM = (
	TouchpointType.EVENT_ATTENDED.value,
	TouchpointType.PORTAL_VISIT.value,
	TouchpointType.FORM_SUBMITTED.value,
)
CONTENT, APPLIED = TouchpointType.CONTENT_VIEWED.value, TouchpointType.APPLIED.value
INTERVIEWED, OFFER_MADE = TouchpointType.INTERVIEWED.value, TouchpointType.OFFER_MADE.value
OFFER_ACCEPTED, OFFER_DECLINED = TouchpointType.OFFER_ACCEPTED.value, TouchpointType.OFFER_DECLINED.value
HIRED_TOUCH = TouchpointType.HIRED.value
EMAIL, PHONE, PORTAL = (
	TouchpointChannel.EMAIL.value,
	TouchpointChannel.PHONE.value,
	TouchpointChannel.PORTAL.value,
)
HRMS = TouchpointChannel.HRMS.value


@dataclass(frozen=True)
class Persona:
	"""A kind of relationship, with how much of it happens and how warmly the person answers."""

	name: str
	share: float
	episodes: tuple[int, int]  # how many moments of contact, at least and at most
	responsiveness: tuple[float, float]  # drawn per person: how likely they open, click, reply
	recent: float  # chance of something in the last four weeks
	activities: tuple[tuple[str, float], ...]  # what those moments are, by weight
	pool_consent: float
	marketing_consent: float

	@property
	def activity_names(self) -> tuple[str, ...]:
		return tuple(a for a, _ in self.activities)

	@property
	def activity_weights(self) -> tuple[float, ...]:
		return tuple(accumulate(w for _, w in self.activities))


SOURCED, ENGAGED, APPLICANT, COMMUNITY, DECLINED = "sourced", "engaged", "applicant", "community", "declined"

PERSONAS: tuple[Persona, ...] = (
	Persona(SOURCED, 0.31, (0, 3), (0.05, 0.4), 0.06,
		(("email", 0.7), ("call", 0.2), ("message", 0.1)), 0.12, 0.08),
	Persona(ENGAGED, 0.15, (2, 6), (0.5, 1.0), 0.45,
		(("email", 0.3), ("visit", 0.25), ("content", 0.15), ("call", 0.12), ("meeting", 0.08), ("event", 0.1)),
		0.45, 0.45),
	Persona(APPLICANT, 0.34, (1, 4), (0.3, 0.8), 0.2,
		(("email", 0.35), ("visit", 0.3), ("call", 0.15), ("content", 0.1), ("meeting", 0.1)), 0.55, 0.3),
	Persona(COMMUNITY, 0.13, (1, 4), (0.3, 0.9), 0.3,
		(("visit", 0.4), ("content", 0.35), ("event", 0.15), ("email", 0.1)), 0.95, 0.8),
	Persona(DECLINED, 0.07, (1, 2), (0.2, 0.5), 0.02, (("email", 0.8), ("call", 0.2)), 0.1, 0.1),
)  # fmt: skip
PERSONA_BY_NAME = {p.name: p for p in PERSONAS}
_PERSONA_WEIGHTS = tuple(accumulate(p.share for p in PERSONAS))
_ACTIVITIES = {p.name: (p.activity_names, p.activity_weights) for p in PERSONAS}


class OpeningWindow(NamedTuple):
	"""When a job opening took applications: from its posting until it closed (None: still open)."""

	posted_at: datetime
	closed_at: datetime | None = None

	def is_open_at(self, moment: datetime) -> bool:
		return self.posted_at <= moment and (self.closed_at is None or moment < self.closed_at)


class Openings:
	"""Which openings took applications at any moment, answered by a binary search."""

	def __init__(self, windows: Sequence[OpeningWindow]):
		self.windows = tuple(windows)
		edges = sorted({w.posted_at for w in windows} | {w.closed_at for w in windows if w.closed_at})
		self._edges = edges
		# open sets for (-inf, e0), [e0, e1), ..., [e_last, +inf)
		probes = [edges[0] - timedelta(seconds=1)] if edges else []
		probes += edges
		self._open = [tuple(i for i, w in enumerate(windows) if w.is_open_at(p)) for p in probes] or [()]

	def __len__(self) -> int:
		return len(self.windows)

	def open_at(self, moment: datetime) -> tuple[int, ...]:
		"""Indexes of the openings that took applications at `moment`."""
		return self._open[bisect_right(self._edges, moment)]

	def is_closed(self, index: int) -> bool:
		return self.windows[index].closed_at is not None


class Touch(NamedTuple):
	"""One touchpoint; `opening`, `application` and `content` index the lists they refer to."""

	kind: str
	at: datetime
	channel: str
	direction: str
	by_recruiter: bool = False
	opening: int | None = None
	application: int | None = None
	content: int | None = None
	details: str | None = None


class Application(NamedTuple):
	opening: int
	applied_at: datetime
	status: str
	# The pipeline stages (StageKind values) it went through, with when each was entered; the
	# last is where it stands now. Always starts with Applied at `applied_at`.
	stages: tuple[tuple[str, datetime], ...] = ()
	hired_on: date | None = None  # an accepted offer whose start date has come: the person works here


class Consent(NamedTuple):
	"""One ledger entry: given with evidence, perhaps withdrawn later; expired when past `expires_on`."""

	purpose: str
	method: str
	given_at: datetime
	expires_on: date | None
	form: str
	withdrawn_at: datetime | None = None
	withdrawal_method: str | None = None


@dataclass
class History:
	persona: str
	first_seen: datetime
	responsiveness: float
	crm_stage: str = CrmStage.PROSPECT.value
	touches: list[Touch] = field(default_factory=list)
	applications: list[Application] = field(default_factory=list)
	consents: list[Consent] = field(default_factory=list)
	is_unsubscribed: bool = False
	has_bounced: bool = False
	do_not_contact: bool = False


class EmailOutcome(NamedTuple):
	"""What became of one email: delivered (or bounced), then perhaps opened, clicked, replied to."""

	bounced: bool
	opened_at: datetime | None = None
	clicked_at: datetime | None = None
	replied_at: datetime | None = None


def _weighted(rnd: random.Random, options: Sequence[_T], cumulative: Sequence[float]) -> _T:
	"""One of `options` by cumulative weights (what random.choices does, without its set-up per call)."""
	return options[bisect_right(cumulative, rnd.random() * cumulative[-1])]


def pick_persona(rnd: random.Random) -> Persona:
	"""A persona drawn by its share."""
	return _weighted(rnd, PERSONAS, _PERSONA_WEIGHTS)


def first_contact(rnd: random.Random, now: datetime, months: int) -> datetime:
	"""When we first met the person: anywhere in the last `months`, a little more often lately."""
	return now - timedelta(days=months * DAYS_PER_MONTH * rnd.random() ** 1.15)


def between(rnd: random.Random, start: datetime, end: datetime) -> datetime:
	"""A moment in [start, end], to the second."""
	if end <= start:
		return start
	return start + timedelta(seconds=int((end - start).total_seconds() * rnd.random()))


def email_outcome(
	rnd: random.Random, sent_at: datetime, now: datetime, responsiveness: float, *, marketing: bool = False
) -> EmailOutcome:
	"""Opens, clicks and replies that a person of this responsiveness gives one email, none after `now`.

	Marketing email is opened less and answered far less than a recruiter's own message.
	"""
	if rnd.random() < 0.012:
		return EmailOutcome(True)
	open_rate = min(0.9, 0.12 + 0.6 * responsiveness) * (0.75 if marketing else 1.0)
	if rnd.random() >= open_rate:
		return EmailOutcome(False)
	opened = sent_at + timedelta(minutes=rnd.expovariate(1 / 240) + 2)
	clicked = replied = None
	if rnd.random() < 0.2 + 0.35 * responsiveness:
		clicked = opened + timedelta(seconds=5 + 600 * rnd.random())
	if rnd.random() < (0.04 + 0.09 * responsiveness if marketing else 0.12 + 0.3 * responsiveness):
		replied = opened + timedelta(minutes=rnd.expovariate(1 / 600) + 5)
	return EmailOutcome(
		False,
		opened if opened <= now else None,
		clicked if clicked and clicked <= now else None,
		replied if replied and replied <= now else None,
	)


_S = ApplicationStatus
_STATUS_MIXES: dict[str, tuple[tuple[str, ...], tuple[float, ...]]] = {
	name: (tuple(s.value for s, _ in mix), tuple(accumulate(w for _, w in mix)))
	for name, mix in (
		("closed", ((_S.REJECTED, 0.94), (_S.ACCEPTED, 0.02), (_S.HOLD, 0.04))),
		("old", ((_S.REJECTED, 0.635), (_S.HOLD, 0.13), (_S.REPLIED, 0.12), (_S.OPEN, 0.1), (_S.ACCEPTED, 0.015))),
		("weeks", ((_S.OPEN, 0.35), (_S.REPLIED, 0.3), (_S.REJECTED, 0.23), (_S.HOLD, 0.1), (_S.ACCEPTED, 0.02))),
		("new", ((_S.OPEN, 0.75), (_S.REPLIED, 0.2), (_S.REJECTED, 0.05))),
	)
}  # fmt: skip


def application_status(rnd: random.Random, applied_at: datetime, now: datetime, opening_closed: bool) -> str:
	"""Where an application stands today: recent ones are open, old ones mostly decided.

	About one in fifty to seventy decided applications ends in an accepted offer (HRMS status
	Accepted): most of those people have started work since, the latest are about to.
	"""
	age = (now - applied_at).days
	mix = "closed" if opening_closed else "old" if age > 60 else "weeks" if age > 14 else "new"
	return _weighted(rnd, *_STATUS_MIXES[mix])


_K = StageKind
APPLIED_STAGE, SCREENING_STAGE, INTERVIEW_STAGE = _K.APPLIED.value, _K.SCREENING.value, _K.INTERVIEW.value
OFFER_STAGE, HIRED_STAGE, REJECTED_STAGE = _K.OFFER.value, _K.HIRED.value, _K.REJECTED.value
# Where a rejection happens, by cumulative share: after screening, after interviews, or the
# person turned the offer down.
_REJECTED_AFTER = ((SCREENING_STAGE, INTERVIEW_STAGE, OFFER_STAGE), (0.55, 0.9, 1.0))


def application_path(
	rnd: random.Random, applied_at: datetime, status: str, now: datetime
) -> tuple[tuple[tuple[str, datetime], ...], date | None]:
	"""The pipeline stages an application went through to stand at `status` today, and the day
	the person started work if it ended in a hire that has begun.

	Open: just applied. Hold: screened. Replied: screening or interviews. Rejected: after
	screening, interviews or a declined offer. Accepted: every stage to Hired (the offer taken),
	then a start date two to six weeks later. Each stage is entered after the last, none after `now`.
	"""
	stages = [(APPLIED_STAGE, applied_at)]
	if status == _S.OPEN.value:
		return tuple(stages), None

	def enter(kind: str, low: float, high: float) -> datetime:
		at = min(now, stages[-1][1] + timedelta(days=low + (high - low) * rnd.random()))
		stages.append((kind, at))
		return at

	enter(SCREENING_STAGE, 0.5, 5)
	if status == _S.HOLD.value:
		return tuple(stages), None
	if status == _S.REPLIED.value:
		if rnd.random() < 0.45:
			enter(INTERVIEW_STAGE, 3, 12)
		return tuple(stages), None
	if status == _S.REJECTED.value:
		reached = _weighted(rnd, *_REJECTED_AFTER)
		if reached != SCREENING_STAGE:
			enter(INTERVIEW_STAGE, 3, 12)
		if reached == OFFER_STAGE:
			enter(OFFER_STAGE, 5, 15)
		enter(REJECTED_STAGE, 1, 12)
		return tuple(stages), None
	enter(INTERVIEW_STAGE, 3, 12)
	enter(OFFER_STAGE, 5, 15)
	accepted = enter(HIRED_STAGE, 1, 5)
	starts = (accepted + timedelta(days=14 + 28 * rnd.random())).date()
	return tuple(stages), starts if starts <= now.date() else None


def pipeline_touches(rnd: random.Random, application: Application, index: int, now: datetime) -> list[Touch]:
	"""What HRMS would have captured along an application's stages: the interview held, the
	offer made and answered, the first day at work."""
	touches = []
	stages = application.stages
	for position, (kind, at) in enumerate(stages):
		after = stages[position + 1] if position + 1 < len(stages) else None
		if kind == INTERVIEW_STAGE:
			held = at + timedelta(days=2 + 6 * rnd.random())
			if after and held > after[1]:
				held = at + (after[1] - at) * 0.8
			if held <= now:
				touches.append(
					Touch(INTERVIEWED, held, HRMS, OUT, True, application.opening, index, details="Interview")
				)
		elif kind == OFFER_STAGE:
			touches.append(Touch(OFFER_MADE, at, HRMS, OUT, True, application.opening, index))
			if after and after[0] == REJECTED_STAGE:
				touches.append(Touch(OFFER_DECLINED, after[1], HRMS, IN, False, application.opening, index))
		elif kind == HIRED_STAGE:
			touches.append(Touch(OFFER_ACCEPTED, at, HRMS, IN, False, application.opening, index))
	if application.hired_on:
		first_day = min(now, datetime.combine(application.hired_on, stages[-1][1].time()).replace(hour=9))
		touches.append(
			Touch(HIRED_TOUCH, max(first_day, stages[-1][1]), HRMS, IN, False, application.opening, index,
				details="Hired")
		)  # fmt: skip
	return touches


def person_history(
	rnd: random.Random,
	now: datetime,
	months: int,
	openings: Openings,
	contents: int = 0,
	consent_months: int = 12,
) -> History:
	"""Everything that happened between us and one person over the last `months`."""
	persona = pick_persona(rnd)
	start = first_contact(rnd, now, months)
	lo, hi = persona.responsiveness
	h = History(persona.name, start, lo + (hi - lo) * rnd.random())
	moments = _moments(rnd, persona, start, now)
	if persona.name == COMMUNITY:
		h.touches.append(Touch(FORM, start, PORTAL, IN, details="Talent community sign-up"))
	names, weights = _ACTIVITIES[persona.name]
	for at in moments:
		h.touches.extend(
			_activity(rnd, _weighted(rnd, names, weights), at, now, h.responsiveness, openings, contents)
		)
	if persona.name == APPLICANT:
		_apply(rnd, h, now, openings)
	if persona.name == DECLINED:
		said_no = min(now, (moments[0] if moments else start) + timedelta(days=0.2 + 6 * rnd.random()))
		h.touches.append(Touch(REPLIED, said_no, EMAIL, IN, details="Not looking right now"))
	_consent(rnd, h, persona, now, consent_months)
	h.touches = sorted((t for t in h.touches if start <= t.at <= now), key=_when)
	h.crm_stage = _stage_before_applications(h)
	return h


def _when(touch: Touch) -> datetime:
	return touch.at


def _moments(rnd: random.Random, persona: Persona, start: datetime, now: datetime) -> list[datetime]:
	"""Moments of contact: the first at `start`, then every few weeks, sometimes one lately."""
	low, high = persona.episodes
	count = low + int((high - low + 1) * rnd.random())
	moments, at = [], start
	for _ in range(count):
		if at > now:
			break
		moments.append(at)
		at += timedelta(days=rnd.expovariate(1 / 45) + 1)
	if moments and rnd.random() < persona.recent:
		moments.append(between(rnd, max(start, now - timedelta(days=28)), now))
	return moments


def _open_opening(rnd: random.Random, openings: Openings, at: datetime) -> int | None:
	candidates = openings.open_at(at)
	return candidates[int(len(candidates) * rnd.random())] if candidates else None


_EVENTS = ("Tech meetup", "Campus career fair", "Open house", "Webinar: life at the company")
_RECRUITER_ACTIVITIES = {
	"call": (CALL, PHONE, "Intro call"),
	"meeting": (MEETING, TouchpointChannel.MEETING.value, "Coffee chat"),
	"message": (MESSAGE, TouchpointChannel.MESSAGING.value, "LinkedIn message"),
}


def _activity(
	rnd: random.Random,
	activity: str,
	at: datetime,
	now: datetime,
	responsiveness: float,
	openings: Openings,
	contents: int,
) -> list[Touch]:
	if activity == "email":
		return recruiter_email(rnd, at, now, responsiveness, openings)
	if activity == "visit":
		opening = _open_opening(rnd, openings, at) if rnd.random() < 0.55 else None
		return [Touch(VISIT, at, PORTAL, IN, opening=opening, details="/careers")]
	if activity == "content":
		content = int(contents * rnd.random()) if contents else None
		return [Touch(CONTENT, at, PORTAL, IN, content=content)]
	if activity == "event":
		event = _EVENTS[int(len(_EVENTS) * rnd.random())]
		return [Touch(EVENT, at, TouchpointChannel.EVENT.value, IN, details=event)]
	kind, channel, details = _RECRUITER_ACTIVITIES[activity]
	return [Touch(kind, at, channel, OUT, True, details=details)]


def recruiter_email(
	rnd: random.Random,
	at: datetime,
	now: datetime,
	responsiveness: float,
	openings: Openings | None,
	details: str = "Reaching out about a role",
) -> list[Touch]:
	"""A recruiter's email and what the person did with it (a click may land on an open job)."""
	touches = [Touch(SENT, at, EMAIL, OUT, True, details=details)]
	outcome = email_outcome(rnd, at, now, responsiveness)
	if outcome.bounced:
		return touches
	touches.append(Touch(DELIVERED, at + timedelta(seconds=2 + 90 * rnd.random()), EMAIL, IN))
	if outcome.opened_at:
		touches.append(Touch(OPENED, outcome.opened_at, EMAIL, IN))
	if outcome.clicked_at:
		opening = (
			_open_opening(rnd, openings, outcome.clicked_at) if openings and rnd.random() < 0.7 else None
		)
		touches.append(Touch(CLICKED, outcome.clicked_at, EMAIL, IN, opening=opening))
	if outcome.replied_at:
		touches.append(Touch(REPLIED, outcome.replied_at, EMAIL, IN))
	return touches


_APPLICATION_COUNTS = ((1, 2, 3), tuple(accumulate((0.7, 0.22, 0.08))))


def _apply(rnd: random.Random, h: History, now: datetime, openings: Openings) -> None:
	"""One to three applications, each to an opening that took applications at the time."""
	used: set[int] = set()
	for _ in range(_weighted(rnd, *_APPLICATION_COUNTS)):
		at = between(rnd, h.first_seen, now)
		opening = _open_opening(rnd, openings, at)
		if opening is None or opening in used:
			continue
		used.add(opening)
		status = application_status(rnd, at, now, openings.is_closed(opening))
		index = len(h.applications)
		if rnd.random() < 0.6:
			visit = at - timedelta(minutes=2 + 90 * rnd.random())
			h.touches.append(Touch(VISIT, visit, PORTAL, IN, opening=opening, details="/careers"))
		h.touches.append(Touch(APPLIED, at, HRMS, IN, opening=opening, application=index))
		if status != ApplicationStatus.OPEN.value:
			answer = at + timedelta(days=1 + 19 * rnd.random())
			h.touches.extend(
				recruiter_email(rnd, answer, now, h.responsiveness, None, "About your application")
			)
		stages, hired_on = application_path(rnd, at, status, now)
		application = Application(opening, at, status, stages, hired_on)
		h.applications.append(application)
		h.touches.extend(pipeline_touches(rnd, application, index, now))


_CONSENT_FORMS = {
	COMMUNITY: (ConsentMethod.WEB_FORM.value, "Talent community sign-up"),
	APPLICANT: (ConsentMethod.WEB_FORM.value, "Career site application form"),
	ENGAGED: (ConsentMethod.EMAIL_REPLY.value, "Reply to a recruiter's email"),
	SOURCED: (ConsentMethod.IMPORT.value, "Sourcing import (recruiter's notes)"),
	DECLINED: (ConsentMethod.RECRUITER.value, "Recruiter call notes"),
}
POOL, MARKETING = ConsentPurpose.TALENT_POOL.value, ConsentPurpose.MARKETING_EMAIL.value


def _consent(rnd: random.Random, h: History, persona: Persona, now: datetime, validity: int) -> None:
	"""Consent as people give it: on the form they used, for a while; some renew, withdraw or opt out."""
	method, form = _CONSENT_FORMS[persona.name]
	if h.applications:  # the application form carries the consent boxes
		given_at = min(a.applied_at for a in h.applications)
	else:
		given_at = min(now, h.first_seen + timedelta(days=10 * rnd.random()))
	for purpose, share in ((POOL, persona.pool_consent), (MARKETING, persona.marketing_consent)):
		if rnd.random() >= share:
			continue
		entry = Consent(
			purpose, method, given_at, add_months(given_at.date(), validity) if validity else None, form
		)
		if entry.expires_on and entry.expires_on < now.date() and rnd.random() < 0.4:
			lapse = datetime.combine(entry.expires_on, given_at.time())
			renewed = between(rnd, lapse - timedelta(days=20), min(now, lapse + timedelta(days=40)))
			h.consents.append(entry)
			entry = Consent(purpose, ConsentMethod.EMAIL_LINK.value, renewed,
				add_months(renewed.date(), validity), "Consent renewal email")  # fmt: skip
		if rnd.random() < 0.05:
			entry = _withdrawn(
				entry, between(rnd, entry.given_at, now), ConsentMethod.PREFERENCE_CENTRE.value
			)
		h.consents.append(entry)
	if h.touches and rnd.random() < (0.3 if persona.name == DECLINED else 0.035):
		_unsubscribe(rnd, h, now)
	if rnd.random() < (0.12 if persona.name == DECLINED else 0.006):
		_do_not_contact(rnd, h, now)
	if h.touches and rnd.random() < 0.012:
		h.has_bounced = True
		bounced = between(rnd, h.first_seen, now)
		h.touches.append(Touch(BOUNCED, bounced, EMAIL, IN, details="550 5.1.1 User unknown"))


def _withdrawn(entry: Consent, at: datetime, method: str) -> Consent:
	if entry.withdrawn_at is not None:
		return entry
	return entry._replace(withdrawn_at=at, withdrawal_method=method)


def _unsubscribe(rnd: random.Random, h: History, now: datetime) -> None:
	emails = [t.at for t in h.touches if t.kind == SENT and t.at <= now]  # later ones are not sent yet
	at = between(rnd, min(emails) if emails else h.first_seen, now)
	h.is_unsubscribed = True
	link = ConsentMethod.UNSUBSCRIBE_LINK.value
	h.consents = [
		_withdrawn(c, max(at, c.given_at), link) if c.purpose == MARKETING else c for c in h.consents
	]
	h.touches.append(Touch(UNSUBSCRIBED, at, EMAIL, IN, details="Unsubscribed from marketing email"))


def _do_not_contact(rnd: random.Random, h: History, now: datetime) -> None:
	at = between(rnd, h.first_seen, now)
	h.do_not_contact = True
	h.consents = [_withdrawn(c, max(at, c.given_at), ConsentMethod.RECRUITER.value) for c in h.consents]


# An open alone is not an answer (mail clients open on their own); anything else they do is.
_THEIR_ANSWERS = frozenset({CLICKED, REPLIED, VISIT, CONTENT, EVENT, MEETING, FORM})


def _stage_before_applications(h: History) -> str:
	"""Prospect (nothing yet), Contacted (we reached out), Engaged (they answered), Not Interested."""
	if h.persona == DECLINED or h.do_not_contact:
		return CrmStage.NOT_INTERESTED.value
	kinds = {t.kind for t in h.touches}
	if kinds & _THEIR_ANSWERS:
		return CrmStage.ENGAGED.value
	if any(t.direction == OUT for t in h.touches):
		return CrmStage.CONTACTED.value
	return CrmStage.PROSPECT.value


def months_between(first: datetime, last: datetime) -> int:
	"""How many calendar months, inclusive, the moments from `first` to `last` touch."""
	return (last.year - first.year) * 12 + last.month - first.month + 1
