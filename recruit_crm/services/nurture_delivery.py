"""Delivering nurture email: claim due messages in batches, render, send over SMTP, record.

Guarantee: no message is ever sent twice, and none is silently lost.

- **Claim** (one short transaction): `SELECT ... FOR UPDATE SKIP LOCKED` takes a batch of due
  `Queued` ledger rows; suppression (unsubscribed, bounced, consent, do-not-contact), paused
  campaigns, business hours, holidays, frequency preferences and caps are applied to the batch;
  the rest become `Sending` under this worker's claim token, and the transaction commits.
- **Send**: messages go out strictly in name order over one SMTP session; after each accepted
  message its row becomes `Sent` and that is committed *before the next message is attempted*.
- **Crash**: each worker holds a MariaDB named lock on its claim token for as long as its
  connection lives. When the lock is free (the worker died) or the lease expired, the claim's
  first still-`Sending` message may or may not have reached the server: it becomes `Unknown`
  (an operator confirms, retries or cancels it); the later ones were never attempted and are
  released to the queue. So a kill costs at most one `Unknown` and never a duplicate.
- **Record**: the timeline Communication, the Email Queue row (status Sent, same Message-ID, no
  MIME copy), the touchpoint and the enrolment's next step are written per micro-batch in
  multi-row statements, idempotently (names derive from the ledger row), and re-done by
  recovery for any `Sent` row a crash left unrecorded.

Why not `frappe.sendmail`: it inserts an Email Queue document, renders the standard template and
runs Premailer for every message (about 11 ms of CPU and 10.7 KB stored per message, measured),
and its scheduler flush gives no exactly-once guarantee. This path keeps Email Queue and
Communication semantics (rows, Message-IDs, threading, timeline) at a fraction of the cost.
"""

import base64
import contextlib
import hashlib
import os
import random
import re
import smtplib
import socket
import time
from collections import defaultdict
from datetime import datetime, timedelta
from email.header import Header
from email.utils import formataddr, formatdate

import frappe
from frappe.utils import get_url, now_datetime

from recruit_crm.domain import nurture as rules
from recruit_crm.services import nurture
from recruit_crm.services.nurture import MESSAGE, SENDABLE_SQL, SUPPRESSION_REASON_SQL

BATCH = 200
LEASE = timedelta(minutes=10)
RECORD_EVERY = 100
CLAIM_LOCK = "rc_nurture_claim"
MAX_TRANSIENT_ATTEMPTS = 3


# --- worker identity --------------------------------------------------------------------------


def new_worker_token() -> str:
	return f"{socket.gethostname()[:20]}:{os.getpid()}:{random.randrange(36**6):06x}"


def _lock_name(token: str) -> str:
	return "rcn:" + hashlib.sha1(token.encode()).hexdigest()[:40]


def hold_worker_lock(token: str) -> None:
	"""Held for the life of this DB connection: its release tells others the worker is gone."""
	if not frappe.db.sql("select get_lock(%s, 0)", _lock_name(token))[0][0]:
		raise RuntimeError(f"claim token {token} is already in use")


def release_worker_lock(token: str) -> None:
	frappe.db.sql("select release_lock(%s)", _lock_name(token))


# --- recovery ---------------------------------------------------------------------------------


def recover(now: datetime | None = None) -> dict:
	"""Resolve claims of dead workers (Unknown / back to queue) and record unrecorded sends."""
	now = now or now_datetime()
	unknown, released = 0, 0
	tokens = frappe.db.sql(
		f"select distinct claimed_by from `tab{MESSAGE}` where status = 'Sending' and claimed_by is not null",
		pluck=True,
	)
	for token in tokens:
		alive = not frappe.db.sql("select is_free_lock(%s)", _lock_name(token))[0][0]
		expired = frappe.db.sql(
			f"""select 1 from `tab{MESSAGE}` where claimed_by = %s and status = 'Sending'
			and lease_expires_at < %s limit 1""",
			(token, now),
		)
		if alive and not expired:
			continue
		pending = frappe.db.sql(
			f"select name from `tab{MESSAGE}` where claimed_by = %s and status = 'Sending' order by name",
			token,
			pluck=True,
		)
		maybe_sent, never_tried = rules.resolve_dead_claim(pending)
		if maybe_sent:
			frappe.db.sql(
				f"""update `tab{MESSAGE}` set status = 'Unknown', modified = %(now)s,
					error = 'The sending worker stopped after claiming this message; the mail server may or may not have accepted it. Check its log, then mark it sent, retry or cancel.'
				where name in %(names)s and status = 'Sending'""",
				{"names": maybe_sent, "now": now},
			)
			unknown += len(maybe_sent)
		if never_tried:
			frappe.db.sql(
				f"""update `tab{MESSAGE}` set status = 'Queued', claimed_by = null, claimed_at = null,
					lease_expires_at = null, modified = %(now)s
				where name in %(names)s and status = 'Sending'""",
				{"names": never_tried, "now": now},
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
		if not token or frappe.db.sql("select is_free_lock(%s)", _lock_name(token))[0][0]
	]
	if dead:
		record_sent(dead)
		frappe.db.commit()  # nosemgrep
	return {"unknown": unknown, "released": released, "recorded": len(dead)}


