"""Hiring drives and hiring events: the arithmetic of a campaign and the rules of its events.

Pure: counts, sums and times come in as arguments, so the drive page's figures (progress to
target, funnel, cost per applicant and per hire, source mix) and the event rules (who may still
sign up, who counts as an attendee or a no-show) are decided the same way everywhere and are
unit-tested without a site.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import Enum


class DriveStatus(str, Enum):
	PLANNED = "Planned"
	ACTIVE = "Active"
	COMPLETED = "Completed"
	CANCELLED = "Cancelled"


class EventType(str, Enum):
	CAREER_FAIR = "Career Fair"
	WEBINAR = "Webinar"
	OPEN_DAY = "Open Day"


class RegistrationStatus(str, Enum):
	"""Registered: signed up, email not confirmed yet (double opt-in); Confirmed: may attend."""

	REGISTERED = "Registered"
	CONFIRMED = "Confirmed"
	ATTENDED = "Attended"
	NO_SHOW = "No-show"
	CANCELLED = "Cancelled"


class RegistrationSource(str, Enum):
	CAREER_SITE = "Career Site"
	QR_CODE = "QR Code"
	INVITATION = "Invitation"
	DESK = "Desk"


# Places counted against an event's capacity: everyone who signed up and has not cancelled.
HOLDS_A_PLACE = (
	RegistrationStatus.REGISTERED.value,
	RegistrationStatus.CONFIRMED.value,
	RegistrationStatus.ATTENDED.value,
	RegistrationStatus.NO_SHOW.value,
)
UNKNOWN_SOURCE = "Unknown"
ROUTE_MAX = 80


@dataclass(frozen=True)
class Progress:
	target: int
	hires: int
	remaining: int
	percent: float  # of target, capped at 100 for the bar; `hires` says if it was exceeded


def progress(target: int, hires: int) -> Progress:
	"""How far a drive is towards its target hires (a drive without a target shows 0 %)."""
	target, hires = max(int(target or 0), 0), max(int(hires or 0), 0)
	percent = min(100.0, round(100.0 * hires / target, 1)) if target else 0.0
	return Progress(target=target, hires=hires, remaining=max(target - hires, 0), percent=percent)


def per_unit(spend: float, count: int) -> float | None:
	"""Spend per applicant or per hire; None when there is nothing to divide by (not 0, not inf)."""
	if not count or count <= 0:
		return None
	return round(float(spend or 0) / count, 2)


def source_label(utm_source: str | None, source: str | None) -> str:
	"""Where an application came from: the tracked share link first, then the HRMS source."""
	for value in (utm_source, source):
		text = (value or "").strip()
		if text:
			return text
	return UNKNOWN_SOURCE


def source_mix(counts: Mapping[str, int], spend_by_channel: Mapping[str, float] | None = None) -> list[dict]:
	"""Applicants per source with their share, largest first; with the spend on a channel of the
	same name (case-insensitive) and the cost per applicant it bought."""
	spend = {k.strip().lower(): float(v or 0) for k, v in (spend_by_channel or {}).items()}
	total = sum(max(int(n), 0) for n in counts.values())
	rows = []
	ordered = sorted(counts.items(), key=lambda kv: (-max(int(kv[1]), 0), kv[0].lower()))
	for source, n in ordered:
		n = max(int(n), 0)
		channel_spend = spend.get(source.strip().lower())
		rows.append(
			{
				"source": source,
				"applicants": n,
				"share": round(100.0 * n / total, 1) if total else 0.0,
				"spend": channel_spend,
				"per_applicant": per_unit(channel_spend, n) if channel_spend is not None else None,
			}
		)
	return rows


def funnel(state_counts: Mapping[str, int], states: Iterable[tuple[str, str]]) -> list[dict]:
	"""Applications per pipeline state, in the Workflow's order (`states`: (state, kind) pairs).

	States the Workflow no longer has (or no state at all) come last, so every application is
	counted exactly once.
	"""
	rows, seen = [], set()
	for state, kind in states:
		if state in seen:
			continue
		seen.add(state)
		rows.append({"state": state, "kind": kind, "count": int(state_counts.get(state, 0) or 0)})
	for state in sorted(s for s in state_counts if s not in seen):
		rows.append(
			{"state": state or UNKNOWN_SOURCE, "kind": "Other", "count": int(state_counts[state] or 0)}
		)
	return rows


def spend_by_channel(lines: Iterable[tuple[str | None, float | None]]) -> dict[str, float]:
	"""Spend lines summed per channel (channel names compared without case or outer spaces)."""
	totals: dict[str, float] = {}
	names: dict[str, str] = {}
	for channel, amount in lines:
		label = (channel or "").strip() or UNKNOWN_SOURCE
		key = label.lower()
		names.setdefault(key, label)
		totals[key] = round(totals.get(key, 0.0) + float(amount or 0), 2)
	return {names[k]: v for k, v in totals.items()}


def places_left(capacity: int | None, taken: int) -> int | None:
	"""Free places (None: no limit)."""
	if not capacity or capacity <= 0:
		return None
	return max(int(capacity) - int(taken), 0)


def sign_up_refusal(
	published: bool, ends_at: datetime, now: datetime, capacity: int | None, taken: int
) -> str | None:
	"""Why nobody can sign up for an event right now (the same for every visitor), or None."""
	if not published:
		return "not-found"
	if ends_at <= now:
		return "over"
	if places_left(capacity, taken) == 0:
		return "full"
	return None


class CancelOutcome(str, Enum):
	"""What a guest's "Can't make it" does to their registration."""

	CANCEL = "cancel"  # the place is given back
	ALREADY = "already"  # cancelled before: the same answer again (idempotent)
	TOO_LATE = "too-late"  # the event is over, or they were there: nothing to give back


