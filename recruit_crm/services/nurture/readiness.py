"""Whether an Email Account may send campaign email, what went wrong last, and the test sends that
prove it can.

An account is ready when its outgoing mail is on, it is not waiting for a password, and its last
test send succeeded. Each test send (from RC Settings or a campaign's "Send test to me") records
its outcome on the account (`rc_*` custom fields), so a campaign cannot be launched, nor a one-off
email sent, from an account nobody has seen deliver. Test sends render the real branded layout in
preview mode (no pixel, links as written, no unsubscribe link): they never record opens, clicks or
unsubscribes for anyone.
"""

import contextlib
import re

import frappe
from frappe import _
from frappe.utils import format_datetime, now_datetime, random_string

from recruit_crm.services.nurture import audience, constants
from recruit_crm.services.nurture.constants import CAMPAIGN, MESSAGE, SENDABLE_SQL
from recruit_crm.services.nurture.rendering import SAMPLE_PERSON, Renderer, build_mime

EMAIL_ACCOUNT = "Email Account"
TESTED_AT = "rc_last_test_ok_at"
ERROR = "rc_last_error"
ERROR_AT = "rc_last_error_at"
SAMPLE_KEY = "__sample__"
_TAGS = re.compile(r"<[^>]+>")


class SenderNotReady(frappe.ValidationError):
	"""The Email Account cannot send campaign email yet; the message says why and what to do."""


# --- state -------------------------------------------------------------------------------------


def default_sender() -> str | None:
	"""The sender RC Settings names, else Frappe's default outgoing account."""
	return frappe.db.get_single_value("RC Settings", "default_email_account") or frappe.db.get_value(
		EMAIL_ACCOUNT, {"default_outgoing": 1, "enable_outgoing": 1}, "name"
	)


def sender_state(account: str | None, with_errors: bool = True) -> dict:
	"""Everything the desk shows about a sending account: whether it is on, its last successful
	test, its last recorded error, the last campaign message that failed or is of unknown fate and
	the last Email Queue error for it (unless `with_errors` is False), and (when it cannot send)
	the problem and how to fix it."""
	state = frappe._dict(account=account, exists=False, ready=False, problem=None)
	row = _account_row(account) if account else None
	if row:
		state.update(
			exists=True,
			email_id=row.email_id,
			enabled=bool(row.enable_outgoing),
			awaiting_password=bool(row.awaiting_password) and not row.no_smtp_authentication,
			last_test_ok_at=row.get(TESTED_AT),
			last_error=row.get(ERROR),
			last_error_at=row.get(ERROR_AT),
		)
		if with_errors:
			state.ledger_error = _last_ledger_error(account)
			state.queue_error = _last_queue_error(account, row.email_id)
	state.problem = problem_of(state)
	state.ready = state.problem is None
	return state


def problem_of(state: dict) -> str | None:
	"""Why this account may not send campaign email, phrased as what to do; None when it may."""
	account = state.get("account")
	how_to_test = _(
		"open RC Settings > Email, choose it as Default Sender and press Send Test Email "
		"(or press Send Test To Me on the campaign)."
	)
	if not account:
		return _(
			"No Email Account is chosen to send from. Choose one in the campaign's Send From field "
			"(or as Default Sender in RC Settings > Email)."
		)
	if not state.get("exists"):
		return _("Email Account {0} does not exist.").format(account)
	if not state.get("enabled"):
		return _(
			"Outgoing mail is turned off on Email Account {0}. Open the account, tick Enable Outgoing and save, then {1}"
		).format(account, how_to_test)
	if state.get("awaiting_password"):
		return _("Email Account {0} is waiting for its password. Enter it on the account, then {1}").format(
			account, how_to_test
		)
	tested, failed = state.get("last_test_ok_at"), state.get("last_error_at")
	if failed and (not tested or failed >= tested):
		return _(
			"The last test email from {0} failed on {1}: {2}. Fix the account's settings, then {3}"
		).format(account, format_datetime(failed), state.get("last_error") or _("no detail"), how_to_test)
	if not tested:
		return _("Email Account {0} has never passed a test send. To make it ready, {1}").format(
			account, how_to_test
		)
	return None


def require_ready(account: str | None) -> None:
	"""Raise SenderNotReady, saying which problem and how to fix it, unless `account` may send."""
	problem = sender_state(account, with_errors=False).problem
	if problem:
		frappe.throw(problem, SenderNotReady, title=_("Email cannot be sent yet"))


