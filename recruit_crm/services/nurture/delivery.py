"""Delivering nurture email: claim due messages in batches, render, send over SMTP, record.

Guarantee: no message is ever sent twice, and none is silently lost.

- **Claim** (one short transaction): `SELECT ... FOR UPDATE SKIP LOCKED` takes a batch of due
  `Queued` ledger rows; suppression (unsubscribed, bounced, consent, do-not-contact), paused
  campaigns, business hours, holidays, frequency preferences and caps are applied to the batch;
  the rest become `Sending` under this worker's claim token, and the transaction commits.
- **Send**: messages go out strictly in name order over one SMTP session; after each accepted
  message its row becomes `Sent` and that is committed *before the next message's DATA*. The
  replies to its UPDATE and COMMIT (the outcome is durable) are awaited right before that DATA
  and before any other statement on the connection (`_Ledger`); meanwhile the next message's
  MAIL and RCPT go out (they deliver nothing), and the message after it is rendered while the
  server takes this one in, so the database's, the mail server's and the worker's work overlap.
- **Crash**: each worker holds a MariaDB named lock on its claim token for as long as its
  connection lives. When the lock is free (the worker died) or the lease expired, the claim's
  first still-`Sending` message may or may not have reached the server: it becomes `Unknown`
  (an operator confirms, retries or cancels it); the later ones were never attempted and are
  released to the queue. So a kill costs at most one `Unknown` and never a duplicate.
- **Mail server down**: a session that fails before DATA (no connection, closed while idle,
  reset, a 421) cannot have delivered the message: it is retried on a new session, at once and
  then after growing pauses, for up to `SMTP_PATIENCE`; then the unsent rest of the claim goes
  back to the queue and the worker stops. Only a failure from DATA on is ambiguous (`Unknown`).
- **Lease**: a claim is leased (`claims.LEASE`); the worker renews it before an SMTP transaction
  once half has passed (a long wait for the mail server keeps its claim), and a renewal that
  finds a row taken over stops the worker before it sends anything more.
- **Record**: the timeline Communication, the Email Queue row (status Sent, same Message-ID, no
  MIME copy), the touchpoint and the enrolment's next step are written per micro-batch in
  multi-row statements, idempotently (names derive from the ledger row), and re-done by
  recovery for any `Sent` row a crash left unrecorded (`recording`).

Why not `frappe.sendmail`: it inserts an Email Queue document, renders the standard template and
runs Premailer for every message (about 11 ms of CPU and 10.7 KB stored per message, measured),
and its scheduler flush gives no exactly-once guarantee. This path keeps Email Queue and
Communication semantics (rows, Message-IDs, threading, timeline) at a fraction of the cost.
"""

import smtplib
import time
from collections import defaultdict
from datetime import datetime, timedelta
from typing import NamedTuple

from pymysql.constants import COMMAND
from pymysql.protocol import OKPacketWrapper

import frappe
from frappe.utils import now_datetime

from recruit_crm.domain import nurture, send_rules
from recruit_crm.services.compliance import consent
from recruit_crm.services.nurture import audience, engine
from recruit_crm.services.nurture.claims import (
	BATCH,
	LEASE,
	Lease,
	WorkerLostClaim,
	claim,
	hold_worker_lock,
	lock_name,
	new_worker_token,
	release_worker_lock,
)
from recruit_crm.services.nurture.constants import MESSAGE
from recruit_crm.services.nurture.recording import record_sent, render_row
from recruit_crm.services.nurture.rendering import Renderer, build_mime
from recruit_crm.services.nurture.smtp_sessions import (
	Accounts,
	NotSent,
	SmtpUnavailable,
	open_transaction,
	send_data,
)
from recruit_crm.services.pipeline import automation_mail

RECORD_EVERY = 100
MAX_TRANSIENT_ATTEMPTS = 3
# While the mail server is unreachable: the pauses between connection attempts (the first retry
# is immediate: a server closes idle sessions), how long a worker keeps trying before it gives
# its claim back, and when those messages are due again.
RETRY_DELAYS = (0.0, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0)
SMTP_PATIENCE = 120.0
RETRY_LATER = timedelta(minutes=2)


