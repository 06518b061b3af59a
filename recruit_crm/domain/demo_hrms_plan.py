"""The hiring pipeline of a demo application worked as real HRMS documents: interviews, an offer
and a hire, as far as the time since it was made allows. Pure, seeded like demo_history."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from recruit_crm.domain.types import ApplicationStatus


@dataclass(frozen=True)
class Interview:
	round: int  # 0 for the first round
	at: datetime
	status: str  # Cleared, Rejected (both decided and submitted), Under Review
	rating: float  # 0..1, as HRMS stores ratings


@dataclass(frozen=True)
class Pipeline:
	interviews: tuple[Interview, ...]
	offer_at: datetime | None
	offer_status: str | None  # Awaiting Response, Accepted, Rejected
	hired_on: date | None
	status: str  # the application's status at the end


def hiring_pipeline(rnd: random.Random, applied_at: datetime, now: datetime, rounds: int = 2) -> Pipeline:
	"""Interviews, an offer and a hire for an application, as far as the time since it allows."""
	s = ApplicationStatus
	interviews: list[Interview] = []
	at = applied_at
	for number in range(rounds):
		at = at + timedelta(days=rnd.uniform(4, 18), hours=rnd.randint(0, 6))
		if at > now - timedelta(hours=2):
			return Pipeline(
				tuple(interviews), None, None, None, s.REPLIED.value if interviews else s.OPEN.value
			)
		if at > now - timedelta(days=3):
			interviews.append(Interview(number, at, "Under Review", 0.0))
			return Pipeline(tuple(interviews), None, None, None, s.REPLIED.value)
		cleared = rnd.random() < (0.5 if number == 0 else 0.6)
		rating = round(rnd.uniform(0.65, 0.95) if cleared else rnd.uniform(0.3, 0.7), 2)
		interviews.append(Interview(number, at, "Cleared" if cleared else "Rejected", rating))
		if not cleared:
			return Pipeline(tuple(interviews), None, None, None, s.REJECTED.value)
	offer_at = at + timedelta(days=rnd.uniform(2, 8))
	if offer_at > now:
		return Pipeline(tuple(interviews), None, None, None, s.REPLIED.value)
	if offer_at > now - timedelta(days=5):
		return Pipeline(tuple(interviews), offer_at, "Awaiting Response", None, s.REPLIED.value)
	if rnd.random() >= 0.72:
		return Pipeline(tuple(interviews), offer_at, "Rejected", None, s.REJECTED.value)
	joins = (offer_at + timedelta(days=rnd.uniform(10, 35))).date()
	return Pipeline(
		tuple(interviews), offer_at, "Accepted", joins if joins <= now.date() else None, s.ACCEPTED.value
	)
