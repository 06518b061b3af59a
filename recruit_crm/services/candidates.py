"""Candidate use cases: one record per person, linked to every HRMS Job Applicant."""

import frappe
from frappe import _

from recruit_crm.domain.candidates import (
	PROFILE_FIELDS,
	InvalidEmail,
	fill_blanks,
	guess_name_from_email,
	merge_skill_rows,
	normalize_email,
	union_by_key,
)
from recruit_crm.domain.stages import stage_from_applications
from recruit_crm.domain.types import CrmStage

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


def bulk_update_by_name(
	doctype: str, fields: tuple[str, ...], rows: list[tuple], chunk_size: int = 5000
) -> None:
	"""Update existing rows by primary key in multi-row statements.

	`rows` are tuples of (name, *values); a None value keeps the column's current value.
	Uses INSERT ... ON DUPLICATE KEY UPDATE on names known to exist, so no row is created.
	"""
	if not rows:
		return
	columns = ", ".join(f"`{f}`" for f in ("name", *fields))
	assignments = ", ".join(f"`{f}` = coalesce(values(`{f}`), `{f}`)" for f in fields)
	placeholder = "(" + ", ".join(["%s"] * (len(fields) + 1)) + ")"
	for start in range(0, len(rows), chunk_size):
		chunk = rows[start : start + chunk_size]
		frappe.db.sql(
			f"insert into `tab{doctype}` ({columns}) values {', '.join([placeholder] * len(chunk))} "
			f"on duplicate key update {assignments}",
			[v for row in chunk for v in row],
		)


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


def merge_candidates(source: str, target: str) -> str:
	"""Fold `source` into `target`; every application, email, skill and history entry moves.

	Target values win; the source fills the target's blanks. Applications, comments,
	communications, attachments and every Link to the source are re-pointed by Frappe's
	merge-rename, then the source is deleted.
	"""
	if source == target:
		frappe.throw(_("Choose two different candidates to merge."))
	src = frappe.get_doc(CANDIDATE, source)
	dst = frappe.get_doc(CANDIDATE, target)
	src.check_permission("write")
	dst.check_permission("write")

	_absorb_profile(dst, src, note=_("Merged from {0}").format(source))
	tags = set(filter(None, (dst.get("_user_tags") or "").split(","))) | set(
		filter(None, (src.get("_user_tags") or "").split(","))
	)
	dst.flags.ignore_links = True
	dst.save()
	if tags:
		frappe.db.set_value(
			CANDIDATE, target, "_user_tags", "," + ",".join(sorted(tags)), update_modified=False
		)

	for hook in frappe.get_hooks("recruit_crm_before_candidate_merge"):
		frappe.get_attr(hook)(source, target)
	_repoint_history(source, target)
	frappe.rename_doc(
		CANDIDATE, source, target, merge=True, force=True, show_alert=False, rebuild_search=False
	)
	refresh_candidates([target])
	return target


# Dynamic links that carry a person's history. Frappe's merge-rename finds dynamic links
# through a cached map that can miss doctypes, so these are moved explicitly.
_HISTORY_LINKS: tuple[tuple[str, str, str], ...] = (
	("Comment", "reference_doctype", "reference_name"),
	("Communication", "reference_doctype", "reference_name"),
	("Communication Link", "link_doctype", "link_name"),
	("ToDo", "reference_type", "reference_name"),
	("File", "attached_to_doctype", "attached_to_name"),
	("Version", "ref_doctype", "docname"),
)


def _repoint_history(source: str, target: str) -> None:
	for doctype, type_field, name_field in _HISTORY_LINKS:
		table = frappe.qb.DocType(doctype)
		(
			frappe.qb.update(table)
			.set(table[name_field], target)
			.where((table[type_field] == CANDIDATE) & (table[name_field] == source))
		).run()
	tag_link = frappe.qb.DocType("Tag Link")
	target_tags = (
		frappe.qb.from_(tag_link)
		.select(tag_link.tag)
		.where((tag_link.document_type == CANDIDATE) & (tag_link.document_name == target))
	)
	(
		frappe.qb.update(tag_link)
		.set(tag_link.document_name, target)
		.where((tag_link.document_type == CANDIDATE) & (tag_link.document_name == source))
		.where(tag_link.tag.notin(target_tags))
	).run()


def merge_import_row(existing: str, incoming) -> None:
	"""Fold an import row for a known person into their candidate: blanks filled, nothing overwritten."""
	dst = frappe.get_doc(CANDIDATE, existing)
	_absorb_profile(dst, incoming, note=_("Imported"))
	dst.flags.ignore_links = True
	dst.save()
	dst.add_comment("Edit", _("Import row merged into this candidate (existing values kept)."))