def cancel_outcome(status: str, ends_at: datetime, now: datetime) -> CancelOutcome:
	"""Whether a registrant may still give their place back (unconfirmed sign-ups too)."""
	if status == RegistrationStatus.CANCELLED.value:
		return CancelOutcome.ALREADY
	if status not in (RegistrationStatus.REGISTERED.value, RegistrationStatus.CONFIRMED.value):
		return CancelOutcome.TOO_LATE
	if ends_at <= now:
		return CancelOutcome.TOO_LATE
	return CancelOutcome.CANCEL


# A drive's landing page is public while the drive is published and not cancelled (a completed
# drive keeps its page for people following old links: it then lists no open positions).
PUBLIC_DRIVE_STATUSES = (DriveStatus.PLANNED.value, DriveStatus.ACTIVE.value, DriveStatus.COMPLETED.value)


def drive_is_public(published: bool | int | None, status: str | None) -> bool:
	return bool(published) and status in PUBLIC_DRIVE_STATUSES


def unique_route(base: str, taken: Iterable[str]) -> str:
	"""`base`, or `base-2`, `base-3`, ... : the first that is not taken (still a valid route)."""
	used = set(taken)
	if base not in used:
		return base
	n = 2
	while True:
		suffix = f"-{n}"
		candidate = base[: ROUTE_MAX - len(suffix)].rstrip("-") + suffix
		if candidate not in used:
			return candidate
		n += 1


def may_check_in(status: str) -> bool:
	"""Only confirmed people (double opt-in done) are checked in; checking in twice is harmless."""
	return status in (
		RegistrationStatus.CONFIRMED.value,
		RegistrationStatus.ATTENDED.value,
		RegistrationStatus.NO_SHOW.value,
	)


def attendance_split(rows: Iterable[tuple[str, str | None]]) -> tuple[list[str], list[str]]:
	"""(attendees, no-shows) among (status, candidate) rows of an event that is over.

	Confirmed people who were never checked in are no-shows; unconfirmed and cancelled sign-ups
	are neither (they never opted in, or told us they would not come).
	"""
	attended, no_shows = set(), set()
	for status, candidate in rows:
		if not candidate:
			continue
		if status == RegistrationStatus.ATTENDED.value:
			attended.add(candidate)
		elif status in (RegistrationStatus.CONFIRMED.value, RegistrationStatus.NO_SHOW.value):
			no_shows.add(candidate)
	return sorted(attended), sorted(no_shows - attended)


def slug(text: str | None) -> str:
	"""A route segment from a title: lower-case ASCII letters, digits and single dashes."""
	ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
	value = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
	return value[:ROUTE_MAX].rstrip("-")


def is_valid_route(value: str | None) -> bool:
	return (
		bool(value)
		and len(value or "") <= ROUTE_MAX
		and re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", value or "") is not None
	)
