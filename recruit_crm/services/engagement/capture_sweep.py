"""The capture safety nets: the hourly sweep that re-reads every source document modified since its
watermark, and the sync of Email Queue delivery (which runs no hooks) into touchpoints and
bounces.
"""

from datetime import datetime, timedelta

import frappe
from frappe.utils import get_datetime

from recruit_crm.domain.consent import is_hard_bounce
from recruit_crm.domain.types import TouchpointChannel, TouchpointDirection, TouchpointType
from recruit_crm.services.compliance.consent import mark_bounced
from recruit_crm.services.engagement.capture import SOURCES, candidates_by_email
from recruit_crm.services.engagement.scoring import CHUNK
from recruit_crm.services.engagement.touchpoints import record_many

OVERLAP = timedelta(minutes=15)  # re-read a margin before each watermark: late commits are not missed


def _watermark_key(source: str) -> str:
	return f"recruit_crm_capture_watermark::{source}"


def _get_watermark(source: str) -> datetime | None:
	value = frappe.db.get_default(_watermark_key(source))
	return get_datetime(value) if value else None


def _set_watermark(source: str, value: datetime) -> None:
	frappe.db.set_default(_watermark_key(source), str(value))


def sweep(sources: list[str] | None = None, limit: int = 20_000) -> dict[str, int]:
	"""Re-derive touchpoints from every source document modified since its watermark.

	Returns touchpoints newly recorded per source (0 when the live path already caught all).
	"""
	result = {}
	for source in sources or list(SOURCES):
		since = _get_watermark(source)
		filters = {"modified": (">=", since - OVERLAP)} if since else {}
		docs = frappe.get_all(
			source, filters=filters, fields=["name", "modified"], order_by="modified asc", limit=limit
		)
		recorded = 0
		for start in range(0, len(docs), CHUNK):
			chunk = docs[start : start + CHUNK]
			recorded += record_many(SOURCES[source]([d.name for d in chunk]))
		if docs:
			_set_watermark(source, docs[-1].modified)
		result[source] = recorded
	return result


def sync_email_queue(limit: int = 20_000) -> int:
	"""Delivery status from Email Queue (Sent -> Email Delivered, Error -> Email Bounced), set-based.

	Email Queue rows change status through `db.set_value` (no hooks), so this reads them from a
	watermark on `modified`. A hard bounce also marks the candidate bounced.
	"""
	since = _get_watermark("Email Queue")
	rows = frappe.db.sql(
		"""select q.name, q.status, q.error, q.modified, q.reference_doctype, q.reference_name,
			q.communication, lower(r.recipient) as recipient
		from `tabEmail Queue` q join `tabEmail Queue Recipient` r on r.parent = q.name
		where q.status in ('Sent', 'Error') and q.modified >= %s
		order by q.modified limit %s""",
		[(since - OVERLAP) if since else datetime(1970, 1, 1), limit],
		as_dict=True,
	)
	if not rows:
		return 0
	by_email = candidates_by_email(r.recipient for r in rows)
	touchpoints, bounced = [], {}
	for row in rows:
		candidate = by_email.get(row.recipient)
		if not candidate:
			continue
		delivered = row.status == "Sent"
		kind = TouchpointType.EMAIL_DELIVERED.value if delivered else TouchpointType.EMAIL_BOUNCED.value
		touchpoints.append(
			{
				"candidate": candidate,
				"touchpoint_type": kind,
				"occurred_at": row.modified,
				"channel": TouchpointChannel.EMAIL.value,
				"direction": TouchpointDirection.OUTBOUND.value,
				"nurture_campaign": row.reference_name
				if row.reference_doctype == "RC Nurture Campaign"
				else None,
				"reference_doctype": "Communication" if row.communication else None,
				"reference_name": row.communication,
				"details": None if delivered else _last_line(row.error) or "Delivery failed",
				"dedupe_key": f"Email Queue:{row.name}:{row.recipient}:{row.status}",
			}
		)
		if not delivered and is_hard_bounce(row.error):
			bounced[candidate] = row.error
	recorded = record_many(touchpoints)
	if bounced:
		for candidate, error in bounced.items():
			mark_bounced(candidate, error)
	_set_watermark("Email Queue", rows[-1].modified)
	return recorded


def _last_line(text: str | None) -> str:
	lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
	return lines[-1][:500] if lines else ""
