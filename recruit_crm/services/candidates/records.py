"""One record per person: find or create a candidate by email, link every Job Applicant to it,
keep its application count and CRM stage current (set-based), and summarise it for the desk.
"""

import frappe
from frappe import _

from recruit_crm.domain.candidates import (
	PROFILE_FIELDS,
	TOP_SKILLS,
	InvalidEmail,
	guess_name_from_email,
	normalize_email,
)
from recruit_crm.domain.stages import stage_from_applications
from recruit_crm.domain.types import CrmStage, Proficiency
from recruit_crm.services._sql import bulk_update_by_name

CANDIDATE = "RC Candidate"


def find_candidate_by_email(email: str) -> str | None:
	"""The candidate whose primary or alternate email matches, or None."""
	try:
		email = normalize_email(email)
	except InvalidEmail:
		return None
	candidate = frappe.qb.DocType(CANDIDATE)
	found = frappe.qb.from_(candidate).select(candidate.name).where(candidate.email == email).run(pluck=True)
	if found:
		return found[0]
	alternate = frappe.qb.DocType("RC Candidate Email")
	found = (
		frappe.qb.from_(alternate)
		.select(alternate.parent)
		.where((alternate.email == email) & (alternate.parenttype == CANDIDATE))
		.limit(1)
		.run(pluck=True)
	)
	return found[0] if found else None


def get_or_create_candidate(email: str, profile: dict | None = None) -> str:
	"""The candidate for this email, created from `profile` when there is none.

	Safe under concurrency: the unique index on email decides, so two requests racing for
	the same new address end up with one candidate.
	"""
	email = normalize_email(email)
	existing = find_candidate_by_email(email)
	if existing:
		return existing
	values = {k: v for k, v in (profile or {}).items() if k in PROFILE_FIELDS and v not in (None, "")}
	values.setdefault("full_name", guess_name_from_email(email))
	doc = frappe.get_doc({"doctype": CANDIDATE, "email": email, **values})
	doc.flags.ignore_links = True
	savepoint = "rc_candidate_insert"
	frappe.db.savepoint(savepoint)
	try:
		doc.insert(ignore_permissions=True)
	except (frappe.UniqueValidationError, frappe.DuplicateEntryError):
		# Lost the race: another transaction inserted this email first and has committed.
		frappe.db.rollback(save_point=savepoint)
		frappe.clear_last_message()
		# A shared-mode locking read sees the committed winner; FOR UPDATE here would deadlock
		# with the other losers, which hold the same shared lock from their duplicate-key check.
		winner = frappe.db.sql(
			"select name from `tabRC Candidate` where email = %s lock in share mode", email, pluck=True
		)
		if not winner:
			raise
		return winner[0]
	return doc.name


def profile_from_job_applicant(applicant) -> dict:
	"""Candidate profile values an HRMS Job Applicant can provide."""
	return {
		"full_name": applicant.get("applicant_name"),
		"phone": applicant.get("phone_number"),
		"country": applicant.get("country"),
		"source": applicant.get("source"),
		"resume": applicant.get("resume_attachment"),
		"referred_by": applicant.get("source_name"),
	}


def link_job_applicant(applicant) -> None:
	"""Set `rc_candidate` on a Job Applicant being saved, creating the candidate if new.

	Runs in the applicant's own validate, so the link is written with the applicant row
	whichever way it arrives: desk, REST, Data Import, the guest web form or incoming email.
	"""
	if not applicant.get("email_id"):
		return
	try:
		email = normalize_email(applicant.email_id)
	except InvalidEmail:
		return  # HRMS's own validation reports the bad address
	if applicant.get("rc_candidate"):
		current = frappe.db.get_value(CANDIDATE, applicant.rc_candidate, "email")
		if current == email or frappe.db.exists(
			"RC Candidate Email", {"parent": applicant.rc_candidate, "email": email}
		):
			return
	applicant.rc_candidate = get_or_create_candidate(email, profile_from_job_applicant(applicant))


