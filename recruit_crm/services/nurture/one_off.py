"""One email to people picked from the candidate list.

It is sent as a one-step campaign (`is_one_off`), so it takes the same road as every campaign
email: enrolment skips people who may not be emailed, the step is queued into the exactly-once
ledger, and the sender applies suppression, business hours in each person's time zone, holidays
and caps at claim time, with tracked links, the open pixel and the unsubscribe link.
"""

import frappe
from frappe import _
from frappe.utils import format_date, now_datetime, strip_html

from recruit_crm.services.nurture import audience, campaigns, engine, lifecycle, readiness, reports
from recruit_crm.services.nurture.constants import CAMPAIGN, CANDIDATE, LEFT_OUT_HELP, SENDABLE_SQL
from recruit_crm.services.nurture.rendering import Renderer

MAX_PEOPLE = 5000
STEP_KEY = "oneoff"


def preview(
	candidates: list[str],
	email_account: str | None,
	email_template: str | None = None,
	subject: str | None = None,
	body: str | None = None,
) -> dict:
	"""Who will and will not receive the email (and why), the email rendered for the first person
	who will (preview mode: nothing is tracked), when it goes out, and whether the sender is ready."""
	names = _names(candidates)
	written = bool(email_template or ((subject or "").strip() and strip_html(body or "").strip()))
	doc = _one_off_doc(email_account, email_template, subject, body, require_content=False)
	doc.name = "__rc_one_off_preview__"
	base = f"from `tab{CANDIDATE}` c where c.name in %(names)s"
	params = {"names": names or [""], "today": now_datetime().date()}
	receiving = frappe.db.sql(f"select c.name {base} and {SENDABLE_SQL} order by c.name", params, pluck=True)
	left_out, examples = reports.left_out_by_reason(base, params)
	sample = None
	if receiving and written:
		renderer = Renderer(preview=True)
		renderer.load_people(receiving[:1])
		subject_text, html, _template = renderer.render(
			{"name": "preview", "nurture_campaign": doc.name, "step_key": STEP_KEY, "variant": "A",
				"candidate": receiving[0]},
			campaign=doc,
		)  # fmt: skip
		person = renderer.people.get(receiving[0]) or {}
		sample = {"candidate": receiving[0], "full_name": person.get("full_name"), "subject": subject_text,
			"html": html}  # fmt: skip
	sender = readiness.sender_state(email_account, with_errors=False)
	return {
		"selected": len(names),
		"will_receive": len(receiving),
		"left_out": left_out,
		"left_out_help": {reason: _(LEFT_OUT_HELP.get(reason, "")) for reason in left_out},
		"left_out_examples": examples,
		"not_found": len(names) - len(receiving) - sum(left_out.values()),
		"sample": sample,
		"window": window_in_words(doc),
		"sender": {"account": email_account, "ready": sender.ready, "problem": sender.problem},
	}


def send(
	candidates: list[str],
	email_account: str,
	email_template: str | None = None,
	subject: str | None = None,
	body: str | None = None,
	user: str | None = None,
) -> dict:
	"""Create the one-step campaign, enrol the people who may be emailed and queue their email now
	(the sender delivers it within business hours). Returns the campaign and the counts."""
	names = _names(candidates)
	if not names:
		frappe.throw(_("Pick the people to email first."))
	readiness.require_ready(email_account)
	doc = _one_off_doc(email_account, email_template, subject, body)
	doc.insert(ignore_permissions=True)  # the endpoint checked the user may create campaigns
	lifecycle.launch(doc.name)
	result = audience.enroll(doc.name, names, user)
	queued = engine.queue_step(doc.name, campaigns.first_step_idx(doc), now_datetime())
	return {"campaign": doc.name, "campaign_name": doc.campaign_name, "queued": queued, **result}


def window_in_words(doc) -> str:
	"""When the campaign's email may go out, as a recruiter would say it."""
	window = campaigns.window_of(doc)
	days = _("every day") if len(window.weekdays) == 7 else _("Monday to Friday")
	return _("Between {0} and {1} in each person's time zone, {2}, skipping holidays.").format(
		window.start.strftime("%H:%M"), window.end.strftime("%H:%M"), days
	)


def _one_off_doc(
	email_account: str | None,
	email_template: str | None,
	subject: str | None,
	body: str | None,
	require_content: bool = True,
):
	subject = (subject or "").strip()
	body = body or ""
	if email_template:
		subject, body = "", ""
	elif require_content and (not subject or not strip_html(body).strip()):
		frappe.throw(_("Choose an Email Template, or write a subject and a message."))
	title = subject or frappe.db.get_value("Email Template", email_template, "subject") or email_template
	doc = frappe.new_doc(CAMPAIGN)
	doc.update(
		{
			"campaign_name": f"{_('One-off')}: {strip_html(title or '')[:90]} ({format_date(now_datetime().date())})",
			"is_one_off": 1,
			"email_account": email_account,
			"description": _("One email sent to people picked from the candidate list."),
			"reentry_policy": "Once",
			"auto_enroll": 0,
			"exit_on_reply": 1,
		}
	)
	meta = frappe.get_meta(CAMPAIGN)
	for hours in ("send_start_time", "send_end_time"):  # the campaign defaults (new_doc sets "now")
		doc.set(hours, meta.get_field(hours).default)
	doc.append(
		"steps",
		{
			"step_type": "Send Email",
			"step_key": STEP_KEY,
			"label": _("One-off email"),
			"email_template": email_template or None,
			"email_subject": subject or None,
			"email_body": body or None,
		},
	)
	return doc


def _names(candidates: list[str]) -> list[str]:
	names = sorted({c for c in candidates if c})
	if len(names) > MAX_PEOPLE:
		frappe.throw(_("Email at most {0} people at a time.").format(MAX_PEOPLE))
	return names
