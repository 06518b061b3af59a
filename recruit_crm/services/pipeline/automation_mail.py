"""Pipeline emails in the nurture sender: what the claim does with them, how they are rendered,
and what follows once one is sent.

They ride the same exactly-once ledger as campaign email (claim, send in order, record), with
their own rules: transactional, so no marketing consent is needed, but do-not-contact,
unsubscribe, bounces and anonymisation suppress them; the undo window cancels an email whose
application left the state first; an interview's emails are cancelled when it is cancelled or
moved, and a candidate who holds an invitation gets its cancellation (METHOD:CANCEL); Business
Hours holds them until 09:00-18:00 on a working day in the candidate's time zone, skipping the
company's holidays.
"""

from collections import defaultdict
from datetime import datetime

from markupsafe import escape

import frappe
from frappe import _
from frappe.utils import get_datetime, get_system_timezone, get_url

from recruit_crm.domain import pipeline_mail, send_rules
from recruit_crm.domain.calendar import (
	Meeting,
	content_type,
	google_calendar_link,
	ics,
	interview_window,
	local_time_text,
)
from recruit_crm.domain.pipeline_mail import BUSINESS_HOURS, CANCELLATION_TEMPLATE, ClaimFacts, Verdict
from recruit_crm.services.nurture.constants import MESSAGE, to_aware, to_naive
from recruit_crm.services.nurture.rendering import Renderer
from recruit_crm.services.pipeline import automations, workflow
from recruit_crm.services.pipeline.workflow import APPLICANT, AUTOMATION, STAGE, STATE_FIELD
from recruit_crm.services.pools.membership import add_members
from recruit_crm.services.portal import careers
from recruit_crm.services.portal.tokens import applications_url

COMMUNITY_PATH = "/careers/community"
PREVIEW_APPLICATIONS = "#my-applications-link-in-the-sent-email"


# ------------------------------------------------------------------ claim


def apply_send_rules(rows: list[dict], now: datetime) -> list[dict]:
	"""Suppress, cancel, defer or keep each claimed pipeline row (one query for the batch);
	returns the rows that may be sent now."""
	facts = {
		f.name: f
		for f in frappe.db.sql(
			f"""select m.name, m.idempotency_key, m.recipient, c.name as candidate_found, c.timezone,
				c.do_not_contact, c.is_anonymized, c.is_unsubscribed, c.has_bounced,
				a.name as automation_found, a.enabled, a.`trigger`, a.state as automation_state,
				a.only_while_in_state, a.send_window, ja.{STATE_FIELD} as current_state,
				s.left_at as stay_left, i.name as interview_found, i.status as interview_status,
				i.docstatus as interview_docstatus, i.scheduled_on, i.from_time,
				timestamp(i.scheduled_on, ifnull(i.from_time, '09:00:00')) as starts_at, jo.company
			from `tab{MESSAGE}` m
			left join `tabRC Candidate` c on c.name = m.candidate
			left join `tab{AUTOMATION}` a on a.name = m.pipeline_automation
			left join `tab{APPLICANT}` ja on ja.name = m.job_applicant
			left join `tabJob Opening` jo on jo.name = ja.job_title
			left join `tab{STAGE}` s on s.name = m.step_key
			left join `tabInterview` i on i.name = m.interview
			where m.name in %(names)s""",
			{"names": [r.name for r in rows]},
			as_dict=True,
		)
	}
	aware_now = to_aware(now)
	default_company = frappe.defaults.get_global_default("company")
	for f in facts.values():
		f.company = f.company or default_company
	held = {f.company for f in facts.values() if f.send_window == BUSINESS_HOURS}
	windows = automations.business_windows(held, now) if held else {}
	stopped: dict[tuple[str, str], list[str]] = defaultdict(list)
	deferred: dict[datetime, list[str]] = defaultdict(list)
	ready = []
	for r in rows:
		f = facts.get(r.name)
		if not f:
			continue
		verdict, reason = pipeline_mail.claim_verdict(_claim_facts(f, now))
		if verdict != Verdict.SEND:
			stopped[(verdict.value, reason)].append(r.name)
			continue
		if f.send_window == BUSINESS_HOURS:
			at = send_rules.next_send_time(windows[f.company], f.timezone, aware_now)
			if at > aware_now:
				deferred[to_naive(at)].append(r.name)
				continue
		ready.append(r)
	for (status, reason), names in stopped.items():
		frappe.db.sql(
			f"""update `tab{MESSAGE}` set status = %(status)s, error = %(reason)s, modified = %(now)s
			where name in %(names)s and status in ('Queued', 'Sending')""",
			{"status": status, "reason": reason, "names": names, "now": now},
		)
	for at, names in deferred.items():
		frappe.db.sql(
			f"update `tab{MESSAGE}` set due_at = %(at)s, modified = %(now)s where name in %(names)s",
			{"names": names, "at": at, "now": now},
		)
	return ready