def _absorb_profile(dst, src, note: str) -> None:
	"""Copy into `dst` what `src` knows and `dst` does not: blanks, skills, languages, emails."""
	dst.update(fill_blanks(dst.as_dict(), src.as_dict()))
	if src.get("do_not_contact"):
		dst.do_not_contact = 1
	dst.set(
		"skills",
		merge_skill_rows([s.as_dict() for s in dst.skills], [s.as_dict() for s in src.get("skills") or []]),
	)
	for row in union_by_key(
		[lang.as_dict() for lang in dst.languages],
		[lang.as_dict() for lang in src.get("languages") or []],
		"language",
	):
		dst.append("languages", {"language": row["language"], "proficiency": row.get("proficiency")})
	known = [{"email": dst.email}, *[e.as_dict() for e in dst.alternate_emails]]
	incoming = [
		{"email": src.get("email"), "note": note},
		*[e.as_dict() for e in src.get("alternate_emails") or []],
	]
	for row in union_by_key(known, incoming, "email"):
		dst.append("alternate_emails", {"email": row["email"], "note": row.get("note")})


def link_unlinked_applicants(chunk_size: int = 5000) -> int:
	"""Link every Job Applicant without a candidate, creating candidates in bulk.

	Set-based and chunked, so it copes with tens of thousands of applicants, including many
	applications from one person and emails that differ only in case or spacing.
	Returns the number of applicants linked.
	"""
	applicant = frappe.qb.DocType("Job Applicant")
	linked = 0
	last_name = ""
	while True:
		rows = (
			frappe.qb.from_(applicant)
			.select(
				applicant.name,
				applicant.email_id,
				applicant.applicant_name,
				applicant.phone_number,
				applicant.country,
				applicant.source,
				applicant.creation,
			)
			.where(applicant.rc_candidate.isnull() | (applicant.rc_candidate == ""))
			.where(applicant.name > last_name)
			.orderby(applicant.name)
			.limit(chunk_size)
			.run(as_dict=True)
		)
		if not rows:
			break
		last_name = rows[-1].name
		by_email: dict[str, dict] = {}
		for row in rows:
			try:
				email = normalize_email(row.email_id)
			except InvalidEmail:
				continue
			by_email.setdefault(email, row)
		if by_email:
			_bulk_create_missing_candidates(by_email)
			chunk_names = [r.name for r in rows]
			linked += _link_applicants_by_email(chunk_names)
			refresh_candidates(
				frappe.get_all(
					"Job Applicant",
					filters={"name": ["in", chunk_names]},
					pluck="rc_candidate",
					distinct=True,
				)
			)
		frappe.db.commit()  # nosemgrep: bounded chunks of a backfill, each complete on its own
	return linked


def _bulk_create_missing_candidates(by_email: dict[str, dict]) -> None:
	candidate = frappe.qb.DocType(CANDIDATE)
	existing = set(
		frappe.qb.from_(candidate)
		.select(candidate.email)
		.where(candidate.email.isin(list(by_email)))
		.run(pluck=True)
	)
	now = frappe.utils.now_datetime()
	user = frappe.session.user
	values = []
	for email, row in by_email.items():
		if email in existing:
			continue
		values.append(
			(
				frappe.generate_hash(length=10),
				email,
				row.applicant_name or guess_name_from_email(email),
				row.phone_number,
				row.country,
				row.source,
				CrmStage.APPLIED.value,
				row.creation or now,
				now,
				user,
				user,
			)
		)
	if values:
		frappe.db.bulk_insert(
			CANDIDATE,
			[
				"name",
				"email",
				"full_name",
				"phone",
				"country",
				"source",
				"crm_stage",
				"creation",
				"modified",
				"owner",
				"modified_by",
			],
			values,
			ignore_duplicates=True,
		)


def _link_applicants_by_email(applicant_names: list[str]) -> int:
	if not applicant_names:
		return 0
	frappe.db.sql(
		"""
		update `tabJob Applicant` ja
		join `tabRC Candidate` c on c.email = lower(trim(ja.email_id))
		set ja.rc_candidate = c.name
		where ja.name in %(names)s and (ja.rc_candidate is null or ja.rc_candidate = '')
		""",
		{"names": applicant_names},
	)
	return frappe.db.sql("select row_count()")[0][0]


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
