"""The figures on a hiring drive's page, from a fixed number of grouped queries.

Applications count towards a drive when they are for one of its openings and arrived on or
after the drive's start (and on or before its end, when it has one): the drive is what brought
them in. One grouped query over Job Applicant gives the funnel, the hires per opening and the
source mix; one more gives the registrations of the drive's events. The arithmetic is
`domain.drives`.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import frappe
from frappe.query_builder.functions import Count
from frappe.utils import add_days, getdate

from recruit_crm.domain import drives
from recruit_crm.domain.pipeline import StageKind
from recruit_crm.services.pipeline import workflow

DRIVE = "RC Hiring Drive"
EVENT = "RC Hiring Event"
REGISTRATION = "RC Event Registration"
HIRED_STATUS = "Accepted"  # HRMS's Job Applicant status of a hire


def dashboard(drive: str) -> dict:
	"""Progress, funnel, spend per applicant and per hire, source mix and events of a drive."""
	doc = frappe.get_doc(DRIVE, drive)
	targets = {row.job_opening: int(row.target_hires or 0) for row in doc.openings}
	rows = _application_counts(list(targets), doc.starts_on, doc.ends_on)
	pipeline = workflow.current()
	states = [(s.name, s.kind.value) for s in pipeline.states] if pipeline else []
	hired_states = {s for s, kind in states if kind == StageKind.HIRED.value}

	by_state: Counter[str] = Counter()
	by_source: Counter[str] = Counter()
	applicants: Counter[str] = Counter()
	hires: Counter[str] = Counter()
	for opening, state, status, utm_source, source, n in rows:
		applicants[opening] += n
		by_state[state or ""] += n
		by_source[drives.source_label(utm_source, source)] += n
		if status == HIRED_STATUS or (state and state in hired_states):
			hires[opening] += n

	spend_lines = [(row.channel, row.amount) for row in doc.spend]
	per_channel = drives.spend_by_channel(spend_lines)
	total_spend = round(sum(per_channel.values()), 2)
	total_applicants, total_hires = sum(applicants.values()), sum(hires.values())
	titles = _opening_titles(list(targets))
	return {
		"progress": drives.progress(sum(targets.values()), total_hires).__dict__,
		"openings": [
			{
				"job_opening": opening,
				"title": titles.get(opening) or opening,
				"applicants": applicants.get(opening, 0),
				**drives.progress(target, hires.get(opening, 0)).__dict__,
			}
			for opening, target in targets.items()
		],
		"funnel": drives.funnel(by_state, states) if total_applicants else [],
		"spend": {
			"budget": float(doc.budget or 0),
			"total": total_spend,
			"applicants": total_applicants,
			"hires": total_hires,
			"per_applicant": drives.per_unit(total_spend, total_applicants),
			"per_hire": drives.per_unit(total_spend, total_hires),
			"by_channel": per_channel,
		},
		"sources": drives.source_mix(by_source, per_channel),
		"events": _events(drive),
	}


def _application_counts(openings: list[str], starts_on, ends_on) -> list[tuple]:
	"""(opening, state, status, utm source, source, count) for the drive's applications."""
	if not openings:
		return []
	applicant = frappe.qb.DocType("Job Applicant")
	state_field = workflow.state_field()
	has_state = frappe.db.has_column("Job Applicant", state_field)
	state = getattr(applicant, state_field) if has_state else applicant.status
	query = (
		frappe.qb.from_(applicant)
		.select(
			applicant.job_title,
			state,
			applicant.status,
			applicant.rc_utm_source,
			applicant.source,
			Count("*"),
		)
		.where(applicant.job_title.isin(openings))
		.where(applicant.creation >= getdate(starts_on))
		.groupby(applicant.job_title, state, applicant.status, applicant.rc_utm_source, applicant.source)
	)
	if ends_on:
		query = query.where(applicant.creation < add_days(getdate(ends_on), 1))
	return [(r[0], r[1], r[2], r[3], r[4], int(r[5])) for r in query.run()]


def _opening_titles(openings: list[str]) -> dict[str, str]:
	if not openings:
		return {}
	opening = frappe.qb.DocType("Job Opening")
	return dict(
		frappe.qb.from_(opening)
		.select(opening.name, opening.job_title)
		.where(opening.name.isin(openings))
		.run()
	)


def _events(drive: str) -> list[dict]:
	"""The drive's events, each with its registrations per status (one grouped query)."""
	event = frappe.qb.DocType(EVENT)
	registration = frappe.qb.DocType(REGISTRATION)
	rows = (
		frappe.qb.from_(event)
		.left_join(registration)
		.on(registration.hiring_event == event.name)
		.select(
			event.name,
			event.title,
			event.event_type,
			event.starts_at,
			registration.status,
			Count(registration.name),
		)
		.where(event.hiring_drive == drive)
		.groupby(event.name, event.title, event.event_type, event.starts_at, registration.status)
		.orderby(event.starts_at)
		.run()
	)
	events: dict[str, dict] = {}
	counts: defaultdict[str, dict[str, int]] = defaultdict(dict)
	for name, title, event_type, starts_at, status, n in rows:
		events.setdefault(
			name, {"name": name, "title": title, "event_type": event_type, "starts_at": str(starts_at)}
		)
		if status:
			counts[name][status] = int(n)
	return [
		{
			**e,
			"registrations": {s.value: counts[e["name"]].get(s.value, 0) for s in drives.RegistrationStatus},
		}
		for e in events.values()
	]
