"""Nobody waits unseen: how long each open application has been in its state, against the state's
ideal and maximum days (the Workflow's, or the Job Opening's own), as an amber or red flag on the
applicant, a ToDo for its recruiter, an escalation to HR Managers past the maximum, and a daily
digest per recruiter.

Each open application carries when its flag next changes (`rc_sla_due_at`: entering the state
sets it to "now", a recompute sets it to the next line it will cross, none past the maximum).
The 15-minute scan reads only the rows that are due, through an index on that column, so its cost
follows what changed, not how many applications are open. The daily full recompute (and any
change of the days) rewrites every flag and due time set-based: one UPDATE per state.
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
DUE_INDEX = "rc_sla_due"  # (rc_sla_due_at): see setup/pipeline.py
CHUNK = 5000
WAKE_WINDOW = timedelta(days=1)  # snoozes that ended this recently are looked at again


def scan(now: datetime | None = None, full: bool = False) -> dict:
	"""Refresh the SLA flags that are due, then raise the alerts they call for.

	`full` recomputes every open application's flag and due time (daily, and after an admin
	changes the days), which also lowers flags whose days were lengthened."""
	pipeline = workflow.current()
	if not pipeline:
		return {"alerts": 0, "refreshed": 0}
	now = now or now_datetime()
	if full:
		for state in pipeline.states:
			if state.is_closed:
				_clear(state)
			else:
				_recompute(state, now)
		return {"alerts": raise_alerts(now), "refreshed": None}
	due = frappe.db.sql(
		f"""select name, {STATE_FIELD} from `tab{APPLICANT}` force index ({DUE_INDEX})
		where rc_sla_due_at <= %(now)s""",
		{"now": now},
	)
	by_state: dict[str, list[str]] = defaultdict(list)
	for name, state_name in due:
		by_state[state_name or ""].append(name)
	for state_name, names in by_state.items():
		state = pipeline.state(state_name)
		for start in range(0, len(names), CHUNK):
			chunk = names[start : start + CHUNK]
			if state is None or state.is_closed:
				_clear(state, names=chunk)
			else:
				_recompute(state, now, names=chunk)
	woken = frappe.db.sql(
		f"""select job_applicant from `tab{STAGE}`
		where snoozed_until > %(since)s and snoozed_until <= %(now)s and left_at is null""",
		{"since": now - WAKE_WINDOW, "now": now},
		pluck=True,
	)
	look_at = sorted({name for name, _state in due} | set(woken))
	return {"alerts": raise_alerts(now, applicants=look_at), "refreshed": len(due)}


def recompute_opening(job_opening: str, now: datetime | None = None) -> None:
	"""An opening's own days changed: its applications' flags and due times follow at once."""
	pipeline = workflow.current()
	if not pipeline or not job_opening:
		return
	now = now or now_datetime()
	for state in pipeline.states:
		if not state.is_closed:
			_recompute(state, now, openings=[job_opening])


def _clear(state, names: list[str] | None = None) -> None:
	"""A closed state (or one the Workflow no longer has) carries no flag and is never due."""
	if names is not None:
		frappe.db.sql(
			f"update `tab{APPLICANT}` set rc_sla_status = '', rc_sla_due_at = null where name in %(names)s",
			{"names": names},
		)
		return
	frappe.db.sql(
		f"""update `tab{APPLICANT}` set rc_sla_status = '', rc_sla_due_at = null
		where {STATE_FIELD} = %(state)s
			and (rc_sla_status in ('On Track', 'Past Ideal', 'Past Max') or rc_sla_due_at is not null)""",
		{"state": state.name},
	)


def _recompute(
	state, now: datetime, openings: list[str] | None = None, names: list[str] | None = None
) -> None:
	"""Set the flag and the next due time of a state's applications (all, some openings', or the
	named ones), with each opening's own days where it has them. One statement."""
	params = {"state": state.name, "now": now, "ideal": state.ideal_days or 0, "max": state.max_days or 0,
		"openings": openings or [""], "names": names or [""]}  # fmt: skip
	ideal = "coalesce(nullif(o.ideal_days, 0), %(ideal)s)"
	most = "coalesce(nullif(o.max_days, 0), %(max)s)"
	entered = "ja.rc_stage_entered_at"
	max_line = f"{entered} + interval ({most} * 86400) second"
	ideal_line = f"{entered} + interval ({ideal} * 86400) second"
	past_max = f"{most} > 0 and {max_line} <= %(now)s"
	past_ideal = f"{ideal} > 0 and {ideal_line} <= %(now)s"
	level = f"""case
		when {entered} is null then ''
		when {past_max} then 'Past Max'
		when {past_ideal} then 'Past Ideal'
		when {ideal} > 0 or {most} > 0 then 'On Track'
		else '' end"""
	due = f"""case
		when {entered} is null or ({past_max}) then null
		when {past_ideal} then if({most} > 0, {max_line}, null)
		when {ideal} > 0 then {ideal_line}
		when {most} > 0 then {max_line}
		else null end"""
	only = ""
	if openings:
		only += " and ja.job_title in %(openings)s"
	if names:
		only += " and ja.name in %(names)s"
	frappe.db.sql(
		f"""update `tab{APPLICANT}` ja {"force index (primary)" if names else ""}
		left join `tab{OVERRIDES}` o on o.parent = ja.job_title and o.parenttype = 'Job Opening'
			and o.parentfield = 'rc_stage_slas' and o.state = ja.{STATE_FIELD}
		set ja.rc_sla_status = {level}, ja.rc_sla_due_at = {due}
		where ja.{STATE_FIELD} = %(state)s {only}
			and (ifnull(ja.rc_sla_status, '') != {level} or not (ja.rc_sla_due_at <=> {due}))""",
		params,
	)


def raise_alerts(now: datetime, applicants: list[str] | None = None) -> int:
	"""A ToDo for each stay that crossed a line since its last alert (once per level), assigned to
	the application's recruiter; past the maximum, HR Managers get one too. `applicants` limits the
	look to those (the scan's due rows); None looks at every flagged application. Returns ToDos
	created."""
	if applicants is not None:
		return sum(
			_raise_alerts(now, applicants[start : start + CHUNK])
			for start in range(0, len(applicants), CHUNK)
		)
	return _raise_alerts(now, None)


def _raise_alerts(now: datetime, applicants: list[str] | None) -> int:
	if applicants is not None and not applicants:
		return 0
	only = "and ja.name in %(names)s" if applicants else ""
	due = frappe.db.sql(
		f"""select ja.name, ja.applicant_name, ja.job_title, ja.{STATE_FIELD} as state, ja.rc_sla_status as level,
			ja.rc_recruiter, s.name as stay, s.entered_at
		from `tab{APPLICANT}` ja
		join `tab{STAGE}` s on s.job_applicant = ja.name and s.left_at is null
		where ja.rc_sla_status in ('Past Ideal', 'Past Max') and s.dismissed = 0
			and (s.snoozed_until is null or s.snoozed_until < %(now)s) and s.source != %(install)s
			and (ifnull(s.alerted_level, '') = ''
				or (s.alerted_level = 'Past Ideal' and ja.rc_sla_status = 'Past Max')) {only}""",
		{"now": now, "install": MoveSource.INSTALL.value, "names": applicants or [""]},
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
