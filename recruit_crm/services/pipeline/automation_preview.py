"""A dry run of a pipeline automation: who would get what, and when, among the applications in its
state now (or with upcoming interviews), rendered in preview mode (nothing tracked, no live links).
Nothing is queued or sent.
"""

from datetime import timedelta

import frappe
from frappe import _
from frappe.utils import get_datetime, now_datetime

from recruit_crm.domain import calendar, pipeline_mail, send_rules
from recruit_crm.domain.pipeline_mail import BUSINESS_HOURS, ENTERS_STATE, INTERVIEW_SCHEDULED
from recruit_crm.services.nurture.constants import MESSAGE, to_aware, to_naive
from recruit_crm.services.nurture.rendering import Renderer
from recruit_crm.services.pipeline import automation_mail, automations
from recruit_crm.services.pipeline.workflow import AUTOMATION, STAGE, STATE_FIELD

MAX_LIMIT = 100

# The merge fields a pipeline email can use (the automation form lists them).
MERGE_FIELDS = (
	("candidate.first_name", "First name"),
	("candidate.full_name", "Full name"),
	("application.job_title", "Job title"),
	("application.state_label", "Where the application is, as the candidate sees it"),
	("application.next_step", "What happens next"),
	("opening.url", "Link to the job page"),
	("interview.when", "Interview date and time in the candidate's time zone"),
	("interview.round", "Interview round"),
	("interview.google_calendar_link", "Add-to-Google-Calendar link"),
	("applications_link", "The candidate's My applications page (signed link)"),
	("community_link", "Join the talent community (when the automation invites)"),
	("company", "Company name"),
)


def merge_fields() -> list[dict]:
	return [{"tag": "{{ " + f + " }}", "label": _(label)} for f, label in MERGE_FIELDS]


def preview(automation: str, limit: int = 20) -> dict:
	"""Who would get this automation's email, when, and why not; the first one rendered."""
	limit = max(1, min(int(limit or 20), MAX_LIMIT))
	doc = frappe.get_doc(AUTOMATION, automation)
	rule = _rule(doc)
	now = now_datetime()
	if doc.trigger == ENTERS_STATE:
		targets = frappe.db.sql(
			f"""select ja.name as job_applicant, s.name as step_key, s.entered_at as since, null as interview,
				null as starts_at, null as scheduled_on, null as from_time
			from `tabJob Applicant` ja
			left join `tab{STAGE}` s on s.job_applicant = ja.name and s.left_at is null
			where ja.{STATE_FIELD} = %(state)s {_scope_sql(doc)}
			order by s.entered_at desc limit %(limit)s""",
			{"state": doc.state, "limit": limit, "opening": doc.job_opening},
			as_dict=True,
		)
	else:
		targets = frappe.db.sql(
			f"""select i.job_applicant, null as step_key, null as since, i.name as interview,
				timestamp(i.scheduled_on, ifnull(i.from_time, '09:00:00')) as starts_at, i.scheduled_on, i.from_time
			from `tabInterview` i join `tabJob Applicant` ja on ja.name = i.job_applicant
			where i.docstatus < 2 and i.status != 'Cancelled'
				and timestamp(i.scheduled_on, ifnull(i.from_time, '09:00:00')) > %(now)s {_scope_sql(doc)}
			order by starts_at limit %(limit)s""",
			{"now": now, "limit": limit, "opening": doc.job_opening},
			as_dict=True,
		)
	facts = automations.application_facts([t.job_applicant for t in targets])
	people = _people([f.rc_candidate for f in facts.values() if f.rc_candidate])
	issued = automations.issued_for(
		[frappe._dict(name=t.interview, job_applicant=t.job_applicant) for t in targets if t.interview]
	)
	keys = {_key(doc, t, issued): t for t in targets}
	ledger = dict(
		frappe.db.sql(
			f"select idempotency_key, status from `tab{MESSAGE}` where idempotency_key in %(keys)s",
			{"keys": list(keys) or [""]},
		)
	)
	renderer = Renderer(preview=True)
	fake_rows = []
	out = []
	companies = {automations.company_of(f) for f in facts.values()}
	windows = automations.business_windows(companies, now) if doc.send_window == BUSINESS_HOURS else {}
	for key, t in keys.items():
		fact = facts.get(t.job_applicant)
		if not fact:
			continue
		person = people.get(fact.rc_candidate) or frappe._dict()
		reason = _why_not(doc, rule, fact, person)
		window = windows.get(automations.company_of(fact))
		send_at = _when(doc, rule, t, now, window.holidays if window else frozenset())
		if window and send_at:
			send_at = to_naive(send_rules.next_send_time(window, person.get("timezone"), to_aware(send_at)))
		item = {
			"job_applicant": t.job_applicant,
			"applicant_name": fact.applicant_name,
			"candidate": fact.rc_candidate,
			"email": fact.rc_email or fact.email_id,
			"interview": t.interview,
			"send_at": send_at,
			"already": ledger.get(key),
			"will_send": not reason and not ledger.get(key),
			"reason": reason,
		}
		out.append(item)
		if not reason:
			fake_rows.append(
				frappe._dict(
					name=f"preview-{len(fake_rows)}", pipeline_automation=doc.name, candidate=fact.rc_candidate,
					job_applicant=t.job_applicant, interview=t.interview, recipient=item["email"],
					step_idx=_sequence(t, issued),
					email_account=automations.sender_of(frappe._dict(email_account=doc.email_account)),
				)
			)  # fmt: skip
	sample = None
	if fake_rows:
		batch = automation_mail.Batch(renderer, fake_rows)
		for row in fake_rows:
			subject, html, _template, attachments = batch.render(row)
			match = next(
				i for i in out if i["job_applicant"] == row.job_applicant and i["interview"] == row.interview
			)
			match["subject"] = subject
			if sample is None:
				sample = {"job_applicant": row.job_applicant, "subject": subject, "html": html,
					"attachments": [a[0] for a in attachments]}  # fmt: skip
	return {
		"automation": doc.name,
		"title": doc.title,
		"enabled": bool(doc.enabled),
		"trigger": doc.trigger,
		"state": doc.state,
		"rows": out,
		"will_send": sum(1 for i in out if i["will_send"]),
		"sample": sample,
		"limit": limit,
	}


