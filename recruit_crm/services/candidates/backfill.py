"""Linking Job Applicants that arrived without a candidate (install, migrate and the hourly
safety net), set-based and chunked.
"""

import frappe

from recruit_crm.domain.candidates import (
	InvalidEmail,
	guess_name_from_email,
	normalize_email,
)
from recruit_crm.domain.types import CrmStage
from recruit_crm.services.candidates.records import CANDIDATE, refresh_candidates
from recruit_crm.services.candidates.search_index import forget_on_rollback, index_candidates
from recruit_crm.services.engagement import first_response


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
			first_response.recompute(chunk_names)  # now of a candidate, whose touches answer them
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
		index_candidates([v[0] for v in values])
		forget_on_rollback([v[0] for v in values])


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