def recover(now: datetime | None = None) -> dict:
	"""Resolve claims of dead workers (Unknown / back to queue) and record unrecorded sends."""
	now = now or now_datetime()
	unknown, released = 0, 0
	tokens = frappe.db.sql(
		f"select distinct claimed_by from `tab{MESSAGE}` where status = 'Sending' and claimed_by is not null",
		pluck=True,
	)
	for token in tokens:
		alive = not frappe.db.sql("select is_free_lock(%s)", lock_name(token))[0][0]
		expired = frappe.db.sql(
			f"""select 1 from `tab{MESSAGE}` where claimed_by = %s and status = 'Sending'
			and lease_expires_at < %s limit 1""",
			(token, now),
		)
		if alive and not expired:
			continue
		# A locking read: the rows as they are now, not as this transaction's snapshot (taken by the
		# first query, perhaps before the worker recorded its last outcome and died) saw them.
		pending = frappe.db.sql(
			f"""select name from `tab{MESSAGE}` where claimed_by = %s and status = 'Sending'
			order by name for update""",
			token,
			pluck=True,
		)
		maybe_sent, never_tried = send_rules.resolve_dead_claim(pending)
		if maybe_sent:
			frappe.db.sql(
				f"""update `tab{MESSAGE}` set status = 'Unknown', modified = %(now)s,
					error = 'The sending worker stopped after claiming this message; the mail server may or may not have accepted it. Check its log, then mark it sent, retry or cancel.'
				where name in %(names)s and status = 'Sending' and claimed_by = %(token)s""",
				{"names": maybe_sent, "now": now, "token": token},
			)
			unknown += len(maybe_sent)
		if never_tried:
			frappe.db.sql(
				f"""update `tab{MESSAGE}` set status = 'Queued', claimed_by = null, claimed_at = null,
					lease_expires_at = null, modified = %(now)s
				where name in %(names)s and status = 'Sending' and claimed_by = %(token)s""",
				{"names": never_tried, "now": now, "token": token},
			)
			released += len(never_tried)
	frappe.db.commit()  # nosemgrep: recovery decisions must be durable before anything is re-claimed
	unrecorded = frappe.db.sql(
		f"""select name, claimed_by from `tab{MESSAGE}` where status = 'Sent' and is_recorded = 0
		order by name limit 5000""",
	)
	dead = [
		name
		for name, token in unrecorded
		if not token or frappe.db.sql("select is_free_lock(%s)", lock_name(token))[0][0]
	]
	if dead:
		record_sent(dead)
		frappe.db.commit()  # nosemgrep
	return {"unknown": unknown, "released": released, "recorded": len(dead)}


_OUTCOME_SQL = f"""update `tab{MESSAGE}` set status = %s, sent_at = %s, message_id = %s, subject = %s,
	error = %s, attempt_count = attempt_count + 1, modified = %s
	where name = %s and claimed_by = %s and status = 'Sending'"""