# --- claiming ---------------------------------------------------------------------------------


def claim(token: str, batch_size: int = BATCH, now: datetime | None = None) -> list[dict]:
	"""Take up to `batch_size` due messages for this worker (one short transaction)."""
	now = now or now_datetime()
	if not frappe.db.sql("select get_lock(%s, 10)", CLAIM_LOCK)[0][0]:  # serialises cap accounting
		return []
	try:
		rows = frappe.db.sql(
			f"""select name, enrollment, nurture_campaign, candidate, recipient, email_account, step_key,
				step_idx, variant, entry_round, attempt_count
			from `tab{MESSAGE}` where status = 'Queued' and due_at <= %s
			order by due_at, name limit %s for update skip locked""",
			(now, batch_size),
			as_dict=True,
		)
		if not rows:
			frappe.db.commit()  # nosemgrep
			return []
		ready = _apply_send_rules(rows, now)
		if ready:
			frappe.db.sql(
				f"""update `tab{MESSAGE}` set status = 'Sending', claimed_by = %(token)s, claimed_at = %(now)s,
					lease_expires_at = %(lease)s, modified = %(now)s where name in %(names)s""",
				{"token": token, "now": now, "lease": now + LEASE, "names": [r.name for r in ready]},
			)
		frappe.db.commit()  # nosemgrep: the claim is one short transaction
	finally:
		frappe.db.sql("select release_lock(%s)", CLAIM_LOCK)
	return sorted(ready, key=lambda r: r.name)


def _apply_send_rules(rows: list[dict], now: datetime) -> list[dict]:
	"""Suppress, defer or keep each claimed row; returns the rows that may be sent now."""
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
			f"select name, status from `tab{nurture.ENROLLMENT}` where name in %(names)s",
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
	campaigns = {name: nurture.campaign_doc(name) for name in {r.nurture_campaign for r in rows}}
	windows = {name: nurture.window_of(doc) for name, doc in campaigns.items()}
	aware_now = nurture.to_aware(now)

	suppressed: dict[str, list[str]] = defaultdict(list)
	cancelled: list[str] = []
	deferred: dict[datetime, list[str]] = defaultdict(list)
	candidates_ok: list[dict] = []
	for r in rows:
		person = people.get(r.candidate)
		campaign = campaigns[r.nurture_campaign]
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
		if person.emails_paused_until and nurture.getdate(person.emails_paused_until) > now.date():
			deferred[
				datetime.combine(nurture.getdate(person.emails_paused_until), datetime.min.time())
			].append(r.name)
			continue
		hold = rules.frequency_hold(
			person.email_frequency or "",
			nurture.to_aware(last_sent[r.candidate]) if last_sent.get(r.candidate) else None,
			aware_now,
		)
		if hold:
			deferred[nurture.to_naive(hold)].append(r.name)
			continue
		at = rules.next_send_time(windows[r.nurture_campaign], person.timezone, aware_now)
		if at > aware_now:
			deferred[nurture.to_naive(at)].append(r.name)
			continue
		candidates_ok.append(r)

	capped = [
		r
		for r in candidates_ok
		if campaigns[r.nurture_campaign].per_sender_daily_cap
		or campaigns[r.nurture_campaign].per_campaign_hourly_cap
	]
	ready = [r for r in candidates_ok if r not in capped] if capped else candidates_ok
	if capped:
		usage = _cap_usage(capped, now)
		allowed, later = rules.allocate(
			[(r.name, r.email_account, r.nurture_campaign) for r in capped],
			{name: nurture.caps_of(doc) for name, doc in campaigns.items()},
			usage,
			aware_now,
		)
		allowed_set = set(allowed)
		ready += [r for r in capped if r.name in allowed_set]
		for name, at in later.items():
			deferred[nurture.to_naive(at)].append(name)

	for reason, items in suppressed.items():
		nurture.mark_suppressed([r.name for r in items], now)
		nurture.exit_enrollments(sorted({r.enrollment for r in items}), reason, now)
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


