"""Engagement scoring: weighted touchpoints that decay with age, and the readiness stage.

A touchpoint of weight w that happened d days ago contributes w * 0.5 ** (d / half_life) today.
Because decay is exponential, a score can be carried forward without revisiting history:
score(t2) = score(t1) * 0.5 ** ((t2 - t1) / half_life) + contributions that arrived in between.
That identity is what lets scores update incrementally and stay equal to a full recompute.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from recruit_crm.domain.types import ReadinessStage, TouchpointType

SECONDS_PER_DAY = 86_400.0

# Sensible defaults: intent (replies, applications, clicks on jobs) weighs far more than attention
# (opens), and outbound activity by us weighs little or nothing on its own.
DEFAULT_WEIGHTS: dict[str, float] = {
	TouchpointType.EMAIL_SENT.value: 0.0,
	TouchpointType.EMAIL_DELIVERED.value: 0.0,
	TouchpointType.EMAIL_OPENED.value: 1.0,
	TouchpointType.EMAIL_CLICKED.value: 3.0,
	TouchpointType.EMAIL_REPLIED.value: 8.0,
	TouchpointType.EMAIL_BOUNCED.value: 0.0,
	TouchpointType.UNSUBSCRIBED.value: -10.0,
	TouchpointType.CALL.value: 5.0,
	TouchpointType.MEETING.value: 8.0,
	TouchpointType.MESSAGE.value: 4.0,
	TouchpointType.EVENT_ATTENDED.value: 6.0,
	TouchpointType.PORTAL_VISIT.value: 2.0,
	TouchpointType.FORM_SUBMITTED.value: 5.0,
	TouchpointType.CONTENT_VIEWED.value: 1.0,
	TouchpointType.APPLIED.value: 10.0,
	TouchpointType.INTERVIEWED.value: 8.0,
	TouchpointType.OFFER_MADE.value: 5.0,
	TouchpointType.OFFER_ACCEPTED.value: 10.0,
	TouchpointType.OFFER_DECLINED.value: -5.0,
	TouchpointType.HIRED.value: 10.0,
	TouchpointType.NOTE.value: 0.0,
}


def effective_weights(overrides: Mapping[str, float] | None) -> dict[str, float]:
	"""Default weights with the admin's overrides applied; unknown types are ignored."""
	weights = dict(DEFAULT_WEIGHTS)
	for touchpoint_type, weight in (overrides or {}).items():
		if touchpoint_type in weights and weight is not None:
			weights[touchpoint_type] = float(weight)
	return weights


def decay_factor(age_seconds: float, half_life_days: float) -> float:
	"""0.5 ** (age / half-life); 1 for events not yet in the past; no decay when half-life <= 0."""
	if half_life_days <= 0 or age_seconds <= 0:
		return 1.0
	return 0.5 ** (age_seconds / (half_life_days * SECONDS_PER_DAY))


def contribution(weight: float, occurred_at: datetime, now: datetime, half_life_days: float) -> float:
	"""What one touchpoint of this weight adds to the score at `now`."""
	return weight * decay_factor((now - occurred_at).total_seconds(), half_life_days)


def score(
	touchpoints: Iterable[tuple[str, datetime]],
	weights: Mapping[str, float],
	now: datetime,
	half_life_days: float,
) -> float:
	"""The engagement score at `now` of (type, occurred_at) touchpoints."""
	return sum(contribution(weights.get(t, 0.0), at, now, half_life_days) for t, at in touchpoints)


def carry_forward(
	previous_score: float,
	previous_at: datetime | None,
	now: datetime,
	half_life_days: float,
	added: float = 0.0,
) -> float:
	"""A score known at `previous_at`, decayed to `now`, plus `added` (contributions valued at `now`)."""
	if previous_at is None:
		return added
	return previous_score * decay_factor((now - previous_at).total_seconds(), half_life_days) + added


@dataclass(frozen=True)
class BreakdownLine:
	touchpoint_type: str
	count: int
	weight: float
	contribution: float
	last_at: datetime


def breakdown(
	touchpoints: Iterable[tuple[str, datetime]],
	weights: Mapping[str, float],
	now: datetime,
	half_life_days: float,
) -> list[BreakdownLine]:
	"""Per touchpoint type: how many, at what weight, contributing how much today (largest first)."""
	lines: dict[str, list] = {}
	for touchpoint_type, at in touchpoints:
		weight = weights.get(touchpoint_type, 0.0)
		line = lines.setdefault(touchpoint_type, [0, 0.0, at])
		line[0] += 1
		line[1] += contribution(weight, at, now, half_life_days)
		line[2] = max(line[2], at)
	result = [
		BreakdownLine(t, count, weights.get(t, 0.0), total, last_at)
		for t, (count, total, last_at) in lines.items()
	]
	return sorted(result, key=lambda line: (-abs(line.contribution), line.touchpoint_type))


