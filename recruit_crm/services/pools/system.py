"""The app's own pools, filled from HRMS events: silver medalists, alumni, past applicants, community.

Each function takes a batch of people (or applications / employees), reads the facts with a
fixed number of queries, asks `recruit_crm.domain.system_pools` who belongs and why, and
syncs the pool. Re-running on the same facts changes nothing.

Alumni and rehire eligibility: HRMS v15 records a departure on the Employee (status "Left",
`relieving_date`, `reason_for_leaving`) and, optionally, in an Exit Interview whose
`employee_status` is "Exit Confirmed" or "Employee Retained". Neither has a rehire flag, so
recruit_crm adds `rc_is_eligible_for_rehire` (default on) to the Employee's Exit tab, where HR
records the separation; unticking it takes the person out of the Alumni pool.
"""

from collections import defaultdict
from collections.abc import Iterable

import frappe
from frappe import _
from frappe.utils import cint, flt, getdate

from recruit_crm.domain.system_pools import (
	ApplicationFacts,
	EmployeeFacts,
	alumni_leave_reason,
	alumni_reason,
	past_applicant_reason,
	silver_medalist_reason,
)
from recruit_crm.domain.types import SYSTEM_POOL_KINDS
from recruit_crm.services.candidates.records import find_candidate_by_email, get_or_create_candidate
from recruit_crm.services.pools import membership
from recruit_crm.services.pools.membership import (
	POOL,
	SYSTEM_ACTOR,
	add_members_with_reasons,
	remove_members,
)

SYSTEM_KINDS = SYSTEM_POOL_KINDS
SYSTEM_PURPOSES = {
	"Silver Medalists": "People rejected after reaching an interview round, or rated at or above the "
	"silver medalist threshold: strong runners-up worth calling first.",
	"Alumni": "Former employees who left and are eligible for rehire (boomerang hires).",
	"Past Applicants": "Everyone whose application for this designation has closed.",
	"Talent Community": "People who signed up to hear about future roles.",
}


def system_pool(kind: str, designation: str | None = None) -> str:
	"""The system pool of this kind (per designation for Past Applicants), created on first use."""
	if kind not in SYSTEM_KINDS:
		frappe.throw(_("Unknown system pool kind {0}.").format(kind))
	if kind == "Past Applicants" and not designation:
		frappe.throw(_("Past Applicants pools are per designation."))
	if kind != "Past Applicants":
		designation = None
	filters = {"pool_type": "System", "system_kind": kind, "designation": designation or ("is", "not set")}
	existing = frappe.db.get_value(POOL, filters, "name")
	if existing:
		return existing
	doc = frappe.get_doc(
		{
			"doctype": POOL,
			"pool_name": f"{kind}: {designation}" if designation else kind,
			"pool_type": "System",
			"system_kind": kind,
			"designation": designation,
			"purpose": SYSTEM_PURPOSES[kind],
			"visibility": "Everyone",
			"recruiter": "Administrator",
		}
	)
	if designation:
		doc.append("designations", {"designation": designation})
	doc.flags.from_system = True
	doc.flags.ignore_links = True
	doc.insert(ignore_permissions=True)
	return doc.name


def sync_system_pool(
	pool: str, should_be_in: dict[str, str], checked: Iterable[str], leave_reason: str
) -> None:
	"""For the `checked` people: add those in `should_be_in` (candidate -> reason), remove the rest.

	One set-based pass whatever the number of distinct reasons (each names its application).
	"""
	add_members_with_reasons(pool, should_be_in, added_by=SYSTEM_ACTOR)
	leaving = [c for c in checked if c and c not in should_be_in]
	if leaving:
		remove_members(pool, leaving, leave_reason, removed_by=SYSTEM_ACTOR)


CHUNK = 5000


# --- silver medalists ----------------------------------------------------------------------


def update_silver_medalists(candidates: Iterable[str]) -> None:
	"""Re-decide silver medalist membership for these people from all their applications."""
	names = sorted({c for c in candidates or [] if c})
	if not names:
		return
	settings = _silver_settings()
	pool = system_pool("Silver Medalists")
	for start in range(0, len(names), CHUNK):
		batch = names[start : start + CHUNK]
		_sync_silver_medalists(pool, batch, _application_facts(batch), settings)


def _sync_silver_medalists(
	pool: str, batch: list[str], by_candidate: dict[str, list[ApplicationFacts]], settings: dict
) -> None:
	should_be_in = {}
	for candidate, applications in by_candidate.items():
		reason = silver_medalist_reason(applications, **settings)
		if reason:
			should_be_in[candidate] = reason
	sync_system_pool(
		pool,
		should_be_in,
		batch,
		leave_reason=_("No longer a silver medalist (application reopened or hired)"),
	)