class _Ledger:
	"""Records each message's outcome durably without waiting for the database in between.

	The outcome's UPDATE and a COMMIT are written to the worker's connection back to back (the
	server runs them in order) and their replies are read later, by `settle()`: the sender
	calls it right before the next message's DATA, and a guard on the connection calls it
	before any other command (a statement a template or a hook runs, the side rows, a
	rollback), so nothing overtakes them. Meanwhile the next message's MAIL and RCPT go out
	while the server updates the row and flushes its log. `settle()` raises if either failed, or if
	the row was no longer ours (`WorkerLostClaim`), before anything else is delivered. No query
	bookkeeping and no START TRANSACTION round trip (autocommit is off, so the next statement
	opens the next transaction). When commit hooks are pending, `frappe.db.commit()` runs them.
	"""

	def __init__(self, token: str):
		self.token = token
		self.conn = None
		self.send_command = None
		self.in_flight: str | None = None  # the ledger row whose outcome awaits its replies

	def __enter__(self):
		self.conn = frappe.db._conn
		self.send_command = self.conn._execute_command
		ledger = self

		def guarded(command, sql):
			ledger.settle()
			return ledger.send_command(command, sql)

		self.conn._execute_command = guarded
		return self

	def __exit__(self, exc_type, *exc):
		try:
			self.settle()
		except Exception:
			if exc_type is None:
				raise
		finally:
			self.conn.__dict__.pop("_execute_command", None)

	def settle(self) -> None:
		"""Read the last outcome's replies: once this returns it is durable."""
		if self.in_flight is None:
			return
		name, self.in_flight = self.in_flight, None
		conn = self.conn
		try:
			conn._next_seq_id = 1  # each reply starts its own packet sequence
			updated = OKPacketWrapper(conn._read_packet()).affected_rows
		finally:
			conn._next_seq_id = 1
			conn._read_ok_packet()  # the COMMIT
		if updated != 1:
			raise WorkerLostClaim(name)

	def record(self, row, status: str, now: datetime, *, message_id=None, subject=None, error=None) -> None:
		values = (
			status,
			now if status == "Sent" else None,
			message_id,
			subject,
			error,
			now,
			row.name,
			self.token,
		)
		if frappe.db.before_commit._functions or frappe.db.after_commit._functions:
			frappe.db.sql(_OUTCOME_SQL, values)
			if frappe.db._cursor.rowcount != 1:
				frappe.db.rollback()
				raise WorkerLostClaim(row.name)
			frappe.db.commit()  # nosemgrep: the outcome must be durable before the next message's DATA
			return
		self.settle()
		query = frappe.db._cursor.mogrify(_OUTCOME_SQL, values).encode(self.conn.encoding)
		self.send_command(COMMAND.COM_QUERY, query)
		self.send_command(COMMAND.COM_QUERY, b"COMMIT")
		self.in_flight = row.name


def send_due(
	batch_size: int = BATCH,
	max_seconds: float = 50,
	token: str | None = None,
	until_empty: bool = False,
	on_ready=None,
	max_batches: int | None = None,
	lease: timedelta | None = None,
	smtp_patience: float = SMTP_PATIENCE,
	campaign: str | None = None,
) -> dict:
	"""Claim and send due messages until none are due or the time is up. Returns counts.

	`on_ready` is called once this worker holds its claim lock (the crash test kills it after);
	`max_batches` stops after that many claims (benchmarks send in rounds); `lease` is how long a
	claim stays this worker's without renewal (`claims.LEASE`; the fault tests shorten it);
	while the mail server is unreachable the worker retries with backoff for up to
	`smtp_patience` seconds, then gives the rest of its claim back to the queue and stops;
	`campaign` limits the claims to that campaign's messages.
	"""
	token = token or new_worker_token()
	lease = lease or LEASE
	hold_worker_lock(token)
	if on_ready:
		on_ready()
	totals = defaultdict(int)
	accounts = Accounts()
	renderer = Renderer()
	started = time.monotonic()
	try:
		totals.update(recover())
		claimed = 0
		while (time.monotonic() - started < max_seconds or until_empty) and claimed != max_batches:
			claim_started = time.monotonic()
			batch = claim(token, batch_size, lease=lease, campaign=campaign)
			claimed += 1
			if not batch:
				break
			held = Lease(token, lease, claim_started)
			server_away = False
			try:
				counts = send_batch(batch, token, accounts, renderer, held, smtp_patience)
			except SmtpUnavailable as e:
				counts, server_away = {**e.args[1], "smtp_unavailable": 1}, True
			for key, value in counts.items():
				totals[key] += value
			if server_away:  # the rest went back to the queue; a later worker tries again
				break
	finally:
		accounts.close()
		release_worker_lock(token)
	return dict(totals)


