"""Claiming due messages for one sending worker: a short transaction takes a batch with
SKIP LOCKED, applies suppression, paused campaigns, send windows, holidays, frequency
preferences and caps, and marks the rest Sending under the worker's token, which a MariaDB
named lock holds for as long as the worker lives. The claim is leased: the worker renews the
lease while it works (`Lease`), and recovery takes the claim of a worker whose lock is gone or
whose lease ran out.
"""

import hashlib
import os
import random
import socket
import time
from collections import defaultdict
from datetime import datetime, timedelta

import frappe
from frappe.utils import now_datetime

from recruit_crm.domain import nurture, send_rules
from recruit_crm.domain.consent import BASIS_SQL
from recruit_crm.services.nurture import audience, campaigns, constants, engine
from recruit_crm.services.nurture.constants import MESSAGE, SENDABLE_SQL, SUPPRESSION_REASON_SQL
from recruit_crm.services.pipeline import automation_mail

BATCH = 200
LEASE = timedelta(minutes=10)
CLAIM_LOCK = "rc_nurture_claim"


def new_worker_token() -> str:
	return f"{socket.gethostname()[:20]}:{os.getpid()}:{random.randrange(36**6):06x}"


def lock_name(token: str) -> str:
	return "rcn:" + hashlib.sha1(token.encode()).hexdigest()[:40]


def hold_worker_lock(token: str) -> None:
	"""Held for the life of this DB connection: its release tells others the worker is gone."""
	if not frappe.db.sql("select get_lock(%s, 0)", lock_name(token))[0][0]:
		raise RuntimeError(f"claim token {token} is already in use")


def release_worker_lock(token: str) -> None:
	frappe.db.sql("select release_lock(%s)", lock_name(token))


class Lease:
	"""This worker's hold on its claimed batch (`claim` leased it for `length`).

	Before each SMTP transaction, once half the lease has passed, it is renewed for the rows not
	yet attempted; a renewal that finds one of them no longer ours (recovery took the claim of a
	worker it thought dead or stuck) raises `WorkerLostClaim`, so such a worker sends nothing more.
	"""

	def __init__(self, token: str, length: timedelta, claimed_at: float):
		self.token = token
		self.length = length.total_seconds()
		self.renew_at = claimed_at + self.length / 2  # time.monotonic() just before the claim

	def seconds_to_renewal(self) -> float:
		return max(0.0, self.renew_at - time.monotonic())

	def keep(self, names: list[str]) -> None:
		"""Renew the lease of `names` (still `Sending` under our token) if half of it has passed."""
		started = time.monotonic()
		if started < self.renew_at or not names:
			return
		now = now_datetime()
		frappe.db.sql(
			f"""update `tab{MESSAGE}` set lease_expires_at = %(until)s
			where name in %(names)s and claimed_by = %(token)s and status = 'Sending'""",
			{"until": now + timedelta(seconds=self.length), "names": names, "token": self.token},
		)
		if frappe.db._cursor.rowcount != len(names):
			frappe.db.rollback()
			raise WorkerLostClaim(names[0])
		frappe.db.commit()  # nosemgrep: the renewed lease must be visible to recovery
		self.renew_at = started + self.length / 2


class WorkerLostClaim(Exception):
	"""Our claim was taken over (the DB connection was lost and recovery ran): stop sending."""


