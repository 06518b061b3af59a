"""Stage history: one RC Application Stage row per stay of an application in a pipeline state
(entered, left, days), written set-based. The Job Applicant carries when its current stay began
(`rc_stage_entered_at`), which is what the board, the SLA scan and the portal read; each stay
carries the application facts the reports filter on (`stay_facts`).
"""

import random
import time
from dataclasses import dataclass
from datetime import datetime

import frappe
from frappe.utils import now_datetime

from recruit_crm.domain.naming import sortable_names
from recruit_crm.domain.pipeline import MoveSource, Pipeline, SlaLevel, StageKind
from recruit_crm.services._sql import multi_row_insert
from recruit_crm.services.pipeline import stay_facts
from recruit_crm.services.pipeline.workflow import APPLICANT, STAGE, STATE_FIELD

COLUMNS = (
	"name",
	"creation",
	"modified",
	"owner",
	"modified_by",
	"docstatus",
	"job_applicant",
	"candidate",
	"job_opening",
	"state",
	"stage_kind",
	"entered_at",
	"entered_by",
	"source",
	"action",
	"sla_status",
	"dismissed",
)


@dataclass(frozen=True)
class Entry:
	"""An application entering a state."""

	job_applicant: str
	candidate: str | None
	job_opening: str | None
	state: str
	name: str = ""  # the history row, once written


def record_entries(
	pipeline: Pipeline,
	entries: list[Entry],
	*,
	source: MoveSource,
	action: str | None = None,
	user: str | None = None,
	at: datetime | None = None,
	stamp_applicants: bool = True,
) -> list[Entry]:
	"""Close each application's open stay and open a new one in its new state (one statement per
	chunk, whatever the count). Returns the entries with their history row names."""
	if not entries:
		return []
	at = at or now_datetime()
	user = user or frappe.session.user
	applicants = [e.job_applicant for e in entries]
	close_open_stays(applicants, at)
	names = sortable_names(len(entries), int(time.time() * 1000), random.Random())
	named = [
		Entry(e.job_applicant, e.candidate, e.job_opening, e.state, n)
		for e, n in zip(entries, names, strict=True)
	]
	rows = []
	for e in named:
		state = pipeline.state(e.state)
		kind = state.kind if state else StageKind.OTHER
		rows.append(
			(e.name, at, at, user, user, 0, e.job_applicant, e.candidate, e.job_opening, e.state, kind.value,
				at, user, source.value, (action or "")[:140], initial_sla(pipeline, e.state), 0)
		)  # fmt: skip
	multi_row_insert(STAGE, COLUMNS, rows)
	stay_facts.refresh_stays(applicants)
	if stamp_applicants:
		stamp(pipeline, named, at)
	return named


def stamp(pipeline: Pipeline, entries: list[Entry], at: datetime) -> None:
	"""The applications' own copy of their stay: when it began, its SLA colour (starting over) and
	when the next scan looks at it (at once)."""
	by_state: dict[str, list[str]] = {}
	for e in entries:
		by_state.setdefault(e.state, []).append(e.job_applicant)
	for state, members in by_state.items():
		frappe.db.sql(
			f"""update `tab{APPLICANT}` set rc_stage_entered_at = %(at)s, rc_sla_status = %(sla)s,
				rc_sla_due_at = if(%(sla)s = '', null, %(at)s)
			where name in %(names)s""",
			{"at": at, "sla": initial_sla(pipeline, state), "names": members},
		)


def close_open_stays(applicants: list[str], at: datetime) -> None:
	if not applicants:
		return
	frappe.db.sql(
		f"""update `tab{STAGE}` set left_at = %(at)s, modified = %(at)s,
			days_in_stage = greatest(timestampdiff(second, entered_at, %(at)s), 0) / 86400.0,
			seconds_in_stage = timestampdiff(second, entered_at, %(at)s)
		where job_applicant in %(names)s and left_at is null""",
		{"at": at, "names": applicants},
	)