def _claim_facts(f, now: datetime) -> ClaimFacts:
	return ClaimFacts(
		trigger=f.trigger if f.automation_found else None,
		automation_enabled=bool(f.enabled),
		has_candidate=bool(f.candidate_found),
		has_email=bool(f.recipient),
		do_not_contact=bool(f.do_not_contact),
		anonymized=bool(f.is_anonymized),
		unsubscribed=bool(f.is_unsubscribed),
		bounced=bool(f.has_bounced),
		only_while_in_state=bool(f.only_while_in_state),
		automation_state=f.automation_state,
		current_state=f.current_state,
		stay_ended=bool(f.stay_left),
		interview_exists=bool(f.interview_found),
		interview_cancelled=f.interview_status == "Cancelled" or (f.interview_docstatus or 0) == 2,
		queued_slot=pipeline_mail.slot_of_key(f.idempotency_key),
		current_slot=pipeline_mail.slot_text(f.scheduled_on, f.from_time) if f.interview_found else None,
		interview_started=bool(f.starts_at and get_datetime(f.starts_at) <= now),
		cancellation=pipeline_mail.is_cancel_key(f.idempotency_key),
	)


# ------------------------------------------------------------------ render


class Batch:
	"""Renders a batch of pipeline rows: their applications, openings, interviews, automations and
	templates are read once (set-based); compiled templates are reused."""

	def __init__(self, renderer: Renderer, rows: list[dict]):
		self.renderer = renderer
		self.rows = [r for r in rows if r.get("pipeline_automation")]
		self.templates: dict[str, tuple] = {}
		self.tz = get_system_timezone() or "UTC"
		self.community_url = get_url(COMMUNITY_PATH)
		self.pipeline = None
		self.automations: dict[str, frappe._dict] = {}
		self._custom_cancellation: bool | None = None
		if self.rows:  # a batch of campaign email costs nothing here
			self.pipeline = workflow.current()
			self.load(self.rows)

	def load(self, rows: list[dict]) -> None:
		self.automations = _by_name(AUTOMATION, {r["pipeline_automation"] for r in rows},
			"name, title, `trigger`, state, email_template, attach_calendar, invite_to_community")  # fmt: skip
		self.applications = _by_name(
			APPLICANT, {r.get("job_applicant") for r in rows},
			f"name, applicant_name, email_id, job_title, {STATE_FIELD} as state, rc_candidate",
		)  # fmt: skip
		self.openings = _by_name(
			"Job Opening", {a.job_title for a in self.applications.values()}, "name, job_title, route, designation"
		)  # fmt: skip
		self.interviews = _by_name(
			"Interview", {r.get("interview") for r in rows},
			"name, interview_round, scheduled_on, from_time, to_time, status, modified",
		)  # fmt: skip
		self.senders = {
			a.name: a
			for a in frappe.get_all(
				"Email Account",
				filters={"name": ["in", sorted({r.get("email_account") for r in rows if r.get("email_account")}) or [""]]},
				fields=["name", "email_id", "email_account_name"],
			)
		}  # fmt: skip
		people = sorted({r["candidate"] for r in rows if r.get("candidate")})
		self.renderer.load_people(people)
		self.zones = dict(
			frappe.db.sql(
				"select name, timezone from `tabRC Candidate` where name in %(names)s",
				{"names": people or [""]},
			)
		)

	def custom_cancellation(self) -> bool:
		"""Whether HR wrote their own cancellation (an Email Template of that name); read once."""
		if self._custom_cancellation is None:
			self._custom_cancellation = bool(frappe.db.exists("Email Template", CANCELLATION_TEMPLATE.name))
		return self._custom_cancellation

	def _compiled(self, template_name: str):
		if template_name not in self.templates:
			if template_name == CANCELLATION_TEMPLATE.name and not self.custom_cancellation():
				subject_src, body_src = CANCELLATION_TEMPLATE.subject, CANCELLATION_TEMPLATE.body
			else:
				t = frappe.get_cached_doc("Email Template", template_name)
				subject_src = t.subject or ""
				body_src = (t.response_html if t.use_html else t.response) or ""
			if ".__" in subject_src or ".__" in body_src:
				frappe.throw(_("Illegal template"))  # same guard as frappe.render_template
			jenv = self.renderer.jenv
			self.templates[template_name] = (jenv.from_string(subject_src), jenv.from_string(body_src))
		return self.templates[template_name]

	def context(self, row: dict) -> dict:
		"""The merge fields of one row: candidate, application, opening, interview, links."""
		automation = self.automations.get(row["pipeline_automation"]) or frappe._dict()
		application = self.applications.get(row.get("job_applicant")) or frappe._dict()
		opening = self.openings.get(application.get("job_title")) or frappe._dict()
		person = self.renderer.people.get(row.get("candidate")) or {}
		state_name = (
			automation.state if automation.get("trigger") == pipeline_mail.ENTERS_STATE else None
		) or application.get("state")
		state = self.pipeline.state(state_name) if self.pipeline else None
		opening_title = opening.get("job_title") or application.get("job_title") or ""
		ctx = {
			"candidate": person,
			"application": {
				"name": application.get("name"),
				"job_title": opening_title,
				"state": state_name,
				"state_label": state.public_label if state else state_name,
				"next_step": (state.next_step if state else None) or "",
			},
			"opening": {
				"title": opening_title,
				"url": get_url(careers.job_path(opening.get("route"))) if opening.get("route") else "",
			},
			"applications_link": PREVIEW_APPLICATIONS
			if self.renderer.preview
			else (applications_url(row["candidate"]) if row.get("candidate") else ""),
			"community_link": self.community_url if automation.get("invite_to_community") else "",
			"company": careers.settings().company or frappe.defaults.get_global_default("company") or "",
			"interview": {},
		}
		interview = self.interview_of(row)
		if interview:
			meeting = self.meeting(row, interview, opening_title, person)
			zone = self.zones.get(row.get("candidate")) or None
			ctx["interview"] = {
				"round": interview.interview_round,
				"when": local_time_text(meeting.start, zone, self.tz),
				"ends": local_time_text(meeting.end, zone, self.tz),
				"google_calendar_link": google_calendar_link(meeting),
			}
		return ctx

	def interview_of(self, row: dict) -> frappe._dict | None:
		"""The interview an email is about. A cancellation names the slot the candidate was
		invited to (kept on its row), even when the interview has moved since or was deleted."""
		interview = self.interviews.get(row.get("interview"))
		if not pipeline_mail.is_cancel_key(row.get("idempotency_key")):
			return interview
		slot = pipeline_mail.parse_slot(row.get("step_key"))
		if not slot:
			return interview
		current = interview and pipeline_mail.slot_text(interview.scheduled_on, interview.from_time)
		if interview and current == row.get("step_key"):
			return interview
		return frappe._dict(
			name=row.get("interview"), interview_round=(interview or {}).get("interview_round") or "",
			scheduled_on=slot[0], from_time=slot[1], to_time=None,
		)  # fmt: skip

	def meeting(self, row: dict, interview, opening_title: str, person: dict) -> Meeting:
		start, end = interview_window(
			get_datetime(interview.scheduled_on).date(), interview.from_time, interview.to_time, self.tz
		)
		sender = self.senders.get(row.get("email_account")) or frappe._dict()
		company = careers.settings().company or ""
		return Meeting(
			uid=f"{interview.name}@{frappe.local.site}",
			start=start,
			end=end,
			summary=_("Interview: {0}").format(opening_title or interview.interview_round or "")
			+ (f" ({company})" if company else ""),
			description=_("Interview round: {0}").format(interview.interview_round or ""),
			organizer_email=sender.get("email_id") or "",
			organizer_name=sender.get("email_account_name") or company,
			attendee_email=row.get("recipient") or "",
			attendee_name=person.get("full_name") or "",
			sequence=int(row.get("step_idx") or 0),  # set when the row was queued
			cancelled=pipeline_mail.is_cancel_key(row.get("idempotency_key")),
		)

	def render(self, row: dict) -> tuple[str, str, str | None, list[tuple[str, str, bytes]]]:
		"""(subject, html, email template, attachments) for one pipeline row; candidate values escaped."""
		automation = self.automations.get(row["pipeline_automation"])
		if not automation:
			frappe.throw(
				_("The pipeline automation {0} no longer exists.").format(row["pipeline_automation"])
			)
		cancellation = pipeline_mail.is_cancel_key(row.get("idempotency_key"))
		template_name = CANCELLATION_TEMPLATE.name if cancellation else automation.email_template
		subject_t, body_t = self._compiled(template_name)
		ctx = self.context(row)
		safe = _escaped(ctx)
		subject = " ".join(subject_t.render(**ctx, doc=ctx["candidate"]).split())[:250]
		body = body_t.render(**safe, doc=safe["candidate"])
		html = self.renderer.branded(body, row["name"], row["candidate"])
		attachments = []
		interview = self.interview_of(row)
		if interview and (automation.attach_calendar or cancellation):
			meeting = self.meeting(row, interview, ctx["opening"]["title"], ctx["candidate"])
			text = ics(meeting, to_aware(frappe.utils.now_datetime()))
			attachments.append(("interview.ics", content_type(meeting), text.encode()))
		if cancellation and not self.custom_cancellation():
			template_name = None  # the built-in wording: no Email Template to link
		return subject, html, template_name, attachments