def _cap_usage(rows: list[dict], now: datetime) -> rules.CapUsage:
	"""Messages claimed since the start of this UTC day per sender, and of this hour per campaign."""
	aware = nurture.to_aware(now).astimezone(rules.UTC)
	day_start = nurture.to_naive(aware.replace(hour=0, minute=0, second=0, microsecond=0))
	hour_start = nurture.to_naive(aware.replace(minute=0, second=0, microsecond=0))
	claimed = "status in ('Sending', 'Sent', 'Unknown')"
	senders = dict(
		frappe.db.sql(
			f"""select email_account, count(*) from `tab{MESSAGE}` where claimed_at >= %(start)s and {claimed}
			and email_account in %(senders)s group by email_account""",
			{"start": day_start, "senders": sorted({r.email_account for r in rows})},
		)
	)
	campaigns = dict(
		frappe.db.sql(
			f"""select nurture_campaign, count(*) from `tab{MESSAGE}` where claimed_at >= %(start)s and {claimed}
			and nurture_campaign in %(campaigns)s group by nurture_campaign""",
			{"start": hour_start, "campaigns": sorted({r.nurture_campaign for r in rows})},
		)
	)
	return rules.CapUsage(sender_today=dict(senders), campaign_this_hour=dict(campaigns))


# --- rendering --------------------------------------------------------------------------------

_TAGS = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"[ \t]*\n[ \t\n]*")