def _silver_settings() -> dict:
	rating = frappe.db.get_single_value("RC Settings", "silver_medalist_min_rating")
	any_interview = frappe.db.get_single_value("RC Settings", "silver_medalist_any_interview")
	return {
		"min_rating": flt(rating) if rating not in (None, "") else 0.6,
		"any_interview_counts": bool(cint(any_interview)) if any_interview is not None else True,
	}


def _application_facts(candidates: list[str]) -> dict[str, list[ApplicationFacts]]:
	rows = frappe.db.sql(
		"""select ja.name, ja.rc_candidate, ja.status, coalesce(ja.designation, jo.designation) as designation,
			jo.job_title as opening_title, jo.status as opening_status, date(ja.creation) as applied_on
		from `tabJob Applicant` ja left join `tabJob Opening` jo on jo.name = ja.job_title
		where ja.rc_candidate in %(names)s""",
		{"names": candidates},
		as_dict=True,
	)
	interviews = {}
	applicant_names = [r.name for r in rows]
	for start in range(0, len(applicant_names), CHUNK):
		for iv in frappe.db.sql(
			"""select job_applicant, count(*) as interview_count,
				group_concat(distinct interview_round order by interview_round separator ', ') as rounds,
				max(average_rating) as best_rating, max(status = 'Rejected') as rejected
			from `tabInterview` where job_applicant in %(names)s and docstatus < 2
			group by job_applicant""",
			{"names": applicant_names[start : start + CHUNK]},
			as_dict=True,
		):
			interviews[iv.job_applicant] = iv
	out: dict[str, list[ApplicationFacts]] = defaultdict(list)
	for r in rows:
		iv = interviews.get(r.name)
		out[r.rc_candidate].append(
			ApplicationFacts(
				job_applicant=r.name,
				status=r.status,
				opening_title=r.opening_title,
				designation=r.designation,
				opening_status=r.opening_status,
				interview_count=int(iv.interview_count) if iv else 0,
				interview_rounds=tuple(filter(None, (iv.rounds or "").split(", "))) if iv else (),
				rejected_in_interview=bool(iv and iv.rejected),
				best_rating=flt(iv.best_rating) if iv and iv.best_rating is not None else None,
				applied_on=r.applied_on,
			)
		)
	return out


# --- past applicants -----------------------------------------------------------------------


def update_past_applicants(candidates: Iterable[str]) -> None:
	"""Add these people to the Past Applicants pool of every designation they are a past applicant of."""
	names = sorted({c for c in candidates or [] if c})
	for start in range(0, len(names), CHUNK):
		_sync_past_applicants(_application_facts(names[start : start + CHUNK]))


def _sync_past_applicants(by_candidate: dict[str, list[ApplicationFacts]]) -> None:
	by_designation: dict[str, dict[str, str]] = defaultdict(dict)
	for candidate, applications in by_candidate.items():
		for application in sorted(applications, key=lambda a: a.applied_on or getdate("1900-01-01")):
			reason = past_applicant_reason(application)
			if reason:
				by_designation[application.designation][candidate] = reason  # latest wins
	for designation, should_be_in in by_designation.items():
		pool = system_pool("Past Applicants", designation=designation)
		sync_system_pool(pool, should_be_in, [], leave_reason="")


def candidates_of_opening(job_opening: str) -> list[str]:
	"""Everyone who applied to an opening."""
	return frappe.db.sql(
		"""select distinct rc_candidate from `tabJob Applicant`
		where job_title = %s and rc_candidate is not null and rc_candidate != ''""",
		job_opening,
		pluck=True,
	)


# --- alumni --------------------------------------------------------------------------------


