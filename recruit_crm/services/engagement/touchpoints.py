"""Touchpoints: the append-only record of every interaction with a candidate.

`record` / `record_many` are the only write path. Rows get opaque, time-ordered names, are
de-duplicated by an optional capture key (so captures can be retried and re-swept safely), and
the affected candidates' scores are carried forward in the same transaction.
"""

import contextlib
import hashlib
import queue
import threading
import time
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import TypeVar

import frappe
from frappe.utils import get_datetime, now_datetime

from recruit_crm.domain.naming import sortable_names
from recruit_crm.domain.types import TouchpointChannel, TouchpointDirection, TouchpointType
from recruit_crm.domain.web_input import text_without_markup
from recruit_crm.services._sql import multi_row_insert
from recruit_crm.services.engagement import first_response, scoring

TOUCHPOINT = "RC Touchpoint"
CHUNK = 5000
_T = TypeVar("_T")

_TYPES = frozenset(t.value for t in TouchpointType)
_CHANNELS = frozenset(c.value for c in TouchpointChannel)
_DIRECTIONS = frozenset(d.value for d in TouchpointDirection)

# Columns written by record_many, in order.
COLUMNS = (
	"name",
	"candidate",
	"touchpoint_type",
	"occurred_at",
	"channel",
	"direction",
	"recruiter",
	"nurture_campaign",
	"job_opening",
	"job_applicant",
	"reference_doctype",
	"reference_name",
	"details",
	"dedupe_key",
	"is_scored",
	"creation",
	"modified",
	"owner",
	"modified_by",
)


def record(
	candidate: str,
	touchpoint_type: str,
	*,
	occurred_at: datetime | str | None = None,
	channel: str | None = None,
	direction: str | None = None,
	recruiter: str | None = None,
	nurture_campaign: str | None = None,
	job_opening: str | None = None,
	reference_doctype: str | None = None,
	reference_name: str | None = None,
	details: str | None = None,
	job_applicant: str | None = None,
	dedupe_key: str | None = None,
) -> None:
	"""Record one touchpoint (see `record_many`)."""
	record_many(
		[
			{
				"candidate": candidate,
				"touchpoint_type": touchpoint_type,
				"occurred_at": occurred_at,
				"channel": channel,
				"direction": direction,
				"recruiter": recruiter,
				"nurture_campaign": nurture_campaign,
				"job_opening": job_opening,
				"job_applicant": job_applicant,
				"reference_doctype": reference_doctype,
				"reference_name": reference_name,
				"details": details,
				"dedupe_key": dedupe_key,
			}
		]
	)


def record_many(rows: list[dict], *, update_scores: bool = True, recompute_follows: bool = False) -> int:
	"""Insert touchpoints in multi-row statements and carry the candidates' scores forward.

	Each row needs `candidate` and `touchpoint_type`; `occurred_at` defaults to now. A row whose
	`dedupe_key` was recorded before is skipped silently (captures are idempotent).
	`update_scores=False` leaves the rows uncounted, for the nightly job or a recompute to count;
	`recompute_follows` is for a caller that recomputes these candidates' scores from all their
	touchpoints (`scoring.recompute`) in the same run: the rows are written as counted, so the
	recompute does not have to mark them one by one.
	Returns the number of rows actually inserted.
	Raises frappe.ValidationError for an unknown type, channel or direction.
	"""
	if not rows:
		return 0
	now = now_datetime()
	scored = 1 if update_scores or recompute_follows else 0
	names, values, prepared = _prepare(rows, now, _user(), scored)
	inserted = _insert(prepared)
	if update_scores and inserted:
		renamed = list(zip(names, values, strict=True))
		if inserted < len(values):  # some were captured before: count only the rows written now
			written = set(_existing(names))
			renamed = [(n, v) for n, v in renamed if n in written]
		scoring.apply_rows([(v[1], v[2], v[3], v[8] is not None) for _n, v in renamed], now)
	return inserted


def record_batches(batches: Iterable[list[dict]]) -> int:
	"""`record_many(batch, update_scores=False, recompute_follows=True)` for each batch in turn,
	for a caller that recomputes the candidates' scores afterwards: while one batch is written,
	the next is made and prepared (validated, named, ordered) in a second thread, so the
	database's work and Python's overlap. Returns the rows inserted.
	"""
	start, started, user = now_datetime(), time.monotonic(), _user()

	def now() -> datetime:  # the site's clock, read without `frappe.local` (the producer has none)
		return start + timedelta(seconds=time.monotonic() - started)

	inserted = 0
	for _names, _values, prepared in _ahead(_prepare(rows, now(), user, 1) for rows in batches if rows):
		inserted += _insert(prepared)
	return inserted