def workspace_status() -> dict:
	"""Whether any Email Account may send campaign email (one query, for the workspace)."""
	if not frappe.db.has_column(EMAIL_ACCOUNT, TESTED_AT):
		return {"ready": False, "ready_accounts": 0}
	ready = frappe.db.sql(
		f"""select count(*) from `tabEmail Account` where enable_outgoing = 1
			and (ifnull(awaiting_password, 0) = 0 or no_smtp_authentication = 1)
			and {TESTED_AT} is not null and ({ERROR_AT} is null or {ERROR_AT} < {TESTED_AT})"""
	)[0][0]
	return {"ready": bool(ready), "ready_accounts": int(ready)}


def sending_accounts() -> list[dict]:
	"""Every account with outgoing mail on (the default sender first), and whether it may send."""
	default = default_sender()
	names = frappe.get_all(EMAIL_ACCOUNT, filters={"enable_outgoing": 1}, pluck="name", order_by="name")
	out = []
	for name in sorted(names, key=lambda n: (n != default, n)):
		state = sender_state(name, with_errors=False)
		out.append(
			{
				"account": name,
				"email_id": state.email_id,
				"is_default": name == default,
				"ready": state.ready,
				"problem": state.problem,
			}
		)
	return out


def _account_row(account: str) -> frappe._dict | None:
	fields = ["name", "email_id", "enable_outgoing", "awaiting_password", "no_smtp_authentication"]
	if frappe.db.has_column(EMAIL_ACCOUNT, TESTED_AT):
		fields += [TESTED_AT, ERROR, ERROR_AT]
	return frappe.db.get_value(EMAIL_ACCOUNT, account, fields, as_dict=True)


def _last_ledger_error(account: str) -> dict | None:
	rows = frappe.db.sql(
		f"""select name, status, error, modified as at from `tab{MESSAGE}`
		where email_account = %s and status in ('Failed', 'Unknown') order by modified desc limit 1""",
		account,
		as_dict=True,
	)
	return rows[0] if rows else None


def _last_queue_error(account: str, email_id: str | None) -> dict | None:
	rows = frappe.db.sql(
		"""select name, error, modified as at from `tabEmail Queue`
		where status = 'Error' and (email_account = %(account)s or sender like %(sender)s)
		order by modified desc limit 1""",
		{"account": account, "sender": f"%{email_id}%" if email_id else account},
		as_dict=True,
	)
	if not rows:
		return None
	row = rows[0]
	row.error = _TAGS.sub(" ", row.error or "").strip()[-500:]  # the end of a traceback says why
	return row


# --- test sends --------------------------------------------------------------------------------


def send_settings_test(account: str, recipient: str) -> dict:
	"""Send the branded campaign layout, filled for a sample person, to `recipient` through
	`account`, and record the outcome on the account. Returns {"ok", "sent", "error", "to"}."""
	_require_switched_on(account)
	doc = frappe.new_doc(CAMPAIGN)
	doc.name = f"__rc_test_send__{account}"
	doc.campaign_name = account
	doc.append(
		"steps",
		{
			"step_type": "Send Email",
			"step_key": "test",
			"email_subject": _("Test email from Recruit CRM"),
			"email_body": "<p>"
			+ _("Hi {0},").format("{{ candidate.first_name }}")
			+ "</p><p>"
			+ _(
				"This is how campaign email looks to candidates: the logo, colours and footer come from "
				"RC Settings. It was sent through the Email Account {0}."
			).format("<b>{{ campaign.campaign_name }}</b>")
			+ "</p>",
		},
	)
	renderer = Renderer(preview=True)
	renderer.people[SAMPLE_KEY] = {**SAMPLE_PERSON, "name": SAMPLE_KEY}
	subject, html, _template = renderer.render(_preview_row(doc, doc.steps[0], "A", SAMPLE_KEY), campaign=doc)
	return deliver_test(account, recipient, [(f"[{_('Test')}] {subject}", html)])