class Renderer:
	"""Renders campaign emails; compiled templates and the branded layout are reused per batch."""

	def __init__(self):
		from frappe.utils.jinja import get_jenv

		self.jenv = get_jenv()  # Frappe's sandboxed Jinja environment
		self.templates: dict[tuple, tuple] = {}
		self.layouts: dict[str, str] = {}
		self.people: dict[str, dict] = {}
		self.site_url = get_url()
		self.domain = frappe.local.site

	def load_people(self, candidates: list[str]) -> None:
		missing = [c for c in candidates if c not in self.people]
		if not missing:
			return
		for p in frappe.db.sql(
			"""select name, full_name, email, current_title, current_employer, location, country,
				crm_stage, readiness_stage from `tabRC Candidate` where name in %(names)s""",
			{"names": missing},
			as_dict=True,
		):
			p["first_name"] = (p.full_name or "").split(" ")[0]
			self.people[p.name] = p

	def _compiled(self, campaign, step_key: str, variant: str):
		key = (campaign.name, step_key, variant)
		if key not in self.templates:
			step = nurture.step_by_key(campaign, step_key)
			template_name = (step.variant_email_template if variant == "B" else None) or step.email_template
			subject_src, body_src = _default_template(step)
			if template_name:
				t = frappe.get_cached_doc("Email Template", template_name)
				subject_src = t.subject or subject_src
				template_body = (t.response_html if t.use_html else t.response) or ""
				body_src = template_body + (body_src if step.step_type != "Send Email" else "")
			if ".__" in subject_src or ".__" in body_src:
				frappe.throw(frappe._("Illegal template"))  # same guard as frappe.render_template
			extra = _step_context(step)
			self.templates[key] = (
				self.jenv.from_string(subject_src),
				self.jenv.from_string(body_src),
				template_name,
				extra,
			)
		return self.templates[key]

	def _layout(self, campaign) -> str:
		if campaign.name not in self.layouts:
			from recruit_crm.services import careers

			brand = careers.settings()
			from frappe.utils.html_utils import sanitize_html

			footer = sanitize_html(frappe.db.get_single_value("RC Settings", "email_footer") or "")
			self.layouts[campaign.name] = frappe.render_template(
				"recruit_crm/templates/emails/rc_nurture.html",
				{
					"brand": brand,
					"footer": footer,
					"company": brand.company or frappe.defaults.get_global_default("company") or "",
					"site_url": self.site_url,
					"logo_url": get_url(brand.logo) if brand.logo else None,
				},
			)
		return self.layouts[campaign.name]

	def render(self, row: dict) -> tuple[str, str, str | None]:
		"""(subject, html, email template) for one ledger row; candidate values are escaped."""
		from html import unescape

		from markupsafe import escape

		campaign = nurture.campaign_doc(row["nurture_campaign"])
		subject_t, body_t, template_name, extra = self._compiled(campaign, row["step_key"], row["variant"])
		person = self.people.get(row["candidate"]) or {}
		# Stored values may or may not be HTML-escaped already (desk saves escape tags, bulk imports
		# do not): normalise, then escape once.
		safe_person = {k: (escape(unescape(v)) if isinstance(v, str) else v) for k, v in person.items()}
		campaign_ctx = {"campaign_name": campaign.campaign_name}
		subject = subject_t.render(candidate=person, doc=person, campaign=campaign_ctx, **extra)
		subject = " ".join(subject.split())[:250]  # no header injection, no runaway subjects
		body = body_t.render(candidate=safe_person, doc=safe_person, campaign=campaign_ctx, **extra)
		# Opens and clicks go through the tracking endpoints, keyed to this ledger row.
		from recruit_crm.services import tracking
		from recruit_crm.services.portal_tokens import UNSUBSCRIBE, make_token

		body = tracking.track_email_html(
			body, row["candidate"], reference_doctype=MESSAGE, reference_name=row["name"],
			nurture_campaign=campaign.name,
		)  # fmt: skip
		unsubscribe = (
			f"{self.site_url}/careers/unsubscribe?t={make_token(row['candidate'], UNSUBSCRIBE, ttl_days=365)}"
		)
		html = (
			self._layout(campaign)
			.replace("<!--rc:body-->", body)
			.replace("<!--rc:unsubscribe-->", unsubscribe)
		)
		return subject, html, template_name

	def one_click_url(self, candidate: str) -> str:
		from recruit_crm.services.portal_tokens import UNSUBSCRIBE, make_token

		return f"{self.site_url}/api/method/recruit_crm.api.portal.unsubscribe?t={make_token(candidate, UNSUBSCRIBE, ttl_days=365)}"

	def message_id(self, message: str) -> str:
		return f"rcn.{message}@{self.domain}"


def _default_template(step) -> tuple[str, str]:
	if step.step_type == "Invite To Apply":
		return (
			"{{ candidate.first_name }}, a role we think fits you: {{ job_opening.title }}",
			"<p>Hi {{ candidate.first_name }},</p><p>We are hiring for <b>{{ job_opening.title }}</b> and thought of you.</p>"
			'<p><a href="{{ job_opening.url }}" class="rc-button">See the role and apply</a></p>',
		)
	if step.step_type == "Share Content":
		return (
			"{{ content.title }}",
			'<div class="rc-card">{% if content.image %}<img src="{{ content.image }}" alt="" style="max-width:100%">{% endif %}'
			"<h3>{{ content.title }}</h3><p>{{ content.summary or '' }}</p>"
			'<p><a href="{{ content.url }}" class="rc-button">{{ content.cta }}</a></p></div>',
		)
	return ("", "")


def _step_context(step) -> dict:
	from recruit_crm.services import careers

	if step.step_type == "Invite To Apply" and step.job_opening:
		jo = (
			frappe.db.get_value(
				"Job Opening", step.job_opening, ["job_title", "route", "designation"], as_dict=True
			)
			or {}
		)
		return {
			"job_opening": {"title": jo.get("job_title"), "url": get_url(careers.job_path(jo.get("route")))}
		}
	if step.step_type == "Share Content" and step.content:
		c = (
			frappe.db.get_value(
				"RC Content",
				step.content,
				["title", "summary", "route", "video_url", "image", "content_type"],
				as_dict=True,
			)
			or {}
		)
		url = c.get("video_url") or get_url(f"/careers/stories/{c.get('route') or step.content}")
		cta = {"Video": "Watch the video", "Testimonial": "Read the story"}.get(
			c.get("content_type"), "Read the article"
		)
		return {
			"content": {
				"title": c.get("title"), "summary": c.get("summary"), "url": url, "cta": cta,
				"image": get_url(c["image"]) if c.get("image") else None, "content_type": c.get("content_type"),
			}
		}  # fmt: skip
	return {}