def _ahead(items: Iterator[_T]) -> Iterator[_T]:
	"""The items of `items`, the next one made in a producer thread while the caller works on
	this one. The producer touches no database and no `frappe.local`; its error is raised here."""
	slot: queue.Queue = queue.Queue(maxsize=1)
	done = object()
	stop = threading.Event()

	def offer(entry: tuple) -> bool:
		while not stop.is_set():
			with contextlib.suppress(queue.Full):
				slot.put(entry, timeout=0.1)
				return True
		return False

	def produce() -> None:
		try:
			for item in items:
				if not offer((item, None)):
					return
			offer((done, None))
		except BaseException as e:  # handed to the consumer, which raises it
			offer((done, e))

	producer = threading.Thread(target=produce, name="rc-touchpoint-batches", daemon=True)
	producer.start()
	try:
		while True:
			item, error = slot.get()
			if error is not None:
				raise error
			if item is done:
				return
			yield item
	finally:
		stop.set()  # a consumer that stops early stops the producer at its next item
		producer.join()


def _user() -> str:
	return frappe.session.user if getattr(frappe.local, "session", None) else "Administrator"


def _prepare(
	rows: list[dict], now: datetime, user: str, scored: int
) -> tuple[list[str], list[tuple], list[tuple]]:
	"""Names, validated values (datetimes as such) and the rows as inserted, in insert order."""
	names = sortable_names(len(rows), int(time.time() * 1000))
	stamp = str(now)  # creation and modified of every row: one literal, not a datetime per row
	values = [_row_values(name, row, now, stamp, user, scored) for name, row in zip(names, rows, strict=True)]
	# In (candidate, time) order the (candidate, occurred_at) index is written page by page
	# instead of at random, which is what bulk recording costs most on a large table.
	values.sort(key=_candidate_and_time)
	# Bound as text (what the column stores): formatting a datetime per value is what costs
	# most in Python when 100k rows are written.
	prepared = [(name, v[1], v[2], str(v[3]), *v[4:]) for name, v in zip(names, values, strict=True)]
	return names, values, prepared


def _candidate_and_time(values: tuple) -> tuple:
	return values[1], values[3]


def _row_values(name: str, row: dict, now: datetime, stamp: str, user: str, scored: int) -> tuple:
	touchpoint_type = _as_value(row.get("touchpoint_type"))
	if touchpoint_type not in _TYPES:
		frappe.throw(f"Unknown touchpoint type: {touchpoint_type!r}", frappe.ValidationError)
	channel = _as_value(row.get("channel")) or None
	if channel and channel not in _CHANNELS:
		frappe.throw(f"Unknown touchpoint channel: {channel!r}", frappe.ValidationError)
	direction = _as_value(row.get("direction")) or None
	if direction and direction not in _DIRECTIONS:
		frappe.throw(f"Unknown touchpoint direction: {direction!r}", frappe.ValidationError)
	if not row.get("candidate"):
		frappe.throw("A touchpoint needs a candidate.", frappe.ValidationError)
	occurred_at = get_datetime(row.get("occurred_at")) if row.get("occurred_at") else now
	# Details come from emails, portal requests and recruiters alike: stored without markup, so
	# no screen that shows them can run what a candidate or visitor typed.
	details = text_without_markup(row.get("details"), 4000)
	if details and len(details) > 2000:
		details = details[:1997] + "..."
	return (
		name,
		row["candidate"],
		touchpoint_type,
		occurred_at,
		channel,
		direction,
		row.get("recruiter"),
		row.get("nurture_campaign"),
		row.get("job_opening"),
		row.get("job_applicant"),
		row.get("reference_doctype"),
		row.get("reference_name"),
		details,
		capture_key(row["dedupe_key"]) if row.get("dedupe_key") else None,
		scored,
		stamp,
		stamp,
		user,
		user,
	)


def _as_value(value) -> str | None:
	return value.value if hasattr(value, "value") else value


def capture_key(*parts) -> str:
	"""A fixed-size, PII-free key for de-duplicating one capture (e.g. a sent Communication)."""
	return hashlib.md5(":".join(str(p) for p in parts).encode(), usedforsecurity=False).hexdigest()


def _insert(values: list[tuple]) -> int:
	inserted = multi_row_insert(TOUCHPOINT, COLUMNS, values, ignore=True, chunk=CHUNK)
	if inserted:  # the applications' first response (Recruiter Activity) follows personal touches
		first_response.touches_recorded([(v[0], v[2], v[6]) for v in values], TOUCHPOINT)
	return inserted


