"""When a nurture email may go out: the recipient's send window in their time zone and holidays,
per-sender and per-campaign caps, frequency preferences, the send forecast of a dry run, and
what becomes of a claim whose worker died. Pure: time is passed in, never read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from recruit_crm.domain.nurture import UTC, Step, StepType


@dataclass(frozen=True)
class SendWindow:
	"""When email may go out, in the recipient's local time."""

	start: time = time(9, 0)
	end: time = time(17, 0)
	weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # Monday = 0
	holidays: frozenset[date] = frozenset()
	default_tz: str = "UTC"

	def zone(self, tz_name: str | None) -> ZoneInfo:
		for name in (tz_name, self.default_tz, "UTC"):
			if not name:
				continue
			try:
				return _zone(name)
			except (ZoneInfoNotFoundError, ValueError):
				continue
		return _zone("UTC")


_ZONES: dict[str, ZoneInfo] = {}


def _zone(name: str) -> ZoneInfo:
	z = _ZONES.get(name)
	if z is None:
		z = _ZONES[name] = ZoneInfo(name)
	return z


def _open_day(window: SendWindow, day: date) -> bool:
	return day.weekday() in window.weekdays and day not in window.holidays


def next_send_time(window: SendWindow, tz_name: str | None, now: datetime) -> datetime:
	"""The earliest moment at or after `now` (aware) inside the recipient's send window, in UTC."""
	zone = window.zone(tz_name)
	local = now.astimezone(zone)
	if not window.weekdays:
		raise ValueError("a send window needs at least one weekday")
	for offset in range(0, 400):
		day = local.date() + timedelta(days=offset)
		if not _open_day(window, day):
			continue
		opens = datetime.combine(day, window.start, tzinfo=zone)
		closes = datetime.combine(day, window.end, tzinfo=zone)
		if offset == 0:
			if local >= closes:
				continue
			if local >= opens:
				return now.astimezone(UTC)
		return opens.astimezone(UTC)
	raise ValueError("no open sending day within 400 days (every day is a holiday?)")


def in_window(window: SendWindow, tz_name: str | None, now: datetime) -> bool:
	return next_send_time(window, tz_name, now) == now.astimezone(UTC)


@dataclass(frozen=True)
class Caps:
	per_sender_per_day: int = 0  # 0 = no cap
	per_campaign_per_hour: int = 0


@dataclass
class CapUsage:
	"""Messages already claimed in the current day (per sender) and hour (per campaign)."""

	sender_today: dict[str, int] = field(default_factory=dict)
	campaign_this_hour: dict[str, int] = field(default_factory=dict)


def allocate(
	rows: Iterable[tuple[str, str, str]],
	caps_by_campaign: Mapping[str, Caps],
	usage: CapUsage,
	now: datetime,
) -> tuple[list[str], dict[str, datetime]]:
	"""Split (message, sender, campaign) rows, in priority order, into those that may go now and
	those deferred by a cap, with the time each deferred one may be tried again.

	A sender's daily cap is the smallest cap of the campaigns using it this round; days and hours
	are UTC. `usage` is updated in place.
	"""
	allowed: list[str] = []
	deferred: dict[str, datetime] = {}
	next_hour = (now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)).astimezone(UTC)
	next_day = datetime.combine(now.astimezone(UTC).date() + timedelta(days=1), time(0), tzinfo=UTC)
	for name, sender, campaign in rows:
		caps = caps_by_campaign.get(campaign, Caps())
		sent_hour = usage.campaign_this_hour.get(campaign, 0)
		sent_day = usage.sender_today.get(sender, 0)
		if caps.per_sender_per_day and sent_day >= caps.per_sender_per_day:
			deferred[name] = next_day
			continue
		if caps.per_campaign_per_hour and sent_hour >= caps.per_campaign_per_hour:
			deferred[name] = next_hour
			continue
		usage.campaign_this_hour[campaign] = sent_hour + 1
		usage.sender_today[sender] = sent_day + 1
		allowed.append(name)
	return allowed, deferred