def send_campaign_test(campaign: str, recipient: str) -> dict:
	"""Send each email step of a campaign (and its variant B), rendered for a sample person of its
	audience in preview mode, to `recipient` through the campaign's account; record the outcome.
	Returns {"ok", "sent", "error", "to", "candidate"}."""
	doc = frappe.get_doc(CAMPAIGN, campaign)
	_require_switched_on(doc.email_account)
	steps = [s for s in doc.steps if s.step_type in constants.EMAIL_STEP_TYPES]
	if not steps:
		frappe.throw(_("This campaign has no email step to test yet."))
	for step in steps:
		step.step_key = step.step_key or f"unsaved{step.idx}"
	renderer = Renderer(preview=True)
	candidate = sample_candidate(doc)
	if candidate:
		renderer.load_people([candidate])
	else:
		candidate = SAMPLE_KEY
		renderer.people[SAMPLE_KEY] = {**SAMPLE_PERSON, "name": SAMPLE_KEY}
	messages = []
	for step in steps:
		variants = ("A", "B") if step.variant_email_template and step.ab_split_percent else ("A",)
		for variant in variants:
			subject, html, _template = renderer.render(
				_preview_row(doc, step, variant, candidate), campaign=doc
			)
			label = _("Step {0}").format(step.idx) + (f" {variant}" if len(variants) > 1 else "")
			messages.append((f"[{_('Test')} · {label}] {subject}", html))
	result = deliver_test(doc.email_account, recipient, messages)
	result["candidate"] = (renderer.people.get(candidate) or {}).get("full_name")
	return result


def sample_candidate(doc) -> str | None:
	"""The first person of a campaign's audience who may be emailed (as the dry run shows them)."""
	sql, params = audience.audience_sql(doc)
	if not sql:
		sql = f"""select e.candidate as name from `tab{constants.ENROLLMENT}` e
			where e.nurture_campaign = %(campaign)s"""
	rows = frappe.db.sql(
		f"""select c.name from `tab{constants.CANDIDATE}` c where c.name in (select a.name from ({sql}) a)
		and {SENDABLE_SQL} order by c.name limit 1""",
		{**params, "campaign": doc.name, "today": now_datetime().date()},
	)
	return rows[0][0] if rows else None


def deliver_test(account: str, recipient: str, messages: list[tuple[str, str]]) -> dict:
	"""Send (subject, html) messages to `recipient` over one SMTP session of `account`, then record
	on the account that the test passed, or the error. Never raises for a delivery error."""
	info = frappe.db.get_value(EMAIL_ACCOUNT, account, ["email_id", "email_account_name"], as_dict=True)
	sender = info.email_id
	sent = 0
	shown = len(frappe.local.message_log or [])
	try:
		session = frappe.get_doc(EMAIL_ACCOUNT, account).get_smtp_server().session
		try:
			for subject, html in messages:
				raw = build_mime(
					sender=sender, sender_name=info.email_account_name or sender, recipient=recipient,
					subject=subject, html=html, message_id=f"rctest.{random_string(16)}@{frappe.local.site}",
					reply_to=sender, one_click_url=None,
				)  # fmt: skip
				session.sendmail(sender, [recipient], raw)
				sent += 1
		finally:
			with contextlib.suppress(Exception):
				session.quit()
	except Exception as e:
		# Frappe's SMTP wrapper also queues a popup for its errors: the answer says it instead.
		del frappe.local.message_log[shown:]
		error = _error_text(e)
		record_test(account, error=error)
		return {"ok": False, "sent": sent, "error": error, "to": recipient}
	record_test(account)
	return {"ok": True, "sent": sent, "error": None, "to": recipient}


def record_test(account: str, error: str | None = None) -> None:
	"""Remember on the account when a test send last passed, or the error it last failed with."""
	now = now_datetime()
	values = {ERROR: error[:1000], ERROR_AT: now} if error else {TESTED_AT: now}
	frappe.db.set_value(EMAIL_ACCOUNT, account, values, update_modified=False)


def _require_switched_on(account: str | None) -> None:
	"""A test send needs an account that exists and has outgoing mail on (it need not be tested)."""
	state = sender_state(account, with_errors=False)
	if not state.exists or not state.enabled or state.awaiting_password:
		frappe.throw(state.problem, SenderNotReady, title=_("Email cannot be sent yet"))


def _preview_row(doc, step, variant: str, candidate: str) -> dict:
	return {
		"name": f"test-{step.step_key}",
		"nurture_campaign": doc.name,
		"step_key": step.step_key,
		"variant": variant,
		"candidate": candidate,
	}


def _error_text(error: Exception) -> str:
	text = _TAGS.sub(" ", str(error) or "").strip()
	if isinstance(error, frappe.ValidationError) and text:
		return text  # Frappe's own words already say what failed
	return f"{type(error).__name__}: {text}" if text else type(error).__name__