def _escaped(value):
	"""Stored values may or may not be HTML-escaped already: normalise, then escape once."""
	from html import unescape

	if isinstance(value, dict):
		return {k: _escaped(v) for k, v in value.items()}
	if isinstance(value, str) and not value.startswith(("http://", "https://", "#")):
		return escape(unescape(value))
	return value


def _by_name(doctype: str, names: set, fields: str) -> dict[str, frappe._dict]:
	names = sorted(n for n in names if n)
	if not names:
		return {}
	return {
		r.name: r
		for r in frappe.db.sql(
			f"select {fields} from `tab{doctype}` where name in %(names)s", {"names": names}, as_dict=True
		)
	}


# ------------------------------------------------------------------ after sending


def after_sent(rows: list[dict]) -> int:
	"""Pools for sent pipeline emails (a rejection's talent pool, or the silver medalists' pool for
	people who reached an Interview or Offer state): set-based and idempotent. Returns joins.
	An interview's cancellation rides its invitation's automation but joins no pool."""
	rows = [
		r
		for r in rows
		if r.get("pipeline_automation")
		and r.get("candidate")
		and not pipeline_mail.is_cancel_key(r.get("idempotency_key"))
	]
	if not rows:
		return 0
	automations = _by_name(
		AUTOMATION, {r.pipeline_automation for r in rows}, "name, title, talent_pool, silver_medal_pool"
	)
	rows = [r for r in rows if (automations.get(r.pipeline_automation) or {}).get("talent_pool")
		or (automations.get(r.pipeline_automation) or {}).get("silver_medal_pool")]  # fmt: skip
	if not rows:
		return 0
	reached: dict[str, set[str]] = defaultdict(set)
	for applicant, kind in frappe.db.sql(
		f"""select distinct job_applicant, stage_kind from `tab{STAGE}`
		where job_applicant in %(names)s and stage_kind in %(kinds)s""",
		{"names": sorted({r.job_applicant for r in rows}), "kinds": pipeline_mail.FINAL_STAGE_KINDS},
	):
		reached[applicant].add(kind)
	joining: dict[tuple[str, str], list[str]] = defaultdict(list)
	for r in rows:
		a = automations[r.pipeline_automation]
		pool = a.silver_medal_pool if (
			a.silver_medal_pool and pipeline_mail.is_silver_medalist(reached[r.job_applicant])
		) else a.talent_pool  # fmt: skip
		if pool:
			joining[(pool, a.title)].append(r.candidate)
	added = 0
	for (pool, title), candidates in joining.items():
		added += add_members(
			pool, sorted(set(candidates)), _("Pipeline email: {0}").format(title), added_by="Administrator"
		)
	return added