def _html_to_text(html: str) -> str:
	text = re.sub(r"(?is)<(style|script)[^>]*>.*?</\1>", "", html)
	text = re.sub(r'(?i)<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', r"\2 (\1)", text)
	text = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</h\d>|</tr>", "\n", text)
	text = _TAGS.sub("", text)
	import html as htmllib

	return _SPACES.sub("\n", htmllib.unescape(text)).strip()


def build_mime(
	*, sender: str, sender_name: str, recipient: str, subject: str, html: str, message_id: str,
	reply_to: str, one_click_url: str,
) -> bytes:  # fmt: skip
	"""A multipart/alternative message with RFC 8058 one-click unsubscribe headers."""
	boundary = "rcn-" + hashlib.md5(message_id.encode()).hexdigest()
	encoded_subject = subject if subject.isascii() else Header(subject, "utf-8").encode()
	from_header = formataddr(
		(str(Header(sender_name, "utf-8")) if not sender_name.isascii() else sender_name, sender)
	)
	headers = (
		f"From: {from_header}\r\n"
		f"To: {recipient}\r\n"
		f"Subject: {encoded_subject}\r\n"
		f"Date: {formatdate(localtime=True)}\r\n"
		f"Message-ID: <{message_id}>\r\n"
		f"Reply-To: {reply_to}\r\n"
		f"List-Unsubscribe: <{one_click_url}>\r\n"
		"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
		"MIME-Version: 1.0\r\n"
		f'Content-Type: multipart/alternative; boundary="{boundary}"\r\n\r\n'
	)
	text = base64.encodebytes(_html_to_text(html).encode()).replace(b"\n", b"\r\n")
	body = base64.encodebytes(html.encode()).replace(b"\n", b"\r\n")
	return (
		headers.encode()
		+ f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n".encode()
		+ text
		+ f"--{boundary}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n".encode()
		+ body
		+ f"--{boundary}--\r\n".encode()
	)


# --- sending ----------------------------------------------------------------------------------


class _Accounts:
	"""One SMTP session per outgoing Email Account, reused across messages."""

	def __init__(self):
		self.sessions: dict[str, smtplib.SMTP] = {}
		self.info: dict[str, frappe._dict] = {}

	def get(self, name: str) -> tuple[smtplib.SMTP, frappe._dict]:
		if name not in self.info:
			account = frappe.get_doc("Email Account", name)
			self.info[name] = frappe._dict(
				email=account.email_id,
				sender_name=account.email_account_name,
				account=account,
			)
		if name not in self.sessions:
			self.sessions[name] = self.info[name].account.get_smtp_server().session
		return self.sessions[name], self.info[name]

	def drop(self, name: str) -> None:
		session = self.sessions.pop(name, None)
		if session:
			with contextlib.suppress(Exception):
				session.quit()

	def close(self) -> None:
		for name in list(self.sessions):
			self.drop(name)


class WorkerLostClaim(Exception):
	"""Our claim was taken over (the DB connection was lost and recovery ran): stop sending."""


def send_due(
	batch_size: int = BATCH,
	max_seconds: float = 50,
	token: str | None = None,
	until_empty: bool = False,
	on_ready=None,
) -> dict:
	"""Claim and send due messages until none are due or the time is up. Returns counts.

	`on_ready` is called once this worker holds its claim lock (the crash test kills it after).
	"""
	token = token or new_worker_token()
	hold_worker_lock(token)
	if on_ready:
		on_ready()
	totals = defaultdict(int)
	accounts = _Accounts()
	renderer = Renderer()
	started = time.monotonic()
	try:
		totals.update(recover())
		while time.monotonic() - started < max_seconds or until_empty:
			batch = claim(token, batch_size)
			if not batch:
				break
			for key, value in send_batch(batch, token, accounts, renderer).items():
				totals[key] += value
	finally:
		accounts.close()
		release_worker_lock(token)
	return dict(totals)