def initial_sla(pipeline: Pipeline, state_name: str) -> str:
	state = pipeline.state(state_name)
	if not state or state.is_closed or not (state.ideal_days or state.max_days):
		return ""
	return SlaLevel.ON_TRACK.value


def stays(job_applicant: str) -> list[dict]:
	"""The application's stage history, oldest first (for the Job Applicant form)."""
	return frappe.get_all(
		STAGE,
		filters={"job_applicant": job_applicant},
		fields=[
			"state",
			"stage_kind",
			"entered_at",
			"left_at",
			"days_in_stage",
			"entered_by",
			"source",
			"action",
		],
		order_by="entered_at asc, creation asc",
	)


def place_existing_applications(pipeline: Pipeline) -> int:
	"""Put every application that has no pipeline state yet into the state its HRMS status and
	documents imply, with a first history row (source Install). Set-based; HRMS's statuses are not
	touched. Returns the applications placed."""
	kinds = {
		kind: (pipeline.of_kind(kind).name if pipeline.of_kind(kind) else None)
		for kind in (
			StageKind.APPLIED,
			StageKind.SCREENING,
			StageKind.INTERVIEW,
			StageKind.OFFER,
			StageKind.HIRED,
			StageKind.REJECTED,
		)
	}
	first = pipeline.first.name
	params = {
		"applied": kinds[StageKind.APPLIED] or first,
		"screening": kinds[StageKind.SCREENING] or kinds[StageKind.APPLIED] or first,
		"interview": kinds[StageKind.INTERVIEW] or kinds[StageKind.SCREENING] or first,
		"offer": kinds[StageKind.OFFER] or kinds[StageKind.INTERVIEW] or first,
		"hired": kinds[StageKind.HIRED] or first,
		"rejected": kinds[StageKind.REJECTED] or first,
	}
	frappe.db.sql(
		f"""update `tab{APPLICANT}` ja set ja.{STATE_FIELD} = case
			when ja.status = 'Accepted' then %(hired)s
			when ja.status = 'Rejected' then %(rejected)s
			when exists (select 1 from `tabJob Offer` jo where jo.job_applicant = ja.name and jo.docstatus < 2)
				then %(offer)s
			when exists (select 1 from `tabInterview` i where i.job_applicant = ja.name and i.docstatus < 2
				and i.status != 'Cancelled') then %(interview)s
			when ja.status in ('Replied', 'Hold') then %(screening)s
			else %(applied)s end,
			ja.rc_stage_entered_at = coalesce(ja.rc_stage_entered_at, ja.modified),
			ja.rc_sla_status = ifnull(ja.rc_sla_status, '')
		where ifnull(ja.{STATE_FIELD}, '') = ''""",
		params,
	)
	placed = frappe.db.sql("select row_count()")[0][0]
	now = now_datetime()
	states = [(st.name, st.kind.value) for st in pipeline.states]
	kind_case = (
		"case " + " ".join([f"when ja.{STATE_FIELD} = %s then %s"] * len(states)) + " else 'Other' end"
	)
	frappe.db.sql(
		f"""insert into `tab{STAGE}` (name, creation, modified, owner, modified_by, docstatus,
			job_applicant, candidate, job_opening, state, stage_kind, entered_at, entered_by, source,
			sla_status, dismissed, applied_at, department, applicant_source, recruiter, is_first_entry)
		select concat('install-', left(md5(ja.name), 24)), %s, %s, 'Administrator', 'Administrator', 0,
			ja.name, ja.rc_candidate, ja.job_title, ja.{STATE_FIELD}, {kind_case}, ja.rc_stage_entered_at,
			'Administrator', %s, '', 0, ja.creation, jo.department, ja.source, ja.rc_recruiter, 1
		from `tab{APPLICANT}` ja left join `tabJob Opening` jo on jo.name = ja.job_title
		where ifnull(ja.{STATE_FIELD}, '') != ''
			and not exists (select 1 from `tab{STAGE}` s where s.job_applicant = ja.name)""",
		[now, now, *[v for pair in states for v in pair], MoveSource.INSTALL.value],
	)
	return placed
