"""Nobody waits unseen: how long each open application has been in its state, against the state's
ideal and maximum days (the Workflow's, or the Job Opening's own), as an amber or red flag on the
applicant, a ToDo for its recruiter, an escalation to HR Managers past the maximum, and a daily
digest per recruiter.

The scan is set-based: one UPDATE per open state for the flags, one INSERT for the ToDos.
Applications placed in the pipeline on install get flags but no alerts (their waiting predates
the pipeline); alerts start with the first real move.
"""

from collections import defaultdict
from datetime import datetime, timedelta

import frappe
from frappe import _
from frappe.utils import add_to_date, escape_html, get_url_to_form, now_datetime, nowdate

from recruit_crm.domain.pipeline import MoveSource, SlaLevel
from recruit_crm.services._sql import multi_row_insert
from recruit_crm.services.pipeline import workflow
from recruit_crm.services.pipeline.workflow import APPLICANT, STAGE, STATE_FIELD

OVERRIDES = "RC Stage SLA"
ALERT_PREFIX = "Waiting on us"
ESCALATION_ROLE = "HR Manager"
SLA_INDEX = "rc_state_sla_entered"  # (state, flag, entered): see setup/pipeline.py


def scan(now: datetime | None = None, full: bool = False) -> dict:
	"""Refresh the SLA flags of open applications, then raise the alerts that are due.

	The regular scan only moves flags forward (On Track -> Past Ideal -> Past Max), reading the
	few rows that crossed a line through the (state, flag, entered) index; a new stay starts On
	Track when it is recorded. `full` recomputes every flag (daily, and after an admin changes the
	days), which also lowers flags whose days were lengthened. Openings with their own days are
	always recomputed in full (they are few)."""
	pipeline = workflow.current()
	if not pipeline:
		return {"alerts": 0}
	now = now or now_datetime()
	overridden = frappe.db.sql(
		f"select distinct parent from `tab{OVERRIDES}` where parenttype = 'Job Opening'", pluck=True
	)
	for state in pipeline.states:
		if state.is_closed:
			_clear(state)
		elif full:
			_recompute(state, now)
		else:
			_escalate(state, now, overridden)
			if overridden:
				_recompute(state, now, openings=overridden)
	return {"alerts": raise_alerts(now)}


def _clear(state) -> None:
	frappe.db.sql(
		f"""update `tab{APPLICANT}` set rc_sla_status = ''
		where {STATE_FIELD} = %(state)s and rc_sla_status in ('On Track', 'Past Ideal', 'Past Max')""",
		{"state": state.name},
	)


def _escalate(state, now: datetime, overridden: list[str]) -> None:
	"""Move flags forward where the global days were crossed (openings with their own days are
	left to `_recompute`). Each statement is an index range over the rows still below the level."""
	if not (state.ideal_days or state.max_days):
		return
	params = {"state": state.name, "overridden": overridden or [""]}
	# A flag never set (NULL: an application from before the pipeline) waits for the full scan.
	table = f"`tab{APPLICANT}` force index ({SLA_INDEX})"
	scope = f"{STATE_FIELD} = %(state)s and job_title not in %(overridden)s"
	for level, days, below in (
		(SlaLevel.PAST_MAX, state.max_days, "'', 'On Track', 'Past Ideal'"),
		(SlaLevel.PAST_IDEAL, state.ideal_days, "'', 'On Track'"),
	):
		if not days:
			continue
		frappe.db.sql(
			f"""update {table} set rc_sla_status = %(level)s
			where {scope} and rc_sla_status in ({below}) and rc_stage_entered_at < %(since)s""",
			{**params, "level": level.value, "since": now - timedelta(days=float(days))},
		)
	frappe.db.sql(
		f"""update {table} set rc_sla_status = 'On Track'
		where {scope} and rc_sla_status = '' and rc_stage_entered_at is not null""",
		params,
	)


def _recompute(state, now: datetime, openings: list[str] | None = None) -> None:
	params = {"state": state.name, "now": now, "ideal": state.ideal_days or 0, "max": state.max_days or 0,
		"openings": openings or [""]}  # fmt: skip
	ideal = "coalesce(nullif(o.ideal_days, 0), %(ideal)s)"
	most = "coalesce(nullif(o.max_days, 0), %(max)s)"
	level = f"""case
		when ja.rc_stage_entered_at is null then ''
		when {most} > 0 and ja.rc_stage_entered_at < %(now)s - interval ({most} * 86400) second then 'Past Max'
		when {ideal} > 0 and ja.rc_stage_entered_at < %(now)s - interval ({ideal} * 86400) second then 'Past Ideal'
		when {ideal} > 0 or {most} > 0 then 'On Track'
		else '' end"""
	only = "and ja.job_title in %(openings)s" if openings else ""
	frappe.db.sql(
		f"""update `tab{APPLICANT}` ja
		left join `tab{OVERRIDES}` o on o.parent = ja.job_title and o.parenttype = 'Job Opening'
			and o.parentfield = 'rc_stage_slas' and o.state = ja.{STATE_FIELD}
		set ja.rc_sla_status = {level}
		where ja.{STATE_FIELD} = %(state)s {only} and ifnull(ja.rc_sla_status, '') != {level}""",
		params,
	)