def send_batch(batch: list[dict], token: str, accounts: _Accounts, renderer: Renderer) -> dict:
	"""Send a claimed batch in name order, committing each outcome before the next attempt."""
	renderer.load_people(sorted({r.candidate for r in batch}))
	counts = defaultdict(int)
	pending_record: list[str] = []
	rendered: dict[str, tuple] = {}
	for row in batch:
		now = now_datetime()
		try:
			subject, html, template_name = renderer.render(row)
			session, account = accounts.get(row.email_account)
			message_id = renderer.message_id(row.name)
			raw = build_mime(
				sender=account.email, sender_name=account.sender_name or account.email, recipient=row.recipient,
				subject=subject, html=html, message_id=message_id, reply_to=account.email,
				one_click_url=renderer.one_click_url(row.candidate),
			)  # fmt: skip
		except Exception as e:
			_record(row, token, "Failed", now, error=f"Could not render: {e}"[:1000])
			counts["failed"] += 1
			frappe.log_error(
				title="Nurture email could not be rendered",
				reference_doctype=MESSAGE,
				reference_name=row.name,
			)
			continue
		try:
			session.sendmail(account.email, [row.recipient], raw)
		except smtplib.SMTPRecipientsRefused as e:
			code = next(iter(e.recipients.values()))[0] if e.recipients else 550
			_handle_refusal(row, token, code, str(e), now, counts)
			continue
		except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as e:
			_handle_refusal(row, token, e.smtp_code, str(e), now, counts)
			continue
		except (smtplib.SMTPException, OSError) as e:
			# The connection broke mid-transaction: the server may or may not have taken the message.
			accounts.drop(row.email_account)
			_record(row, token, "Unknown", now, error=f"Connection lost while sending: {e}"[:1000])
			counts["unknown"] += 1
			continue
		_record(row, token, "Sent", now, message_id=message_id, subject=subject)
		counts["sent"] += 1
		rendered[row.name] = (subject, html, template_name, message_id, now)
		pending_record.append(row.name)
		if len(pending_record) >= RECORD_EVERY:
			record_sent(pending_record, rendered)
			frappe.db.commit()  # nosemgrep
			pending_record = []
	if pending_record:
		record_sent(pending_record, rendered)
		frappe.db.commit()  # nosemgrep
	return counts


def _record(
	row, token: str, status: str, now: datetime, *, message_id=None, subject=None, error=None
) -> None:
	"""Durably record one message's outcome; only then may the next message be attempted."""
	frappe.db.sql(
		f"""update `tab{MESSAGE}` set status = %s, sent_at = %s, message_id = %s, subject = %s, error = %s,
			attempt_count = attempt_count + 1, modified = %s
		where name = %s and claimed_by = %s and status = 'Sending'""",
		(status, now if status == "Sent" else None, message_id, subject, error, now, row.name, token),
	)
	if frappe.db._cursor.rowcount != 1:
		frappe.db.rollback()
		raise WorkerLostClaim(row.name)
	frappe.db.commit()  # nosemgrep: the outcome must be durable before the next SMTP transaction


def _handle_refusal(row, token: str, code: int | None, error: str, now: datetime, counts) -> None:
	"""The server refused the message, so it was certainly not sent: a 5xx is final (a hard bounce
	for the recipient), a 4xx is retried later."""
	if code and 400 <= code < 500 and row.attempt_count + 1 < MAX_TRANSIENT_ATTEMPTS:
		frappe.db.sql(
			f"""update `tab{MESSAGE}` set status = 'Queued', claimed_by = null, lease_expires_at = null,
				due_at = %s, error = %s, attempt_count = attempt_count + 1, modified = %s
			where name = %s and claimed_by = %s and status = 'Sending'""",
			(now + timedelta(minutes=15 * (row.attempt_count + 1)), error[:1000], now, row.name, token),
		)
		frappe.db.commit()  # nosemgrep
		counts["deferred"] += 1
		return
	_record(row, token, "Failed", now, error=f"{code}: {error}"[:1000])
	counts["failed"] += 1
	if code and code >= 500:
		from recruit_crm.services import consent

		consent.mark_bounced(row.candidate, error[:140])
		frappe.db.sql(f"update `tab{MESSAGE}` set bounced_at = %s where name = %s", (now, row.name))
		nurture.exit_enrollments([row.enrollment], rules.ExitReason.BOUNCED.value, now)
	else:
		nurture.continue_after_messages([row.enrollment], now)
	frappe.db.commit()  # nosemgrep