# ---------------------------------------------------------------------------------------------
# Readiness


REPLIED = "replied"
CLICKED_JOB = "clicked_job"
VISITED_CAREERS = "visited_careers"
APPLIED = "applied"
SIGNAL_LABELS = {
	REPLIED: "replied to an email",
	CLICKED_JOB: "clicked a job",
	VISITED_CAREERS: "visited the careers page",
	APPLIED: "applied",
}


@dataclass(frozen=True)
class SignalRule:
	"""A signal is present when a touchpoint of one of these types, within the window, exists.

	`needs_job_opening` restricts it to touchpoints about a job opening (a click on a job link).
	"""

	signal: str
	touchpoint_types: tuple[str, ...]
	needs_job_opening: bool = False


SIGNAL_RULES: tuple[SignalRule, ...] = (
	SignalRule(REPLIED, (TouchpointType.EMAIL_REPLIED.value,)),
	SignalRule(CLICKED_JOB, (TouchpointType.EMAIL_CLICKED.value,), needs_job_opening=True),
	SignalRule(VISITED_CAREERS, (TouchpointType.PORTAL_VISIT.value,)),
	SignalRule(APPLIED, (TouchpointType.APPLIED.value,)),
)


@dataclass(frozen=True)
class Thresholds:
	warm: float = 5.0
	hot: float = 20.0
	ready: float = 40.0


@dataclass(frozen=True)
class StageRule:
	"""Stage applies when score >= the named threshold AND (no signals required, or any of them)."""

	stage: str
	min_score: str | None  # "warm" | "hot" | "ready" | None (no score needed)
	any_signal: tuple[str, ...] = field(default_factory=tuple)


# Checked top-down; the first rule that holds wins. Kept as data so the set-based recompute
# can compile the same rules into SQL (see services.scoring).
STAGE_RULES: tuple[StageRule, ...] = (
	StageRule(ReadinessStage.READY.value, "ready"),
	StageRule(ReadinessStage.READY.value, "hot", (REPLIED, APPLIED)),
	StageRule(ReadinessStage.HOT.value, "hot"),
	StageRule(ReadinessStage.HOT.value, "warm", (REPLIED, CLICKED_JOB, APPLIED)),
	StageRule(ReadinessStage.WARM.value, "warm"),
	StageRule(ReadinessStage.WARM.value, None, (REPLIED, CLICKED_JOB, VISITED_CAREERS, APPLIED)),
)


# The RC Candidate column holding the latest time each signal was shown. Kept by the incremental
# update and the recompute, so readiness can be re-derived (nightly, as signals age out of the
# window) from the candidate row alone, without reading touchpoints.
SIGNAL_COLUMNS: dict[str, str] = {
	REPLIED: "last_replied_at",
	CLICKED_JOB: "last_job_click_at",
	VISITED_CAREERS: "last_careers_visit_at",
	APPLIED: "last_applied_at",
}


def signals_of(touchpoint_type: str, has_job_opening: bool) -> tuple[str, ...]:
	"""The signals one touchpoint shows."""
	return tuple(
		rule.signal
		for rule in SIGNAL_RULES
		if touchpoint_type in rule.touchpoint_types and (has_job_opening or not rule.needs_job_opening)
	)


def latest_signal_times(
	touchpoints: Iterable[tuple[str, datetime, bool]],
	known: Mapping[str, datetime | None] | None = None,
) -> dict[str, datetime]:
	"""The latest time of each signal in (type, occurred_at, has_job_opening) touchpoints,
	merged with the `known` latest times (a signal's time only ever moves forward)."""
	latest = {signal: at for signal, at in (known or {}).items() if at is not None}
	for touchpoint_type, at, has_job in touchpoints:
		for signal in signals_of(touchpoint_type, has_job):
			if signal not in latest or at > latest[signal]:
				latest[signal] = at
	return latest


def signals_since(latest: Mapping[str, datetime | None], since: datetime) -> frozenset[str]:
	"""The signals whose latest time falls at or after `since` (inside the signal window)."""
	return frozenset(signal for signal, at in latest.items() if at is not None and at >= since)


