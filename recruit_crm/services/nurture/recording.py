"""The side rows of a sent nurture message: its timeline Communication, its Email Queue row (status
Sent, same Message-ID, no MIME copy), its touchpoint and its enrolment's next step.

Written per micro-batch by the sender, in multi-row statements, idempotently (names derive from
the ledger row), and re-done by recovery for any `Sent` row a crash left unrecorded.
"""

import frappe
from frappe.utils import now_datetime

from recruit_crm.services.nurture import engine
from recruit_crm.services.nurture.constants import (
	BOUND,
	COMMUNICATION_COLUMNS,
	COMMUNICATION_LINK_COLUMNS,
	EMAIL_QUEUE_COLUMNS,
	EMAIL_QUEUE_RECIPIENT_COLUMNS,
	HEX,
	MESSAGE,
)
from recruit_crm.services.nurture.rendering import Renderer
from recruit_crm.services.pipeline import automation_mail


def render_row(renderer: Renderer, pipeline: automation_mail.Batch, row) -> tuple:
	"""(subject, html, email template, attachments): a pipeline email or a campaign step."""
	if row.get("pipeline_automation"):
		return pipeline.render(row)
	return (*renderer.render(row), [])


def record_sent(names: list[str], rendered: dict | None = None) -> None:
	"""Write the Communication, Email Queue row, touchpoint and next step for sent messages.

	Idempotent: rows are named after the ledger row and inserted with INSERT IGNORE.
	"""
	if not names:
		return
	rendered = rendered or {}
	rows = frappe.db.sql(
		f"""select name, enrollment, nurture_campaign, candidate, recipient, email_account, step_key,
			variant, subject, message_id, sent_at, claimed_at, pipeline_automation, job_applicant, interview,
			idempotency_key from `tab{MESSAGE}` where name in %(names)s""",
		{"names": names},
		as_dict=True,
	)
	missing = [r for r in rows if r.name not in rendered]
	if missing:
		renderer = Renderer()
		renderer.load_people(sorted({r.candidate for r in missing}))
		pipeline = automation_mail.Batch(renderer, missing)
		for r in missing:
			subject, html, template_name, _attachments = render_row(renderer, pipeline, r)
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
	comm, queue, recipients, touch, links = [], [], [], [], []
	for r in rows:
		subject, html, template_name, message_id, sent_at = rendered[r.name]
		account = accounts.get(r.email_account) or frappe._dict(email_id=None, email_account_name=None)
		# A pipeline email belongs to the application, and shows on the candidate's timeline too.
		ref = (
			("Job Applicant", r.job_applicant)
			if r.pipeline_automation and r.job_applicant
			else ("RC Candidate", r.candidate)
		)
		at = str(sent_at)
		if ref[0] != "RC Candidate":
			links.append((f"{r.name}-c", at, at, r.name, r.candidate))
		comm.append(
			(
				r.name, at, at, subject, html, account.email_id, account.email_account_name, r.recipient,
				ref[0], ref[1], message_id, r.email_account, template_name, at,
			)
		)  # fmt: skip
		queue.append((r.name, at, at, account.email_id, message_id, ref[0], ref[1], r.name, r.email_account))
		recipients.append((r.name, at, at, r.name, r.recipient))
		touch.append((r, "Email Sent", sent_at, f"Communication:{r.name}:{r.candidate}:Email Sent"))
	_insert_ignore("Communication", COMMUNICATION_COLUMNS, comm)
	_insert_ignore("Email Queue", EMAIL_QUEUE_COLUMNS, queue)
	_insert_ignore("Email Queue Recipient", EMAIL_QUEUE_RECIPIENT_COLUMNS, recipients)
	_insert_ignore("Communication Link", COMMUNICATION_LINK_COLUMNS, links)
	engine._record_touchpoints(touch)
	automation_mail.after_sent(rows)
	frappe.db.sql(
		f"update `tab{MESSAGE}` set is_recorded = 1, communication = name where name in %(names)s",
		{"names": [r.name for r in rows]},
	)
	engine.continue_after_messages(sorted({r.enrollment for r in rows if r.enrollment}), now_datetime())


def _insert_ignore(doctype: str, spec: tuple, rows: list[tuple]) -> None:
	"""One INSERT IGNORE of `rows` (idempotent: names derive from the ledger row).

	Only the values that vary are bound, and a message's HTML goes as a hex literal: escaping
	~5 KB of HTML per message character by character in Python, and a dozen constants per row,
	was most of what recording the side rows cost the sender (hex digits need no escaping)."""
	if not rows:
		return
	kinds = [kind for _column, kind in spec if kind is BOUND or kind is HEX]
	template = "(" + ", ".join("%s" if k is BOUND else "{}" if k is HEX else k for _c, k in spec) + ")"
	values, parts = [], []
	for row in rows:
		texts = []
		for value, kind in zip(row, kinds, strict=True):
			if kind is BOUND:
				values.append(value)
			else:
				texts.append("null" if value is None else f"x'{value.encode().hex()}'")
		parts.append(template.format(*texts) if texts else template)
	columns = ", ".join(f"`{column}`" for column, _kind in spec)
	frappe.db.sql(f"insert ignore into `tab{doctype}` ({columns}) values {', '.join(parts)}", values)