def raise_alerts(now: datetime) -> int:
	"""A ToDo for each stay that crossed a line since its last alert (once per level), assigned to
	the application's recruiter; past the maximum, HR Managers get one too. Returns ToDos created."""
	due = frappe.db.sql(
		f"""select ja.name, ja.applicant_name, ja.job_title, ja.{STATE_FIELD} as state, ja.rc_sla_status as level,
			ja.rc_recruiter, s.name as stay, s.entered_at
		from `tab{APPLICANT}` ja
		join `tab{STAGE}` s on s.job_applicant = ja.name and s.left_at is null
		where ja.rc_sla_status in ('Past Ideal', 'Past Max') and s.dismissed = 0
			and (s.snoozed_until is null or s.snoozed_until < %(now)s) and s.source != %(install)s
			and (ifnull(s.alerted_level, '') = ''
				or (s.alerted_level = 'Past Ideal' and ja.rc_sla_status = 'Past Max'))""",
		{"now": now, "install": MoveSource.INSTALL.value},
		as_dict=True,
	)
	if not due:
		return 0
	first_recruiter = _first_recruiters({r.job_title for r in due if not r.rc_recruiter})
	managers = _escalation_users()
	todos = []
	for r in due:
		days = max((now - r.entered_at).days, 0) if r.entered_at else 0
		text = _("{0}: {1} has been in {2} for {3} days ({4}).").format(
			_(ALERT_PREFIX), escape_html(r.applicant_name or r.name), r.state, days, _(r.level)
		)
		owner = r.rc_recruiter or first_recruiter.get(r.job_title)
		high = r.level == SlaLevel.PAST_MAX.value
		recipients = {owner} if owner else set()
		if high or not owner:
			recipients |= set(managers)
		for user in sorted(u for u in recipients if u):
			todos.append((user, "High" if high else "Medium", text, r.name))
	_insert_todos(todos, now)
	by_level: dict[str, list[str]] = defaultdict(list)
	for r in due:
		by_level[r.level].append(r.stay)
	for level, stays in by_level.items():
		frappe.db.sql(
			f"update `tab{STAGE}` set alerted_level = %(level)s, sla_status = %(level)s where name in %(stays)s",
			{"level": level, "stays": stays},
		)
	return len(todos)


def _insert_todos(todos: list[tuple], now: datetime) -> None:
	rows = [
		(frappe.generate_hash(length=12), now, now, "Administrator", "Administrator", 0, "Open", priority,
			nowdate(), user, text, APPLICANT, name, "Administrator")
		for user, priority, text, name in todos
	]  # fmt: skip
	multi_row_insert(
		"ToDo",
		("name", "creation", "modified", "owner", "modified_by", "docstatus", "status", "priority", "date",
			"allocated_to", "description", "reference_type", "reference_name", "assigned_by"),
		rows,
	)  # fmt: skip


def _first_recruiters(openings: set[str]) -> dict[str, str]:
	openings = {o for o in openings if o}
	if not openings:
		return {}
	rows = frappe.db.sql(
		"""select parent, user from `tabRC Opening Recruiter`
		where parenttype = 'Job Opening' and parent in %(openings)s order by parent, idx""",
		{"openings": sorted(openings)},
	)
	first: dict[str, str] = {}
	for parent, user in rows:
		first.setdefault(parent, user)
	return first


def _escalation_users() -> list[str]:
	return frappe.db.sql(
		"""select distinct u.name from `tabUser` u join `tabHas Role` r on r.parent = u.name
		where r.role = %s and r.parenttype = 'User' and u.enabled = 1 and u.user_type = 'System User'
			and u.name not in ('Administrator', 'Guest') order by u.name""",
		ESCALATION_ROLE,
		pluck=True,
	)


# ------------------------------------------------------------------ snooze and dismiss


def snooze(job_applicant: str, days: int, reason: str) -> datetime:
	"""No alert for this stay for `days`; its open SLA ToDos close. Returns when it wakes."""
	until = add_to_date(now_datetime(), days=max(1, min(int(days), 90)))
	_set_on_open_stay(job_applicant, {"snoozed_until": until, "snooze_reason": _reason(reason)})
	_close_alert_todos(job_applicant)
	return until


def dismiss(job_applicant: str, reason: str) -> None:
	"""No more alerts for this stay (a new state starts alerting again)."""
	_set_on_open_stay(job_applicant, {"dismissed": 1, "snooze_reason": _reason(reason)})
	_close_alert_todos(job_applicant)