def send_batch(
	batch: list[dict], token: str, accounts: Accounts, renderer: Renderer, lease: Lease,
	smtp_patience: float = SMTP_PATIENCE,
) -> dict:  # fmt: skip
	"""Send a claimed batch in name order, each outcome committed before the next message's DATA.

	Each message's MAIL and RCPT go out while the previous outcome's COMMIT is in flight (they
	deliver nothing), and the next message is rendered while the server takes this one in.
	Raises `SmtpUnavailable(error, counts)` (after giving the unsent rest of the batch back to
	the queue) when the mail server stays unreachable for `smtp_patience` seconds."""
	renderer.load_people(sorted({r.candidate for r in batch}))
	pipeline = automation_mail.Batch(renderer, batch)
	counts = defaultdict(int)
	pending_record: list[str] = []
	rendered: dict[str, tuple] = {}
	names = [r.name for r in batch]
	ahead: _Message | _NotRendered | None = None
	with _Ledger(token) as ledger:
		for index, row in enumerate(batch):
			now = now_datetime()
			message, ahead = ahead or _compose(renderer, pipeline, accounts, row), None
			if isinstance(message, _NotRendered):
				ledger.record(row, "Failed", now, error=f"Could not render: {message.error}"[:1000])
				counts["failed"] += 1
				frappe.log_error(
					title="Nurture email could not be rendered",
					message=message.traceback,
					reference_doctype=MESSAGE,
					reference_name=row.name,
				)
				continue
			unsent = names[index:]
			try:
				counts["smtp_retries"] += _open_transaction(
					accounts, lease, row, message.sender, len(message.raw), unsent, smtp_patience
				)
				ledger.settle()  # the previous outcome is durable before this message's DATA
				verdict = send_data(accounts.session(row.email_account), message.raw)
				if index + 1 < len(batch):  # while the server takes this message in
					ahead = _compose(renderer, pipeline, accounts, batch[index + 1])
				verdict()
			except smtplib.SMTPRecipientsRefused as e:
				code = next(iter(e.recipients.values()))[0] if e.recipients else 550
				_handle_refusal(ledger, row, code, str(e), now, counts)
				continue
			except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as e:
				_handle_refusal(ledger, row, e.smtp_code, str(e), now, counts)
				continue
			except SmtpUnavailable as e:
				_give_back(unsent, token, e.args[0], now_datetime())
				if pending_record:
					_record_side_rows(pending_record, rendered)
				raise SmtpUnavailable(e.args[0], dict(counts)) from e
			except (smtplib.SMTPException, OSError) as e:
				# The connection broke mid-transaction: the server may or may not have taken the message.
				accounts.drop(row.email_account)
				ledger.record(row, "Unknown", now, error=f"Connection lost while sending: {e}"[:1000])
				counts["unknown"] += 1
				continue
			ledger.record(row, "Sent", now, message_id=message.message_id, subject=message.subject)
			counts["sent"] += 1
			rendered[row.name] = (message.subject, message.html, message.template, message.message_id, now)
			pending_record.append(row.name)
			if len(pending_record) >= RECORD_EVERY:
				_record_side_rows(pending_record, rendered)
				pending_record = []
		if pending_record:
			_record_side_rows(pending_record, rendered)
	return counts


class _Message(NamedTuple):
	sender: str
	subject: str
	html: str
	template: str | None
	message_id: str
	raw: bytes


class _NotRendered(NamedTuple):
	error: str
	traceback: str


def _compose(renderer: Renderer, pipeline: automation_mail.Batch, accounts: Accounts, row):
	"""The row's message ready to send, or why it could not be rendered (`_NotRendered`)."""
	try:
		subject, html, template_name, attachments = render_row(renderer, pipeline, row)
		account = accounts.sender(row.email_account)
		message_id = renderer.message_id(row.name)
		raw = build_mime(
			sender=account.email, sender_name=account.sender_name or account.email,
			recipient=row.recipient, subject=subject, html=html, message_id=message_id,
			reply_to=account.email, one_click_url=renderer.one_click_url(row.candidate),
			attachments=attachments,
		)  # fmt: skip
	except Exception as e:
		return _NotRendered(str(e), frappe.get_traceback(with_context=True))
	return _Message(account.email, subject, html, template_name, message_id, raw)