def _existing(names: list[str]) -> list[str]:
	found = []
	for start in range(0, len(names), CHUNK):
		found.extend(
			frappe.get_all(
				TOUCHPOINT,
				filters={"name": ("in", names[start : start + CHUNK])},
				pluck="name",
				order_by=None,
			)
		)
	return found


def record_safely(rows: list[dict], source: str) -> None:
	"""Record captured touchpoints without ever breaking the action that caused them.

	Written in the caller's transaction behind a savepoint (cheap: one insert). If that fails the
	savepoint is rolled back, the error logged, and a retry job queued after commit; the hourly
	sweep (`capture_sweep.sweep`) re-derives platform captures from their source documents, and capture
	keys make every retry idempotent.
	"""
	if not rows:
		return
	savepoint = "rc_touchpoint_capture"
	try:
		frappe.db.savepoint(savepoint)
		record_many(rows)
		frappe.db.release_savepoint(savepoint)
	except Exception:
		with contextlib.suppress(Exception):  # the savepoint itself may be what failed
			frappe.db.rollback(save_point=savepoint)
		frappe.log_error(title=f"recruit_crm: touchpoint capture failed ({source})")
		try:
			frappe.enqueue(
				"recruit_crm.tasks.engagement.retry_capture",
				queue="short",
				enqueue_after_commit=True,
				rows=[_serialisable(r) for r in rows],
				source=source,
			)
		except Exception:
			frappe.log_error(title=f"recruit_crm: could not queue touchpoint retry ({source})")


def _serialisable(row: dict) -> dict:
	return {k: (str(v) if isinstance(v, datetime) else _as_value(v)) for k, v in row.items()}


def timeline(candidate: str, limit: int = 200, before: str | None = None) -> list[dict]:
	"""The candidate's touchpoints across all applications, newest first."""
	t = frappe.qb.DocType(TOUCHPOINT)
	opening = frappe.qb.DocType("Job Opening")
	query = (
		frappe.qb.from_(t)
		.left_join(opening)
		.on(opening.name == t.job_opening)
		.select(
			t.name,
			t.touchpoint_type,
			t.occurred_at,
			t.channel,
			t.direction,
			t.recruiter,
			t.nurture_campaign,
			t.job_opening,
			opening.job_title.as_("job_opening_title"),
			t.job_applicant,
			t.reference_doctype,
			t.reference_name,
			t.details,
		)
		.where(t.candidate == candidate)
		.orderby(t.occurred_at, order=frappe.qb.desc)
		.orderby(t.name, order=frappe.qb.desc)
		.limit(limit)
	)
	if before:
		query = query.where(t.occurred_at < get_datetime(before))
	return query.run(as_dict=True)


RECRUITER_LOGGABLE = (
	TouchpointType.CALL.value,
	TouchpointType.MEETING.value,
	TouchpointType.MESSAGE.value,
	TouchpointType.EVENT_ATTENDED.value,
	TouchpointType.NOTE.value,
)

_DEFAULT_CHANNEL = {
	TouchpointType.CALL.value: TouchpointChannel.PHONE.value,
	TouchpointType.MEETING.value: TouchpointChannel.MEETING.value,
	TouchpointType.MESSAGE.value: TouchpointChannel.MESSAGING.value,
	TouchpointType.EVENT_ATTENDED.value: TouchpointChannel.EVENT.value,
	TouchpointType.NOTE.value: TouchpointChannel.OTHER.value,
}


def log_activity(
	candidate: str,
	touchpoint_type: str,
	summary: str | None = None,
	occurred_at: datetime | str | None = None,
	direction: str | None = None,
	job_opening: str | None = None,
) -> None:
	"""A recruiter logs a call, meeting, message, event or note they had with the candidate."""
	if touchpoint_type not in RECRUITER_LOGGABLE:
		frappe.throw(frappe._("Recruiters can log calls, meetings, messages, events and notes only."))
	if occurred_at and get_datetime(occurred_at) > now_datetime():
		frappe.throw(frappe._("An activity cannot be logged in the future."))
	record(
		candidate,
		touchpoint_type,
		occurred_at=occurred_at,
		channel=_DEFAULT_CHANNEL[touchpoint_type],
		direction=direction
		or (
			TouchpointDirection.INTERNAL.value
			if touchpoint_type == TouchpointType.NOTE.value
			else TouchpointDirection.OUTBOUND.value
		),
		recruiter=frappe.session.user,
		job_opening=job_opening,
		details=summary,
	)