def _reason(reason: str) -> str:
	text = (reason or "").strip()
	if not text:
		frappe.throw(_("Say why, so the team knows."), title=_("Reason Needed"))
	return text[:1000]


def _set_on_open_stay(job_applicant: str, values: dict) -> None:
	stay = frappe.db.get_value(STAGE, {"job_applicant": job_applicant, "left_at": ("is", "not set")}, "name")
	if not stay:
		frappe.throw(_("This application has no open stage to snooze."))
	frappe.db.set_value(STAGE, stay, values)


def _close_alert_todos(job_applicant: str) -> None:
	frappe.db.sql(
		"""update `tabToDo` set status = 'Closed', modified = %(now)s
		where reference_type = %(dt)s and reference_name = %(name)s and status = 'Open'
			and description like %(prefix)s""",
		{"now": now_datetime(), "dt": APPLICANT, "name": job_applicant, "prefix": f"{_(ALERT_PREFIX)}:%"},
	)


# ------------------------------------------------------------------ daily digest


def waiting(
	recruiter: str | None = None, job_opening: str | None = None, level: str | None = None
) -> list[dict]:
	"""Open applications past their ideal or maximum days, longest wait first (the "Waiting on us"
	report and the digest)."""
	conditions = ["ja.rc_sla_status in ('Past Ideal', 'Past Max')"]
	params: dict = {"today": nowdate(), "now": now_datetime()}
	if recruiter:
		conditions.append("ja.rc_recruiter = %(recruiter)s")
		params["recruiter"] = recruiter
	if job_opening:
		conditions.append("ja.job_title = %(opening)s")
		params["opening"] = job_opening
	if level in (SlaLevel.PAST_IDEAL.value, SlaLevel.PAST_MAX.value):
		conditions.append("ja.rc_sla_status = %(level)s")
		params["level"] = level
	return frappe.db.sql(
		f"""select ja.name as job_applicant, ja.applicant_name, ja.job_title as job_opening,
			jo.job_title as opening_title, ja.{STATE_FIELD} as state, ja.rc_sla_status as waiting,
			ja.rc_stage_entered_at as since, timestampdiff(minute, ja.rc_stage_entered_at, %(now)s) / 1440.0 as days,
			ja.rc_recruiter as recruiter,
			(select min(i.scheduled_on) from `tabInterview` i where i.job_applicant = ja.name
				and i.status != 'Cancelled' and i.docstatus < 2 and i.scheduled_on >= %(today)s) as next_interview
		from `tab{APPLICANT}` ja left join `tabJob Opening` jo on jo.name = ja.job_title
		where {" and ".join(conditions)}
		order by ja.rc_stage_entered_at asc limit 5000""",
		params,
		as_dict=True,
	)


def send_digests() -> int:
	"""One email per recruiter with applications waiting on them (Email Queue). Returns emails."""
	rows = waiting()
	by_recruiter: dict[str, list[dict]] = defaultdict(list)
	for r in rows:
		if r.recruiter:
			by_recruiter[r.recruiter].append(r)
	for user, items in by_recruiter.items():
		frappe.sendmail(
			recipients=[user],
			subject=_("{0} applications are waiting on you").format(len(items)),
			message=_digest_html(items),
			reference_doctype="User",
			reference_name=user,
		)
	return len(by_recruiter)


def _digest_html(items: list[dict]) -> str:
	lines = "".join(
		f"<li><a href='{get_url_to_form(APPLICANT, r.job_applicant)}'>{escape_html(r.applicant_name or '')}</a>"
		f" — {escape_html(r.opening_title or r.job_opening or '')}: {escape_html(r.state or '')},"
		f" {round(float(r.days or 0), 1)} {escape_html(_('days'))} ({escape_html(_(r.waiting))})</li>"
		for r in items[:100]
	)
	more = "" if len(items) <= 100 else f"<p>{escape_html(_('and {0} more').format(len(items) - 100))}</p>"
	return f"<p>{escape_html(_('These applications have waited longer than they should:'))}</p><ul>{lines}</ul>{more}"


def hear_back_days(state_name: str, job_opening: str | None) -> tuple[float | None, float | None]:
	"""(ideal, max) days of a state for an opening: the opening's override, else the Workflow's."""
	pipeline = workflow.current()
	state = pipeline.state(state_name) if pipeline else None
	if not state:
		return None, None
	override = (
		frappe.db.get_value(
			OVERRIDES,
			{"parent": job_opening, "parenttype": "Job Opening", "state": state_name},
			["ideal_days", "max_days"],
		)
		if job_opening
		else None
	)
	ideal, most = override or (None, None)
	return (ideal or state.ideal_days or None, most or state.max_days or None)
