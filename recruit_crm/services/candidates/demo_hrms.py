"""A small, fixed-size set of applications worked through HRMS as real documents: the Job Applicant,
its interviews, an offer and, for a few, the Employee. The app's doc events capture their
touchpoints, stages and pools exactly as on a live site; each document is dated when it happened
(Frappe's `flags.current_date`).

The set is bounded (at most `MAX_APPLICATIONS`), so its cost does not grow with the demo's size.
"""

import random
from datetime import date, datetime, timedelta

import frappe
from frappe.utils import add_years

from recruit_crm.domain.demo_hrms_plan import hiring_pipeline
from recruit_crm.services.candidates.demo_masters import dated

MAX_APPLICATIONS = 40
MAX_HIRES = 3  # Employee documents made per run


def subset_size(people: int) -> int:
	"""How many applications to work in HRMS for a demo of this many people (about 2.5 documents each)."""
	return min(MAX_APPLICATIONS, max(3, people // 15))


def work_applications(planned, masters, rnd: random.Random, now: datetime) -> tuple[dict, list]:
	"""Run each planned application through its pipeline; one failure skips that application only.

	Returns counts of documents per doctype, plus `failed` and the first error when any, and the
	Employees their accepted offers call for, for `hire` to create last.
	"""
	counts = {"Job Applicant": 0, "Interview": 0, "Job Offer": 0, "Employee": 0, "failed": 0}
	errors: list[str] = []
	hires: list[tuple[date, dict]] = []
	for p in planned:
		if not _isolated(lambda p=p: _count(_work(p, masters, rnd, now, hires), counts), errors):
			counts["failed"] += 1
	if errors:
		counts["first_error"] = errors[0]
	return counts, hires


def hire(hires: list, counts: dict) -> None:
	"""Create the first `MAX_HIRES` Employees, counted into `counts`.

	The demo's last step, and only a few: ERPNext's Employee.on_update clears every cache of the
	site, so whatever runs after a hire loads its doctypes' meta from the database again (about
	2 s a hire). The other accepted offers stay accepted, their people not yet joined; a failed
	hire leaves its application as it was worked.
	"""
	errors: list[str] = []
	for hired_on, employee in hires[:MAX_HIRES]:
		if _isolated(lambda d=hired_on, e=employee: _hire(d, e), errors):
			counts["Employee"] += 1
		else:
			counts["failed"] += 1
	if errors and "first_error" not in counts:
		counts["first_error"] = errors[0]


def _count(doctypes, counts: dict) -> None:
	for doctype in doctypes:
		counts[doctype] += 1


def _hire(hired_on: date, employee: dict) -> None:
	with dated(hired_on):
		frappe.get_doc(employee).insert(ignore_permissions=True)


def _isolated(work, errors: list[str]) -> bool:
	"""Run `work` in a savepoint: True when it succeeded; on failure roll it back and note why."""
	savepoint = "rc_demo_application"
	frappe.db.savepoint(savepoint)
	try:
		work()
		frappe.db.release_savepoint(savepoint)
		return True
	except Exception as e:
		frappe.db.rollback(save_point=savepoint)
		errors.append(f"{type(e).__name__}: {e}")
		return False
	finally:
		frappe.clear_messages()  # HRMS asks the desk user questions after interviews


def _work(p, masters, rnd: random.Random, now: datetime, hires: list[tuple[date, dict]]):
	"""Work one application through HRMS, yielding each document's doctype; its Employee, if
	hired, is appended to `hires` for `hire` to create at the end of the demo."""
	application = p.person.history.applications[p.index]
	row = p.person.row
	opening = application.opening
	pipeline = hiring_pipeline(rnd, application.applied_at, now)
	with dated(application.applied_at):
		applicant = frappe.get_doc(
			{
				"doctype": "Job Applicant",
				"applicant_name": row["full_name"],
				"email_id": row["email"],
				"phone_number": row["phone"],
				"country": row["country"],
				"job_title": masters.openings[opening],
				"designation": masters.designations[opening],
				"source": row["source"],
				"status": "Open",
			}
		).insert(ignore_permissions=True)
	yield "Job Applicant"
	last = application.applied_at
	for interview in pipeline.interviews:
		starts = interview.at.replace(hour=9 + interview.at.hour % 8, minute=0, second=0, microsecond=0)
		with dated(interview.at):
			doc = frappe.get_doc(
				{
					"doctype": "Interview",
					"job_applicant": applicant.name,
					"job_opening": masters.openings[opening],
					"interview_round": masters.interview_rounds[interview.round],
					"scheduled_on": interview.at.date(),
					"from_time": starts.time(),
					"to_time": (starts + timedelta(hours=1)).time(),
					"status": "Pending",
				}
			).insert(ignore_permissions=True)
			doc.reload()  # times as stored: HRMS refuses any change to them, even of format
			doc.status = interview.status
			doc.average_rating = interview.rating
			if interview.status in ("Cleared", "Rejected"):
				doc.submit()
			else:
				doc.save(ignore_permissions=True)
		last = interview.at
		yield "Interview"
	offer = None
	if pipeline.offer_at:
		with dated(pipeline.offer_at):
			offer = frappe.get_doc(
				{
					"doctype": "Job Offer",
					"job_applicant": applicant.name,
					"applicant_name": row["full_name"],
					"applicant_email": row["email"],
					"status": "Awaiting Response",
					"offer_date": pipeline.offer_at.date(),
					"designation": masters.designations[opening],
					"company": masters.company,
				}
			).insert(ignore_permissions=True)
			offer.submit()
		last = pipeline.offer_at
		yield "Job Offer"
		if pipeline.offer_status in ("Accepted", "Rejected"):
			answered = min(now, pipeline.offer_at + timedelta(days=1 + 4 * rnd.random()))
			with dated(answered):
				offer.status = pipeline.offer_status  # HRMS moves the applicant to the same status
				offer.save(ignore_permissions=True)
			last = answered
	hire = None
	if offer and pipeline.hired_on:
		first, _space, rest = row["full_name"].partition(" ")
		hire = (
			pipeline.hired_on,
			{
				"doctype": "Employee",
				"first_name": first,
				"last_name": rest or None,
				"company": masters.company,
				"status": "Active",
				"gender": rnd.choice(("Female", "Male", "Female", "Male", "Prefer not to say")),
				"date_of_birth": add_years(pipeline.hired_on, -rnd.randint(23, 48)),
				"date_of_joining": pipeline.hired_on,
				"designation": masters.designations[opening],
				"personal_email": row["email"],
				"job_applicant": applicant.name,
			},
		)
	applicant.reload()
	if applicant.status != pipeline.status:
		with dated(last):
			applicant.status = pipeline.status
			applicant.save(ignore_permissions=True)
	if hire:  # only once the application stands: created after all of them
		hires.append(hire)