def claim(
	token: str,
	batch_size: int = BATCH,
	now: datetime | None = None,
	lease: timedelta = LEASE,
	campaign: str | None = None,
) -> list[dict]:
	"""Take up to `batch_size` due messages for this worker (one short transaction), leased to it
	for `lease` (the sender renews the lease while it works through them); only `campaign`'s when
	given (a sender started for one campaign, as the benchmarks and fault tests start theirs)."""
	now = now or now_datetime()
	only = "and nurture_campaign = %(campaign)s" if campaign else ""
	# Mail of an account whose outgoing mail is disabled waits, untouched, until it is enabled.
	disabled = frappe.get_all("Email Account", filters={"enable_outgoing": 0}, pluck="name")
	if disabled:
		only += " and (email_account is null or email_account not in %(disabled)s)"
	if not frappe.db.sql("select get_lock(%s, 10)", CLAIM_LOCK)[0][0]:  # serialises cap accounting
		return []
	try:
		rows = frappe.db.sql(
			f"""select name, enrollment, nurture_campaign, candidate, recipient, email_account, step_key,
				step_idx, variant, entry_round, attempt_count, pipeline_automation, job_applicant, interview,
				idempotency_key, is_transactional
			from `tab{MESSAGE}` where status = 'Queued' and due_at <= %(now)s {only}
			order by due_at, name limit %(limit)s for update skip locked""",
			{"now": now, "limit": batch_size, "campaign": campaign, "disabled": disabled},
			as_dict=True,
		)
		if not rows:
			frappe.db.commit()  # nosemgrep
			return []
		ready = _apply_send_rules(rows, now)
		if ready:
			frappe.db.sql(
				f"""update `tab{MESSAGE}` m join `tabRC Candidate` c on c.name = m.candidate
				set m.status = 'Sending', m.claimed_by = %(token)s, m.claimed_at = %(now)s,
					m.lease_expires_at = %(lease)s, m.modified = %(now)s,
					m.lawful_basis = if(m.is_transactional = 1, null, {BASIS_SQL})
				where m.name in %(names)s""",
				{
					"token": token,
					"now": now,
					"lease": now + lease,
					"names": [r.name for r in ready],
					"today": now.date(),
				},
			)
		frappe.db.commit()  # nosemgrep: the claim is one short transaction
	finally:
		frappe.db.sql("select release_lock(%s)", CLAIM_LOCK)
	return sorted(ready, key=lambda r: r.name)


def _apply_send_rules(rows: list[dict], now: datetime) -> list[dict]:
	"""Suppress, defer or keep each claimed row; returns the rows that may be sent now.

	Pipeline emails (transactional, no campaign) follow their own rules (`automation_mail`)."""
	pipeline_rows = [r for r in rows if r.get("pipeline_automation")]
	if pipeline_rows:
		ready_pipeline = automation_mail.apply_send_rules(pipeline_rows, now)
		rows = [r for r in rows if not r.get("pipeline_automation")]
		if not rows:
			return ready_pipeline
		return _apply_campaign_rules(rows, now) + ready_pipeline
	return _apply_campaign_rules(rows, now)