FREQUENCY_GAP_DAYS = {"Weekly": 7, "Monthly": 30}


def frequency_hold(frequency: str, last_sent_at: datetime | None, now: datetime) -> datetime | None:
	"""When a person who asked for fewer emails may get the next one (None = now is fine)."""
	gap = FREQUENCY_GAP_DAYS.get(frequency or "")
	if not gap or not last_sent_at:
		return None
	allowed_at = last_sent_at + timedelta(days=gap)
	return allowed_at if allowed_at > now else None


def email_path(steps: list[Step]) -> list[tuple[int, timedelta]]:
	"""Email steps on the path of someone who never engages (every branch false), each with the
	wait since the previous email."""
	by_idx = {s.idx: s for s in steps}
	out: list[tuple[int, timedelta]] = []
	gap = timedelta()
	position = min(by_idx) if by_idx else 1
	seen: set[int] = set()
	while position in by_idx and position not in seen:
		seen.add(position)
		step = by_idx[position]
		if step.is_email:
			out.append((step.idx, gap))
			gap = timedelta()
		elif step.step_type == StepType.WAIT:
			gap += timedelta(hours=step.wait_amount * (24 if step.wait_unit == "Days" else 1))
		elif step.step_type == StepType.BRANCH:
			position = step.no_step or position + 1
			continue
		position += 1
	return out


def forecast(
	start: datetime,
	timezones: Mapping[str | None, int],
	steps: list[Step],
	window: SendWindow,
	caps: Caps,
	days: int = 30,
) -> list[tuple[date, int]]:
	"""Emails sent per day (UTC dates) over `days`, for `timezones` (tz -> people), under the
	send window and the caps, on the never-engaging path. Simulated hour by hour."""
	path = email_path(steps)
	if not path:
		return []
	# buckets: (tz, email_no) -> list of [due, count]
	pending: dict[tuple[str | None, int], list[list]] = defaultdict(list)
	for tz, count in timezones.items():
		if count:
			pending[(tz, 0)].append([start, count])
	per_day: dict[date, int] = defaultdict(int)
	hour = start.replace(minute=0, second=0, microsecond=0)
	end = start + timedelta(days=days)
	sent_today = 0
	day = hour.date()
	while hour < end and pending:
		if hour.date() != day:
			day, sent_today = hour.date(), 0
		slot = hour if hour >= start else start
		hour_budget = caps.per_campaign_per_hour or 10**12
		for (tz, email_no), due_list in sorted(pending.items(), key=lambda kv: (kv[0][1], str(kv[0][0]))):
			if not in_window(window, tz, slot):
				continue
			for entry in due_list:
				if entry[0] > slot + timedelta(hours=1) - timedelta(microseconds=1) or not entry[1]:
					continue
				day_budget = (caps.per_sender_per_day - sent_today) if caps.per_sender_per_day else 10**12
				n = min(entry[1], hour_budget, day_budget)
				if n <= 0:
					continue
				entry[1] -= n
				hour_budget -= n
				sent_today += n
				per_day[slot.astimezone(UTC).date()] += n
				if email_no + 1 < len(path):
					pending[(tz, email_no + 1)].append([slot + path[email_no + 1][1], n])
		for key in [k for k, v in pending.items() if not any(e[1] for e in v)]:
			del pending[key]
		for key, v in pending.items():
			pending[key] = [e for e in v if e[1]]
		hour += timedelta(hours=1)
	return sorted(per_day.items())


def resolve_dead_claim(pending_in_send_order: list[str]) -> tuple[list[str], list[str]]:
	"""Split the still-'Sending' messages of a dead worker's claim into (unknown, release).

	A worker sends its claim strictly in order and durably records each outcome before starting
	the next message, so only the first unrecorded message can have reached the SMTP server:
	it is Unknown (shown to an operator, never re-sent automatically); the rest were never
	attempted and go back to the queue.
	"""
	if not pending_in_send_order:
		return [], []
	return pending_in_send_order[:1], pending_in_send_order[1:]