# --- recording (timeline, Email Queue, touchpoints, next step) --------------------------------


def record_sent(names: list[str], rendered: dict | None = None) -> None:
	"""Write the Communication, Email Queue row, touchpoint and next step for sent messages.

	Idempotent: rows are named after the ledger row and inserted with INSERT IGNORE.
	"""
	if not names:
		return
	rendered = rendered or {}
	rows = frappe.db.sql(
		f"""select name, enrollment, nurture_campaign, candidate, recipient, email_account, step_key,
			variant, subject, message_id, sent_at, claimed_at from `tab{MESSAGE}` where name in %(names)s""",
		{"names": names},
		as_dict=True,
	)
	missing = [r for r in rows if r.name not in rendered]
	if missing:
		renderer = Renderer()
		renderer.load_people(sorted({r.candidate for r in missing}))
		for r in missing:
			subject, html, template_name = renderer.render(r)
			rendered[r.name] = (
				r.subject or subject, html, template_name, r.message_id or renderer.message_id(r.name), r.sent_at or r.claimed_at or now_datetime(),
			)  # fmt: skip
	accounts = {
		a.name: a
		for a in frappe.get_all(
			"Email Account",
			filters={"name": ["in", sorted({r.email_account for r in rows})]},
			fields=["name", "email_id", "email_account_name"],
		)
	}
	comm, queue, recipients, touch = [], [], [], []
	for r in rows:
		subject, html, template_name, message_id, sent_at = rendered[r.name]
		account = accounts.get(r.email_account) or frappe._dict(email_id=None, email_account_name=None)
		comm.append(
			(
				r.name, sent_at, sent_at, "Administrator", "Administrator", 0, subject, html, "Communication",
				"Email", "Sent", "Linked", "Sent", account.email_id, account.email_account_name, r.recipient,
				"RC Candidate", r.candidate, message_id, r.email_account, template_name, sent_at, 1,
			)
		)  # fmt: skip
		queue.append(
			(
				r.name, sent_at, sent_at, "Administrator", "Administrator", 0, account.email_id, "", "Sent",
				message_id, "RC Candidate", r.candidate, r.name, r.email_account, 0, 0, 0,
			)
		)  # fmt: skip
		recipients.append((r.name, sent_at, sent_at, "Administrator", "Administrator", 0, r.name, "Email Queue", "recipients", 1, r.recipient, "Sent"))  # fmt: skip
		touch.append((r, "Email Sent", sent_at, f"Communication:{r.name}:{r.candidate}:Email Sent"))
	from recruit_crm.services.candidate_import import _multi_row_insert

	_multi_row_insert(
		"Communication",
		("name", "creation", "modified", "owner", "modified_by", "docstatus", "subject", "content",
			"communication_type", "communication_medium", "sent_or_received", "status", "delivery_status",
			"sender", "sender_full_name", "recipients", "reference_doctype", "reference_name", "message_id",
			"email_account", "email_template", "communication_date", "seen"),
		comm,
		ignore=True,
	)  # fmt: skip
	_multi_row_insert(
		"Email Queue",
		("name", "creation", "modified", "owner", "modified_by", "docstatus", "sender", "message", "status",
			"message_id", "reference_doctype", "reference_name", "communication", "email_account", "priority",
			"retry", "add_unsubscribe_link"),
		queue,
		ignore=True,
	)  # fmt: skip
	_multi_row_insert(
		"Email Queue Recipient",
		("name", "creation", "modified", "owner", "modified_by", "docstatus", "parent", "parenttype",
			"parentfield", "idx", "recipient", "status"),
		recipients,
		ignore=True,
	)  # fmt: skip
	nurture._record_touchpoints(touch)
	frappe.db.sql(
		f"update `tab{MESSAGE}` set is_recorded = 1, communication = name where name in %(names)s",
		{"names": [r.name for r in rows]},
	)
	nurture.continue_after_messages(sorted({r.enrollment for r in rows}), now_datetime())