def refresh_candidates(candidates: list[str] | set[str]) -> None:
	"""Recompute application count, last activity and CRM stage of the given candidates.

	One query per kind of fact for the whole set, whatever its size.
	"""
	names = sorted({c for c in candidates if c})
	if not names:
		return
	applicant = frappe.qb.DocType("Job Applicant")
	rows = (
		frappe.qb.from_(applicant)
		.select(applicant.rc_candidate, applicant.name, applicant.status, applicant.modified)
		.where(applicant.rc_candidate.isin(names))
		.run(as_dict=True)
	)
	by_candidate: dict[str, list] = {n: [] for n in names}
	applicant_to_candidate = {}
	for row in rows:
		by_candidate[row.rc_candidate].append(row)
		applicant_to_candidate[row.name] = row.rc_candidate
	applicant_names = list(applicant_to_candidate)

	interviewed = set()
	offered = set()
	hired = set()
	if applicant_names:
		interview = frappe.qb.DocType("Interview")
		for name in (
			frappe.qb.from_(interview)
			.select(interview.job_applicant)
			.where(interview.job_applicant.isin(applicant_names) & (interview.docstatus < 2))
			.distinct()
			.run(pluck=True)
		):
			interviewed.add(applicant_to_candidate[name])
		offer = frappe.qb.DocType("Job Offer")
		for name, status in (
			frappe.qb.from_(offer)
			.select(offer.job_applicant, offer.status)
			.where(offer.job_applicant.isin(applicant_names) & (offer.docstatus < 2))
			.run()
		):
			if status == "Accepted" or status == "Awaiting Response":
				offered.add(applicant_to_candidate[name])
		employee = frappe.qb.DocType("Employee")
		for name in (
			frappe.qb.from_(employee)
			.select(employee.job_applicant)
			.where(employee.job_applicant.isin(applicant_names))
			.run(pluck=True)
		):
			hired.add(applicant_to_candidate[name])

	current = dict(
		frappe.qb.from_(frappe.qb.DocType(CANDIDATE))
		.select("name", "crm_stage")
		.where(frappe.qb.DocType(CANDIDATE).name.isin(names))
		.run()
	)
	updates = []
	for name in names:
		if name not in current:
			continue
		apps = by_candidate[name]
		stage = stage_from_applications(
			current[name] or CrmStage.PROSPECT.value,
			[a.status for a in apps],
			has_interview=name in interviewed,
			has_open_offer=name in offered,
			is_hired=name in hired,
		)
		last_activity = max(a.modified for a in apps) if apps else None
		updates.append((name, len(apps), stage.value, last_activity))
	bulk_update_by_name(CANDIDATE, ("application_count", "crm_stage", "last_activity_at"), updates)


def create_job_applicant(candidate: str, job_opening: str) -> str:
	"""Turn a candidate (often a prospect) into an HRMS Job Applicant for an opening."""
	doc = frappe.get_doc(CANDIDATE, candidate)
	if doc.do_not_contact:
		frappe.throw(_("{0} is marked Do Not Contact.").format(doc.full_name))
	opening = frappe.db.get_value("Job Opening", job_opening, ["name", "status"], as_dict=True)
	if not opening:
		frappe.throw(_("Job Opening {0} does not exist.").format(job_opening), frappe.DoesNotExistError)
	if frappe.db.exists("Job Applicant", {"rc_candidate": candidate, "job_title": job_opening}):
		frappe.throw(_("{0} has already applied to {1}.").format(doc.full_name, job_opening))
	applicant = frappe.get_doc(
		{
			"doctype": "Job Applicant",
			"applicant_name": doc.full_name,
			"email_id": doc.email,
			"phone_number": doc.phone,
			"country": doc.country,
			"job_title": job_opening,
			"status": "Open",
			"source": doc.source,
			"resume_attachment": doc.resume,
			"rc_candidate": candidate,
		}
	)
	applicant.insert()
	return applicant.name


def application_summary(candidate: str) -> list[dict]:
	"""The person's applications, newest first, for the candidate form."""
	applicant = frappe.qb.DocType("Job Applicant")
	opening = frappe.qb.DocType("Job Opening")
	return (
		frappe.qb.from_(applicant)
		.left_join(opening)
		.on(opening.name == applicant.job_title)
		.select(
			applicant.name,
			applicant.status,
			applicant.job_title,
			opening.job_title.as_("opening_title"),
			applicant.designation,
			applicant.creation,
		)
		.where(applicant.rc_candidate == candidate)
		.orderby(applicant.creation, order=frappe.qb.desc)
		.run(as_dict=True)
	)


def candidate_summary(candidate: str) -> dict:
	"""The CRM facts shown on a Job Applicant form."""
	values = frappe.db.get_value(
		CANDIDATE,
		candidate,
		[
			"name",
			"full_name",
			"email",
			"crm_stage",
			"recruiter",
			"do_not_contact",
			"application_count",
			"last_activity_at",
			"current_title",
			"current_employer",
		],
		as_dict=True,
	)
	if not values:
		return {}
	return values


def refresh_top_skills(candidates: list[str]) -> None:
	"""Set `top_skills` of these candidates from their skill rows (set-based, in chunks).

	The order is the domain's (`top_skills`): proficiency, then years, then name.
	"""
	ranks = ", ".join(frappe.db.escape(p.value) for p in Proficiency)  # Beginner 1 .. Expert 4
	for start in range(0, len(candidates), 5000):
		frappe.db.sql(
			f"""update `tab{CANDIDATE}` c
			left join (
				select parent, substring_index(group_concat(skill
					order by field(proficiency, {ranks}) desc, years desc, skill separator ', '),
					', ', {TOP_SKILLS}) as top
				from `tabRC Candidate Skill` where parenttype = %(doctype)s and parent in %(names)s
				group by parent
			) s on s.parent = c.name
			set c.top_skills = s.top
			where c.name in %(names)s""",
			{"names": candidates[start : start + 5000], "doctype": CANDIDATE},
		)