def _apply_campaign_rules(rows: list[dict], now: datetime) -> list[dict]:
	candidates = sorted({r.candidate for r in rows})
	params = {"names": candidates, "today": now.date()}
	people = {
		p.name: p
		for p in frappe.db.sql(
			f"""select c.name, c.timezone, c.emails_paused_until, c.email_frequency,
				{SENDABLE_SQL} as sendable, {SUPPRESSION_REASON_SQL} as reason
			from `tabRC Candidate` c where c.name in %(names)s""",
			params,
			as_dict=True,
		)
	}
	enrollment_status = dict(
		frappe.db.sql(
			f"select name, status from `tab{constants.ENROLLMENT}` where name in %(names)s",
			{"names": sorted({r.enrollment for r in rows})},
		)
	)
	last_sent = dict(
		frappe.db.sql(
			f"""select candidate, max(sent_at) from `tab{MESSAGE}`
			where candidate in %(names)s and status = 'Sent' group by candidate""",
			params,
		)
	)
	docs = {name: campaigns.campaign_doc(name) for name in {r.nurture_campaign for r in rows}}
	windows = {name: campaigns.window_of(doc) for name, doc in docs.items()}
	aware_now = constants.to_aware(now)

	suppressed: dict[str, list[str]] = defaultdict(list)
	cancelled: list[str] = []
	deferred: dict[datetime, list[str]] = defaultdict(list)
	candidates_ok: list[dict] = []
	for r in rows:
		person = people.get(r.candidate)
		campaign = docs[r.nurture_campaign]
		status = enrollment_status.get(r.enrollment)
		if not person or not person.sendable:
			suppressed[person.reason if person else "Do Not Contact"].append(r)
			continue
		if status in ("Exited", "Completed") or campaign.status == "Completed":
			cancelled.append(r.name)
			continue
		if campaign.status != "Active" or status == "Paused":
			deferred[now + timedelta(minutes=15)].append(r.name)
			continue
		if person.emails_paused_until and constants.getdate(person.emails_paused_until) > now.date():
			deferred[
				datetime.combine(constants.getdate(person.emails_paused_until), datetime.min.time())
			].append(r.name)
			continue
		hold = send_rules.frequency_hold(
			person.email_frequency or "",
			constants.to_aware(last_sent[r.candidate]) if last_sent.get(r.candidate) else None,
			aware_now,
		)
		if hold:
			deferred[constants.to_naive(hold)].append(r.name)
			continue
		at = send_rules.next_send_time(windows[r.nurture_campaign], person.timezone, aware_now)
		if at > aware_now:
			deferred[constants.to_naive(at)].append(r.name)
			continue
		candidates_ok.append(r)

	capped = [
		r
		for r in candidates_ok
		if docs[r.nurture_campaign].per_sender_daily_cap or docs[r.nurture_campaign].per_campaign_hourly_cap
	]
	ready = [r for r in candidates_ok if r not in capped] if capped else candidates_ok
	if capped:
		usage = _cap_usage(capped, now)
		allowed, later = send_rules.allocate(
			[(r.name, r.email_account, r.nurture_campaign) for r in capped],
			{name: campaigns.caps_of(doc) for name, doc in docs.items()},
			usage,
			aware_now,
		)
		allowed_set = set(allowed)
		ready += [r for r in capped if r.name in allowed_set]
		for name, at in later.items():
			deferred[constants.to_naive(at)].append(name)

	for reason, items in suppressed.items():
		engine.mark_suppressed([r.name for r in items], now)
		audience.exit_enrollments(sorted({r.enrollment for r in items}), reason, now)
	if cancelled:
		frappe.db.sql(
			f"update `tab{MESSAGE}` set status = 'Cancelled', modified = %(now)s where name in %(names)s",
			{"names": cancelled, "now": now},
		)
	for at, names in deferred.items():
		frappe.db.sql(
			f"update `tab{MESSAGE}` set due_at = %(at)s, modified = %(now)s where name in %(names)s",
			{"names": names, "at": at, "now": now},
		)
	return ready


def _cap_usage(rows: list[dict], now: datetime) -> send_rules.CapUsage:
	"""Messages claimed since the start of this UTC day per sender, and of this hour per campaign."""
	aware = constants.to_aware(now).astimezone(nurture.UTC)
	day_start = constants.to_naive(aware.replace(hour=0, minute=0, second=0, microsecond=0))
	hour_start = constants.to_naive(aware.replace(minute=0, second=0, microsecond=0))
	claimed = "status in ('Sending', 'Sent', 'Unknown')"
	senders = dict(
		frappe.db.sql(
			f"""select email_account, count(*) from `tab{MESSAGE}` where claimed_at >= %(start)s and {claimed}
			and email_account in %(senders)s group by email_account""",
			{"start": day_start, "senders": sorted({r.email_account for r in rows})},
		)
	)
	per_campaign = dict(
		frappe.db.sql(
			f"""select nurture_campaign, count(*) from `tab{MESSAGE}` where claimed_at >= %(start)s and {claimed}
			and nurture_campaign in %(campaigns)s group by nurture_campaign""",
			{"start": hour_start, "campaigns": sorted({r.nurture_campaign for r in rows})},
		)
	)
	return send_rules.CapUsage(sender_today=dict(senders), campaign_this_hour=dict(per_campaign))