def update_alumni(employees: Iterable[str]) -> None:
	"""Re-decide Alumni membership for these employees (creating a candidate for new alumni)."""
	names = sorted({e for e in employees or [] if e})
	if not names:
		return
	pool = system_pool("Alumni")
	has_flag = frappe.get_meta("Employee").has_field("rc_is_eligible_for_rehire")
	rows = frappe.db.sql(
		f"""select e.name, e.employee_name, e.status, e.relieving_date, e.designation, e.company,
			e.personal_email, e.company_email, e.prefered_email, e.job_applicant,
			{"e.rc_is_eligible_for_rehire" if has_flag else "1"} as is_eligible,
			ja.rc_candidate as applicant_candidate,
			(select xi.employee_status from `tabExit Interview` xi
				where xi.employee = e.name and xi.docstatus = 1 order by xi.modified desc limit 1) as exit_status
		from `tabEmployee` e left join `tabJob Applicant` ja on ja.name = e.job_applicant
		where e.name in %(names)s""",
		{"names": names},
		as_dict=True,
	)
	should_be_in: dict[str, str] = {}
	checked: list[str] = []
	leave_reasons: dict[str, str] = {}
	for row in rows:
		facts = EmployeeFacts(
			employee=row.name,
			status=row.status,
			relieving_date=getdate(row.relieving_date) if row.relieving_date else None,
			is_eligible_for_rehire=bool(cint(row.is_eligible)),
			designation=row.designation,
			exit_confirmed=None if not row.exit_status else row.exit_status == "Exit Confirmed",
		)
		reason = alumni_reason(facts)
		candidate = row.applicant_candidate or _candidate_for_employee(row, create=bool(reason))
		if not candidate:
			continue
		checked.append(candidate)
		if reason:
			should_be_in[candidate] = reason
			_mark_as_former_employee(candidate, row)
		else:
			leave_reasons[candidate] = alumni_leave_reason(facts)
	sync_system_pool(pool, should_be_in, [], leave_reason="")
	by_reason: dict[str, list[str]] = defaultdict(list)
	for candidate, reason in leave_reasons.items():
		by_reason[reason].append(candidate)
	for reason, candidates in by_reason.items():
		membership.remove_members(pool, candidates, reason, removed_by=membership.SYSTEM_ACTOR)


def _candidate_for_employee(row, create: bool) -> str | None:
	emails = [e for e in (row.personal_email, row.prefered_email, row.company_email) if e]
	for email in emails:
		found = find_candidate_by_email(email)
		if found:
			return found
	if not create or not emails:
		return None
	# A boomerang hire needs a record: prefer the personal address, which outlives the job.
	return get_or_create_candidate(
		emails[0],
		{"full_name": row.employee_name, "current_title": row.designation, "current_employer": row.company},
	)


def _mark_as_former_employee(candidate: str, row) -> None:
	frappe.db.sql(
		"""update `tabRC Candidate` set current_title = coalesce(nullif(current_title, ''), %(title)s)
		where name = %(name)s""",
		{"title": row.designation, "name": candidate},
	)


def employees_leaving_on(date) -> list[str]:
	"""Employees whose relieving date is `date`: the nightly job catches departures set in advance."""
	return frappe.get_all("Employee", filters={"relieving_date": date}, pluck="name", limit=0)


def update_recent_leavers() -> None:
	"""People whose relieving date was yesterday or today become alumni."""
	today = getdate()
	update_alumni(employees_leaving_on(today) + employees_leaving_on(frappe.utils.add_days(today, -1)))


# --- talent community ----------------------------------------------------------------------


def add_to_talent_community(candidates: list[str], reason: str | None = None) -> int:
	"""Put people who signed up (portal) in the Talent Community pool. Returns how many joined."""
	return membership.add_members(
		system_pool("Talent Community"),
		candidates,
		reason or _("Joined the talent community"),
		added_by=membership.SYSTEM_ACTOR,
	)


# --- backfill ------------------------------------------------------------------------------


def update_from_applications(candidates: list[str]) -> None:
	"""Re-decide the application-driven pools (silver medalists, past applicants) for these people.

	What a backfill does for every applicant of the site, for just these (a demo batch, an import):
	one read of the application facts per chunk serves both pools.
	"""
	names = sorted({c for c in candidates or [] if c})
	if not names:
		return
	settings = _silver_settings()
	silver = system_pool("Silver Medalists")
	for start in range(0, len(names), CHUNK):
		batch = names[start : start + CHUNK]
		facts = _application_facts(batch)
		_sync_silver_medalists(silver, batch, facts, settings)
		_sync_past_applicants(facts)


def backfill_system_pools() -> None:
	"""Fill the system pools from existing HRMS history (install, or on demand). Chunked."""
	last = ""
	while True:
		batch = frappe.db.sql(
			"""select distinct rc_candidate from `tabJob Applicant`
			where rc_candidate > %s order by rc_candidate limit %s""",
			(last, CHUNK),
			pluck=True,
		)
		if not batch:
			break
		update_from_applications(batch)
		last = batch[-1]
	update_alumni(frappe.get_all("Employee", filters={"status": "Left"}, pluck="name", limit=0))
