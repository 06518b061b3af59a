"""A hiring drive's public landing page on the career site: /careers/drives/<route>.

What a candidate sees of a drive: its title and goal, its open published job openings (as the
job cards show them), its upcoming published events, the Web Pages it lists and the talent
community. Nothing internal is read here (budget, spend, owner, staffing plan, targets), so no
page can show it. Four small queries, whatever the size of the drive.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

import frappe
from frappe.utils import get_datetime, get_system_timezone, now_datetime

from recruit_crm.domain import drives
from recruit_crm.services.drives.events import EVENTS_PATH
from recruit_crm.services.portal import careers

DRIVE = "RC Hiring Drive"
DRIVES_PATH = "/careers/drives"  # /careers/drives/<route> (website/careers_renderer.py)
MAX_OPENINGS = 100
MAX_EVENTS = 20


def drive_path(route: str) -> str:
	return f"{DRIVES_PATH}/{quote(route, safe='')}"


def public_drive(route: str | None) -> frappe._dict | None:
	"""A published, not cancelled drive by its route, with only what its public page shows."""
	if not drives.is_valid_route(route):
		return None
	drive = frappe.qb.DocType(DRIVE)
	rows = (
		frappe.qb.from_(drive)
		.select(drive.name, drive.title, drive.goal, drive.route, drive.status, drive.published)
		.where(drive.route == route)
		.where(drive.published == 1)
		.run(as_dict=True)
	)
	if not rows or not drives.drive_is_public(rows[0].published, rows[0].status):
		return None
	row = rows[0]
	return frappe._dict(name=row.name, title=row.title, goal=row.goal or "", route=row.route)


def landing(route: str | None, now: datetime | None = None) -> frappe._dict | None:
	"""Everything the landing page shows, or None (unknown, unpublished, cancelled: one answer)."""
	drive = public_drive(route)
	if not drive:
		return None
	return frappe._dict(
		drive=drive,
		path=drive_path(drive.route),
		jobs=open_openings(drive.name),
		events=upcoming_events(drive.name, now or now_datetime()),
		pages=career_pages(drive.name),
	)


def open_openings(drive: str) -> list[frappe._dict]:
	"""The drive's open, published Job Openings, with the job cards' facts and links."""
	row = frappe.qb.DocType("RC Hiring Drive Opening")
	jo = frappe.qb.DocType("Job Opening")
	department = frappe.qb.DocType("Department")
	jobs = (
		frappe.qb.from_(row)
		.join(jo)
		.on(jo.name == row.job_opening)
		.left_join(department)
		.on(department.name == jo.department)
		.select(
			jo.name,
			jo.job_title,
			jo.route,
			jo.location,
			jo.employment_type,
			jo.rc_is_remote,
			jo.publish_salary_range,
			jo.lower_range,
			jo.upper_range,
			jo.currency,
			jo.salary_per,
			department.department_name,
		)
		.where(row.parenttype == DRIVE)
		.where(row.parentfield == "openings")
		.where(row.parent == drive)
		.where(jo.status == "Open")
		.where(jo.publish == 1)
		.orderby(row.idx)
		.limit(MAX_OPENINGS)
		.run(as_dict=True)
	)
	for job in jobs:
		job.url = careers.job_path(job.route)
		job.facts = careers.job_facts(job)
	return jobs


def upcoming_events(drive: str, now: datetime) -> list[frappe._dict]:
	"""The drive's published events that are not over yet, soonest first."""
	event = frappe.qb.DocType("RC Hiring Event")
	rows = (
		frappe.qb.from_(event)
		.select(event.title, event.event_type, event.starts_at, event.ends_at, event.route, event.venue)
		.where(event.hiring_drive == drive)
		.where(event.published == 1)
		.where(event.ends_at > now)
		.where(event.route.isnotnull())
		.orderby(event.starts_at)
		.limit(MAX_EVENTS)
		.run(as_dict=True)
	)
	zone = ZoneInfo(get_system_timezone())
	for row in rows:
		row.url = f"{EVENTS_PATH}/{quote(row.route, safe='')}"
		# For the cached page's script that hides events once they are over (epoch milliseconds).
		row.ends_ms = int(get_datetime(row.ends_at).replace(tzinfo=zone).timestamp() * 1000)
	return rows


def career_pages(drive: str) -> list[frappe._dict]:
	"""The published Web Pages the drive lists, in the table's order."""
	row = frappe.qb.DocType("RC Hiring Drive Page")
	page = frappe.qb.DocType("Web Page")
	pages = (
		frappe.qb.from_(row)
		.join(page)
		.on(page.name == row.web_page)
		.select(page.title, page.route)
		.where(row.parenttype == DRIVE)
		.where(row.parent == drive)
		.where(page.published == 1)
		.orderby(row.idx)
		.run(as_dict=True)
	)
	for p in pages:
		p.url = "/" + (p.route or "").strip("/")
	return pages


def active_drive_for_opening(opening: str) -> frappe._dict | None:
	"""The active, published drive an opening belongs to (the latest one), for "Part of ..." links."""
	row = frappe.qb.DocType("RC Hiring Drive Opening")
	drive = frappe.qb.DocType(DRIVE)
	rows = (
		frappe.qb.from_(row)
		.join(drive)
		.on(drive.name == row.parent)
		.select(drive.title, drive.route)
		.where(row.parenttype == DRIVE)
		.where(row.job_opening == opening)
		.where(drive.published == 1)
		.where(drive.status == drives.DriveStatus.ACTIVE.value)
		.where(drive.route.isnotnull())
		.orderby(drive.starts_on, order=frappe.qb.desc)
		.limit(1)
		.run(as_dict=True)
	)
	if not rows:
		return None
	return frappe._dict(title=rows[0].title, url=drive_path(rows[0].route))
