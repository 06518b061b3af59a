"""Interview times for candidates: iCalendar invitations (RFC 5545) and times in their zone.

Pure: times come in as aware datetimes; the text is built here and parsed back in the tests.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC = timezone.utc
PRODID = "-//recruit_crm//Interview invitations//EN"


@dataclass(frozen=True)
class Meeting:
	uid: str  # stable per interview: an update or a cancellation replaces the same event
	start: datetime  # aware
	end: datetime  # aware
	summary: str
	description: str = ""
	location: str = ""
	organizer_email: str = ""
	organizer_name: str = ""
	attendee_email: str = ""
	attendee_name: str = ""
	sequence: int = 0
	cancelled: bool = False


def zone(name: str | None, fallback: str = "UTC") -> ZoneInfo:
	"""A time zone by IANA name; an unknown or empty name falls back."""
	for candidate in (name, fallback, "UTC"):
		if candidate:
			try:
				return ZoneInfo(candidate)
			except (ZoneInfoNotFoundError, ValueError):
				continue
	return ZoneInfo("UTC")


def interview_window(
	on: date, from_time: time | timedelta | None, to_time: time | timedelta | None, tz_name: str
) -> tuple[datetime, datetime]:
	"""HRMS stores an interview as a date and two times in the system time zone; as aware datetimes.
	Without times it is a one-hour slot at 09:00; without an end, one hour."""
	tz = zone(tz_name)
	start_t = _as_time(from_time) or time(9, 0)
	start = datetime.combine(on, start_t, tzinfo=tz)
	end_t = _as_time(to_time)
	end = datetime.combine(on, end_t, tzinfo=tz) if end_t else start + timedelta(hours=1)
	if end <= start:
		end = start + timedelta(hours=1)
	return start, end


def _as_time(value: time | timedelta | None) -> time | None:
	if value is None:
		return None
	if isinstance(value, timedelta):  # MariaDB TIME arrives as a timedelta
		seconds = int(value.total_seconds()) % 86400
		return time(seconds // 3600, (seconds % 3600) // 60, seconds % 60)
	return value


def local_time_text(moment: datetime, tz_name: str | None, fallback_tz: str = "UTC") -> str:
	"""'Tuesday 3 March 2026, 14:30 (Europe/Berlin)': a time as the candidate reads it."""
	tz = zone(tz_name, fallback_tz)
	local = moment.astimezone(tz)
	return f"{local:%A} {local.day} {local:%B %Y}, {local:%H:%M} ({tz.key})"


def google_calendar_link(meeting: Meeting) -> str:
	"""An 'add to Google Calendar' link for people whose mail client ignores .ics files."""
	from urllib.parse import urlencode

	params = {
		"action": "TEMPLATE",
		"text": meeting.summary,
		"dates": f"{_utc(meeting.start)}/{_utc(meeting.end)}",
		"details": meeting.description,
		"location": meeting.location,
	}
	return "https://calendar.google.com/calendar/render?" + urlencode({k: v for k, v in params.items() if v})


def next_sequence(issued: Iterable[tuple[str | None, int]], slot: str) -> int:
	"""The SEQUENCE of an invitation to `slot`, given what was already issued for the same
	interview (UID) as (slot, sequence) pairs, a cancellation's slot being None.

	RFC 5545 3.8.7.4 / RFC 5546 2.1.4: a calendar applies an update only when its SEQUENCE is
	higher than the one it holds. The first invitation is 0; another email about the slot issued
	last (a second automation, a reminder, a replay) repeats its number; a new slot, including
	a move back to an earlier one or a reinstatement after a cancellation, is one higher than
	anything issued before."""
	pairs = list(issued)
	if not pairs:
		return 0
	latest_slot, latest = max(pairs, key=lambda p: p[1])
	if latest_slot == slot:
		return latest
	return max(seq for _, seq in pairs) + 1


def cancel_sequence(issued: Iterable[tuple[str | None, int]]) -> int | None:
	"""The SEQUENCE of a cancellation (higher than every invitation issued), or None when there
	is nothing to cancel: nothing was issued, or the latest thing issued is a cancellation."""
	pairs = list(issued)
	if not pairs:
		return None
	latest_slot, latest = max(pairs, key=lambda p: (p[1], p[0] is None))
	if latest_slot is None:
		return None
	return latest + 1


def method_of(meeting: Meeting) -> str:
	"""The iTIP method (RFC 5546): REQUEST invites or updates, CANCEL withdraws."""
	return "CANCEL" if meeting.cancelled else "REQUEST"


def content_type(meeting: Meeting) -> str:
	"""The MIME type of the attachment; mail clients read the method from it too."""
	return f'text/calendar; method={method_of(meeting)}; charset=utf-8; name="interview.ics"'


def ics(meeting: Meeting, now: datetime) -> str:
	"""The invitation (METHOD:REQUEST) or its cancellation (METHOD:CANCEL, STATUS:CANCELLED) as
	iCalendar text. A cancellation carries the invitation's UID and a higher SEQUENCE."""
	method = method_of(meeting)
	lines = [
		"BEGIN:VCALENDAR",
		"VERSION:2.0",
		f"PRODID:{PRODID}",
		"CALSCALE:GREGORIAN",
		f"METHOD:{method}",
		"BEGIN:VEVENT",
		f"UID:{_text(meeting.uid)}",
		f"DTSTAMP:{_utc(now)}",
		f"DTSTART:{_utc(meeting.start)}",
		f"DTEND:{_utc(meeting.end)}",
		f"SEQUENCE:{int(meeting.sequence)}",
		f"SUMMARY:{_text(meeting.summary)}",
	]
	if meeting.description:
		lines.append(f"DESCRIPTION:{_text(meeting.description)}")
	if meeting.location:
		lines.append(f"LOCATION:{_text(meeting.location)}")
	if meeting.organizer_email:
		cn = f";CN={_param(meeting.organizer_name)}" if meeting.organizer_name else ""
		lines.append(f"ORGANIZER{cn}:mailto:{_address(meeting.organizer_email)}")
	if meeting.attendee_email:
		cn = f";CN={_param(meeting.attendee_name)}" if meeting.attendee_name else ""
		lines.append(
			f"ATTENDEE{cn};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:{_address(meeting.attendee_email)}"
		)
	lines += [
		f"STATUS:{'CANCELLED' if meeting.cancelled else 'CONFIRMED'}",
		"TRANSP:OPAQUE",
		"END:VEVENT",
		"END:VCALENDAR",
	]
	return "".join(_fold(line) + "\r\n" for line in lines)