def _rule(doc) -> frappe._dict:
	return frappe._dict(
		name=doc.name,
		condition=doc.condition,
		rule=automations.rule_of(doc),
	)


def _scope_sql(doc) -> str:
	return "and ja.job_title = %(opening)s" if doc.job_opening else ""


def _key(doc, t, issued: dict) -> str:
	if doc.trigger == ENTERS_STATE:
		return pipeline_mail.entry_key(doc.name, t.step_key or t.job_applicant)
	slot = pipeline_mail.slot_text(t.scheduled_on, t.from_time)
	return pipeline_mail.interview_key(doc.name, t.interview, slot, _sequence(t, issued))


def _sequence(t, issued: dict) -> int:
	"""The calendar SEQUENCE an email about this interview would carry now."""
	if not t.interview:
		return 0
	slot = pipeline_mail.slot_text(t.scheduled_on, t.from_time)
	return calendar.next_sequence([(i.slot, i.sequence) for i in issued.get(t.interview, [])], slot)


def _when(doc, rule, t, now, holidays: frozenset = frozenset()):
	if doc.trigger == ENTERS_STATE:
		since = get_datetime(t.since) if t.since else now
		return max(pipeline_mail.due_after(rule.rule, since, holidays), now)
	if doc.trigger == INTERVIEW_SCHEDULED:
		return now + rule.rule.delay
	return max(get_datetime(t.starts_at) - timedelta(hours=rule.rule.hours_before), now)


def _why_not(doc, rule, fact, person) -> str | None:
	if not doc.enabled:
		return _("The automation is disabled")
	if not fact.rc_candidate:
		return _("Not linked to a candidate yet")
	if not (fact.rc_email or fact.email_id):
		return _("No email address")
	if person.get("is_anonymized") or person.get("do_not_contact"):
		return _("Do Not Contact")
	if person.get("is_unsubscribed"):
		return _("Unsubscribed")
	if person.get("has_bounced"):
		return _("Their address bounced")
	if not automations.matches(rule, fact):
		return _("Outside the automation's scope or condition")
	return None


def _people(names: list[str]) -> dict[str, frappe._dict]:
	if not names:
		return {}
	return {
		p.name: p
		for p in frappe.db.sql(
			"""select name, timezone, do_not_contact, is_anonymized, is_unsubscribed, has_bounced
			from `tabRC Candidate` where name in %(names)s""",
			{"names": sorted(set(names))},
			as_dict=True,
		)
	}