def decayed_score_sql(alias: str, now_sql: str, half_life_days: float) -> str:
	"""SQL for a stored score (`engagement_score` as of `engagement_updated_at`) valued at `now_sql`.

	Scores are stored as of their last update and decay on read, so ageing never rewrites rows:
	the nightly job only touches candidates whose readiness changes. `now_sql` is a placeholder
	or a quoted literal; the half-life is a number, rendered as a numeric literal.
	"""
	score = f"{alias}.`engagement_score`"
	if half_life_days <= 0:
		return score
	return f"({score} * {decay_factor_sql(f'{alias}.`engagement_updated_at`', now_sql, half_life_days)})"


def decay_factor_sql(since_sql: str, now_sql: str, half_life_days: float) -> str:
	"""SQL for `decay_factor`: 0.5 ** (age / half-life), the age from `since_sql` to `now_sql`.

	Ages are counted in microseconds, as Python's arithmetic counts them, so both sides agree on
	a threshold; a future or missing `since` does not decay. No half-life: `1`.
	"""
	if half_life_days <= 0:
		return "1"
	age = f"greatest(0, coalesce(timestampdiff(microsecond, {since_sql}, {now_sql}), 0))"
	return f"pow(0.5, {age} / {half_life_microseconds_sql(half_life_days)})"


def half_life_microseconds_sql(half_life_days: float) -> str:
	"""The half-life in microseconds as a SQL DOUBLE literal (`2592000000000.0e0` for 30 days).

	Written without an exponent, MariaDB reads the number as DECIMAL, and an integer divided by a
	DECIMAL keeps 9 decimals: ages under ~2.6 ms would not decay at all, so a score could reach a
	threshold in SQL that Python's arithmetic says it missed. The exponent makes it a DOUBLE.
	"""
	literal = repr(float(half_life_days) * SECONDS_PER_DAY * 1e6)
	return literal if "e" in literal else f"{literal}e0"


def signals_in(touchpoints: Iterable[tuple[str, datetime, bool]], since: datetime) -> frozenset[str]:
	"""Signals shown by (type, occurred_at, has_job_opening) touchpoints at or after `since`."""
	return signals_since(latest_signal_times(touchpoints), since)


# Scores are shown, explained and compared with thresholds at one decimal: a score shown as 5.0
# reaches a threshold of 5, whatever digits lie beyond. Half-up rounding, the same in SQL.
SCORE_DECIMALS = 1


def shown_score(score_value: float) -> float:
	"""The score as people see it and as stage thresholds judge it (one decimal, half up)."""
	scale = 10**SCORE_DECIMALS
	return math.floor(score_value * scale + 0.5) / scale


def shown_score_sql(score_sql: str) -> str:
	"""SQL for `shown_score` of a score expression."""
	scale = 10**SCORE_DECIMALS
	return f"(floor(({score_sql}) * {scale} + 0.5) / {scale})"


def _first_rule(
	score_value: float, signals: set[str] | frozenset[str], thresholds: Thresholds
) -> StageRule | None:
	"""The first of STAGE_RULES that holds for the shown score, or None (Cold)."""
	score_value = shown_score(score_value)
	for rule in STAGE_RULES:
		if rule.min_score is not None and score_value < getattr(thresholds, rule.min_score):
			continue
		if rule.any_signal and not any(s in signals for s in rule.any_signal):
			continue
		return rule
	return None


def stage_of(score_value: float, signals: set[str] | frozenset[str], thresholds: Thresholds) -> str:
	"""The stage alone (what `readiness` returns first, without composing its reason)."""
	rule = _first_rule(score_value, signals, thresholds)
	return rule.stage if rule else ReadinessStage.COLD.value


def readiness(score_value: float, signals: Iterable[str], thresholds: Thresholds) -> tuple[str, str]:
	"""(stage, reason) for a score and the signals seen recently."""
	signals = set(signals)
	rule = _first_rule(score_value, signals, thresholds)
	shown = f"{shown_score(score_value):.{SCORE_DECIMALS}f}"
	if rule is None:
		return (
			ReadinessStage.COLD.value,
			f"score {shown} below warm {thresholds.warm:g}, no recent signals",
		)
	parts = []
	if rule.min_score is not None:
		parts.append(f"score {shown} >= {rule.min_score} {getattr(thresholds, rule.min_score):g}")
	matched = [s for s in rule.any_signal if s in signals]
	if matched:
		parts.append(" and ".join(SIGNAL_LABELS[s] for s in matched))
	return rule.stage, "; ".join(parts)
