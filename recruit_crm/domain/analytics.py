"""The arithmetic behind the recruiter home and the decision reports, free of any database.

Queries return counts and durations; these functions turn them into the figures people read
(a median, a conversion rate, a funnel with drop-off, a quarter's bounds) so that every report
computes them the same way and the rules are unit-tested without a site.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta


def median(values: Iterable[float | None]) -> float | None:
	"""The middle value (mean of the two middle ones for an even count); None when empty.

	Medians, not means: a few applications that sat for months would otherwise set the number.
	"""
	ordered = sorted(float(v) for v in values if v is not None)
	if not ordered:
		return None
	mid = len(ordered) // 2
	if len(ordered) % 2:
		return ordered[mid]
	return (ordered[mid - 1] + ordered[mid]) / 2


@dataclass(frozen=True)
class MiddleValues:
	"""Where the middle value(s) of a sorted, bucketed set lie: between `first_bucket` and
	`last_bucket` (inclusive), after `skip` values of `first_bucket`; `take` is 1 for an odd
	count and 2 for an even one (the two that a median interpolates)."""

	first_bucket: int
	last_bucket: int
	skip: int
	take: int


def middle_values(counts: Sequence[tuple[int, int]]) -> MiddleValues | None:
	"""The median's middle value(s) among values counted per bucket, `counts` being (bucket,
	count) in ascending bucket order (every value of a bucket below every value of the next).
	None when there are no values."""
	total = sum(count for _bucket, count in counts)
	if total <= 0:
		return None
	lower, upper = (total + 1) // 2, total // 2 + 1  # 1-based positions of the middle values
	seen = 0
	start: tuple[int, int] | None = None  # the lower middle's bucket, and the values before it there
	for bucket, count in counts:
		if start is None and seen + count >= lower:
			start = (bucket, lower - seen - 1)
		if start is not None and seen + count >= upper:
			return MiddleValues(start[0], bucket, start[1], upper - lower + 1)
		seen += count
	return None  # not reached: both positions lie within the total


def div_bucket(value: int, width: int) -> int:
	"""The bucket SQL's `value DIV width` puts an integer in: the quotient truncated toward zero,
	so bucket 0 holds -(width-1)..width-1 and the buckets still follow the values' order."""
	quotient = abs(value) // width
	return quotient if value >= 0 else -quotient


def div_bucket_bounds(first: int, last: int, width: int) -> tuple[int, int]:
	"""[low, high): the integers whose `div_bucket` lies between `first` and `last` inclusive."""
	low = first * width if first > 0 else (first - 1) * width + 1
	high = (last + 1) * width if last >= 0 else last * width + 1
	return low, high


def rate(part: float | None, whole: float | None) -> float | None:
	"""part / whole as a percentage rounded to one decimal; None when there is nothing to divide by
	(an empty stage has no conversion, which is not the same as 0%)."""
	if not whole:
		return None
	return round(100.0 * float(part or 0) / float(whole), 1)


def share(part: float | None, whole: float | None) -> float:
	"""Like `rate`, but 0.0 for an empty whole: a share of nothing is shown as 0%."""
	return rate(part, whole) or 0.0


def days_between(start: datetime | date | None, end: datetime | date | None) -> float | None:
	"""Elapsed days (fractional for datetimes), None when either end is missing."""
	if start is None or end is None:
		return None
	if isinstance(start, datetime) != isinstance(end, datetime):
		start = start if isinstance(start, datetime) else datetime.combine(start, datetime.min.time())
		end = end if isinstance(end, datetime) else datetime.combine(end, datetime.min.time())
	delta = end - start
	return round(delta.total_seconds() / 86400.0, 2)


@dataclass(frozen=True)
class FunnelStep:
	"""One pipeline state in the funnel: how many applications entered it and what came next."""

	state: str
	entries: int
	next_entries: int | None  # entries of the next forward state; None for the last one
	conversion: float | None  # % of this state's entries that reached the next state
	drop_off: int  # entries that did not reach the next state
	median_days: float | None


def funnel(
	states: Sequence[str],
	entries: dict[str, int],
	median_days: dict[str, float | None] | None = None,
) -> list[FunnelStep]:
	"""Conversion and drop-off along `states` (forward pipeline order, e.g. Applied -> Hired).

	An application that skipped a state still counts in the later one, so `next_entries` may
	exceed `entries`; drop-off is never negative.
	"""
	median_days = median_days or {}
	steps = []
	for i, state in enumerate(states):
		here = int(entries.get(state) or 0)
		nxt = int(entries.get(states[i + 1]) or 0) if i + 1 < len(states) else None
		steps.append(
			FunnelStep(
				state=state,
				entries=here,
				next_entries=nxt,
				conversion=rate(nxt, here) if nxt is not None else None,
				drop_off=max(here - nxt, 0) if nxt is not None else 0,
				median_days=median_days.get(state),
			)
		)
	return steps


def quarter_bounds(day: date) -> tuple[date, date]:
	"""First day of `day`'s calendar quarter and the first day of the next one (half-open)."""
	first_month = 3 * ((day.month - 1) // 3) + 1
	start = date(day.year, first_month, 1)
	end = date(day.year + 1, 1, 1) if first_month == 10 else date(day.year, first_month + 3, 1)
	return start, end


def period_bounds(
	from_date: date | None, to_date: date | None, today: date, default_days: int = 90
) -> tuple[date, date]:
	"""A report's [from, to) as datetimes-ready dates: defaults to the last `default_days` days,
	`to` is exclusive (the day after the chosen To). Raises ValueError when From is after To."""
	to_date = to_date or today
	from_date = from_date or (to_date - timedelta(days=default_days))
	if from_date > to_date:
		raise ValueError("From must not be after To.")
	return from_date, to_date + timedelta(days=1)


def progress_label(value: int, target: int | None) -> str:
	"""'4 of 10' when there is a target, '4' when there is none."""
	return f"{value} of {target}" if target else str(value)
