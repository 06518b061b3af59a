"""Everything that is about one person: every doctype with a Link to RC Candidate (found through
meta, so new doctypes are covered without edits), their Job Applicants and the HRMS documents
pointing at those, and the Communications, Contacts and Email Queue rows naming their addresses.
"""

import frappe

from recruit_crm.services.compliance.consent import candidate_emails

CANDIDATE = "RC Candidate"
APPLICANT = "Job Applicant"


def candidate_link_fields() -> list[tuple[str, str]]:
	"""(doctype, fieldname) of every Link to RC Candidate, standard or custom, except Job Applicant's."""
	fields = set()
	for source, parent_column in (("DocField", "parent"), ("Custom Field", "dt")):
		fields.update(
			frappe.get_all(
				source,
				filters={"fieldtype": "Link", "options": CANDIDATE},
				fields=[parent_column, "fieldname"],
				as_list=True,
			)
		)
	result = []
	for doctype, fieldname in sorted(fields):
		if doctype == APPLICANT or not frappe.db.table_exists(doctype):
			continue
		meta = frappe.get_meta(doctype)
		if meta.issingle or meta.is_virtual:
			continue
		result.append((doctype, fieldname))
	return result


def footprint(candidate: str) -> dict:
	"""Names of everything that is about this person."""
	applicants = frappe.get_all(APPLICANT, filters={"rc_candidate": candidate}, pluck="name", order_by=None)

	emails = candidate_emails(candidate)
	emails += (
		[
			e.lower()
			for e in frappe.get_all(
				APPLICANT, filters={"name": ("in", applicants)}, pluck="email_id", order_by=None
			)
			if e and e.lower() not in emails
		]
		if applicants
		else []
	)
	return {"candidate": candidate, "applicants": applicants, "emails": emails}


def documents_of(fp: dict) -> list[tuple[str, str]]:
	return [(CANDIDATE, fp["candidate"]), *((APPLICANT, a) for a in fp["applicants"])]


def communications_of(fp: dict) -> list[str]:
	docs = documents_of(fp)
	names = set()
	for doctype, name in docs:
		names.update(
			frappe.get_all(
				"Communication",
				filters={"reference_doctype": doctype, "reference_name": name},
				pluck="name",
				order_by=None,
			)
		)
		names.update(
			frappe.get_all(
				"Communication Link",
				filters={"link_doctype": doctype, "link_name": name, "parenttype": "Communication"},
				pluck="parent",
				order_by=None,
			)
		)
	if fp["emails"]:
		# Addresses also hide inside "Name <address>" senders and comma-separated recipient lists.
		comm = frappe.qb.DocType("Communication")
		condition = None
		for email in fp["emails"]:
			for field in (comm.sender, comm.recipients, comm.cc, comm.bcc):
				clause = field.like(f"%{email}%")
				condition = clause if condition is None else condition | clause
		names.update(frappe.qb.from_(comm).select(comm.name).where(condition).run(pluck=True))
	return sorted(names)


def contacts_of(fp: dict) -> list[str]:
	if not fp["emails"]:
		return []
	return sorted(
		set(
			frappe.get_all(
				"Contact Email",
				filters={"email_id": ("in", fp["emails"]), "parenttype": "Contact"},
				pluck="parent",
				order_by=None,
			)
		)
	)


def email_queue_of(fp: dict, communications: list[str]) -> list[str]:
	names = set()
	if fp["emails"]:
		names.update(
			frappe.get_all(
				"Email Queue Recipient",
				filters={"recipient": ("in", fp["emails"])},
				pluck="parent",
				order_by=None,
			)
		)
	if communications:
		names.update(
			frappe.get_all(
				"Email Queue", filters={"communication": ("in", communications)}, pluck="name", order_by=None
			)
		)
	for doctype, name in documents_of(fp):
		names.update(
			frappe.get_all(
				"Email Queue",
				filters={"reference_doctype": doctype, "reference_name": name},
				pluck="name",
				order_by=None,
			)
		)
	return sorted(names)


def hrms_related(applicants: list[str]) -> dict[str, list[str]]:
	if not applicants:
		return {"Interview": [], "Interview Feedback": [], "Job Offer": [], "Employee": []}
	return {
		doctype: frappe.get_all(
			doctype, filters={"job_applicant": ("in", applicants)}, pluck="name", order_by=None
		)
		for doctype in ("Interview", "Interview Feedback", "Job Offer", "Employee")
	}