def _open_transaction(
	accounts: Accounts, lease: Lease, row, sender: str, size: int, unsent: list[str], patience: float
) -> int:
	"""MAIL and RCPT of one message over the account's session; returns how many times it had to
	reconnect.

	A session that fails before DATA (`NotSent`: not connected, closed while idle, reset) is
	dropped and the message tried again on a new one: at once the first time, then after a
	growing pause (`RETRY_DELAYS`), keeping the claim's lease, for up to `patience` seconds;
	then `SmtpUnavailable`. Refusals are raised to the caller."""
	retries = 0
	waiting_since = None
	while True:
		lease.keep(unsent)  # never start an SMTP transaction for rows that are no longer ours
		try:
			open_transaction(accounts.session(row.email_account), sender, row.recipient, size)
			return retries
		except NotSent as e:
			accounts.drop(row.email_account)
			waiting_since = waiting_since or time.monotonic()
			waited = time.monotonic() - waiting_since
			if waited >= patience:
				raise SmtpUnavailable(str(e)) from e
			_pause(min(RETRY_DELAYS[min(retries, len(RETRY_DELAYS) - 1)], patience - waited), lease, unsent)
			retries += 1


def _pause(seconds: float, lease: Lease, unsent: list[str]) -> None:
	"""Sleep `seconds`, renewing the claim's lease meanwhile."""
	until = time.monotonic() + seconds
	while (left := until - time.monotonic()) > 0:
		time.sleep(min(left, max(lease.seconds_to_renewal(), 0.05)))
		lease.keep(unsent)


def _give_back(names: list[str], token: str, error: str, now: datetime) -> None:
	"""Return claimed rows that were never sent to the queue, due again after `RETRY_LATER`."""
	frappe.db.sql(
		f"""update `tab{MESSAGE}` set status = 'Queued', claimed_by = null, claimed_at = null,
			lease_expires_at = null, due_at = %(due)s, error = %(error)s, modified = %(now)s
		where name in %(names)s and claimed_by = %(token)s and status = 'Sending'""",
		{"names": names, "token": token, "due": now + RETRY_LATER, "error": error[:1000], "now": now},
	)
	frappe.log_error(
		title="Nurture sending paused: the mail server is unreachable",
		message=f"{len(names)} messages go back to the queue, due again in {RETRY_LATER}: {error}",
	)
	frappe.db.commit()  # nosemgrep: the rows go back to the queue before this worker stops


def _record_side_rows(names: list[str], rendered: dict) -> None:
	"""`record_sent` for a micro-batch, in its own transaction. The outcomes are already durable,
	so a deadlock with another worker's side rows is retried (the writes are idempotent); a
	failure that persists stops the worker, and recovery records the rows."""
	for attempt in range(3):
		try:
			record_sent(names, rendered)
			frappe.db.commit()  # nosemgrep
			return
		except (frappe.QueryDeadlockError, frappe.QueryTimeoutError):
			frappe.db.rollback()
			if attempt == 2:
				raise
			time.sleep(0.05 * (attempt + 1))


def _handle_refusal(ledger: _Ledger, row, code: int | None, error: str, now: datetime, counts) -> None:
	"""The server refused the message, so it was certainly not sent: a 5xx is final (a hard bounce
	for the recipient), a 4xx is retried later."""
	if code and 400 <= code < 500 and row.attempt_count + 1 < MAX_TRANSIENT_ATTEMPTS:
		frappe.db.sql(
			f"""update `tab{MESSAGE}` set status = 'Queued', claimed_by = null, lease_expires_at = null,
				due_at = %s, error = %s, attempt_count = attempt_count + 1, modified = %s
			where name = %s and claimed_by = %s and status = 'Sending'""",
			(
				now + timedelta(minutes=15 * (row.attempt_count + 1)),
				error[:1000],
				now,
				row.name,
				ledger.token,
			),
		)
		frappe.db.commit()  # nosemgrep
		counts["deferred"] += 1
		return
	ledger.record(row, "Failed", now, error=f"{code}: {error}"[:1000])
	ledger.settle()
	counts["failed"] += 1
	if code and code >= 500:
		consent.mark_bounced(row.candidate, error[:140])
		frappe.db.sql(f"update `tab{MESSAGE}` set bounced_at = %s where name = %s", (now, row.name))
		if row.enrollment:
			audience.exit_enrollments([row.enrollment], nurture.ExitReason.BOUNCED.value, now)
	elif row.enrollment:
		engine.continue_after_messages([row.enrollment], now)
	frappe.db.commit()  # nosemgrep