def _utc(moment: datetime) -> str:
	if moment.tzinfo is None:
		raise ValueError("calendar times must be aware")
	return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _text(value: str) -> str:
	"""TEXT value escaping (RFC 5545 3.3.11); control characters dropped."""
	value = "".join(ch for ch in str(value) if ch in "\n" or ord(ch) >= 32)
	return (
		value.replace("\\", "\\\\")
		.replace(";", "\\;")
		.replace(",", "\\,")
		.replace("\r\n", "\n")
		.replace("\n", "\\n")
	)


def _param(value: str) -> str:
	"""A parameter value: quoted, with the characters a quoted value cannot hold removed."""
	clean = "".join(ch for ch in str(value) if ord(ch) >= 32 and ch != '"')
	return f'"{clean}"'


def _address(value: str) -> str:
	return "".join(ch for ch in str(value) if ord(ch) > 32 and ch not in ';:,"<>')


def _fold(line: str) -> str:
	"""Lines longer than 75 octets continue on the next line after CRLF and a space, never
	splitting a UTF-8 character."""
	out: list[str] = []
	current, size = "", 0
	for ch in line:
		width = len(ch.encode())
		if size + width > (75 if not out else 74):
			out.append(current)
			current, size = "", 0
		current += ch
		size += width
	out.append(current)
	return "\r\n ".join(out)
