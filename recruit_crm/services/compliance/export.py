"""A subject access request: everything held about one person, as plain data."""

import json

import frappe

from recruit_crm.services.compliance.footprint import (
	APPLICANT,
	CANDIDATE,
	candidate_link_fields,
	communications_of,
	contacts_of,
	documents_of,
	footprint,
	hrms_related,
)

# What hangs off the candidate and their applications: (type field, name field, fields exported).
ATTACHED = {
	"Comment": ("reference_doctype", "reference_name", ["comment_type", "content", "creation", "owner"]),
	"File": ("attached_to_doctype", "attached_to_name", ["file_name", "file_url", "file_size", "creation"]),
}


def export_candidate(candidate: str) -> dict:
	"""Everything held about this person, as plain data (for a subject access request)."""
	fp = footprint(candidate)
	data: dict = {"candidate": _plain(CANDIDATE, candidate)}
	for doctype, fieldname in candidate_link_fields():
		rows = frappe.get_all(doctype, filters={fieldname: candidate}, fields=["*"], order_by=None)
		if rows:
			data.setdefault(doctype, []).extend(rows)
	data[APPLICANT] = [_plain(APPLICANT, a) for a in fp["applicants"]]
	for doctype, names in hrms_related(fp["applicants"]).items():
		data[doctype] = [_plain(doctype, n) for n in names]
	comms = communications_of(fp)
	data["Communication"] = (
		frappe.get_all(
			"Communication",
			filters={"name": ("in", comms)},
			fields=[
				"name",
				"communication_date",
				"sent_or_received",
				"communication_medium",
				"sender",
				"recipients",
				"subject",
				"content",
			],
			order_by="communication_date",
		)
		if comms
		else []
	)
	for doctype, (type_field, name_field, fields) in ATTACHED.items():
		data[doctype] = [
			row
			for ref_doctype, ref_name in documents_of(fp)
			for row in frappe.get_all(
				doctype,
				filters={type_field: ref_doctype, name_field: ref_name},
				fields=fields,
				order_by="creation",
			)
		]
	contacts = contacts_of(fp)
	data["Contact"] = [_plain("Contact", c) for c in contacts]
	return json.loads(frappe.as_json(data))


def _plain(doctype: str, name: str) -> dict:
	doc = frappe.get_doc(doctype, name)
	return {"name": doc.name, **doc.as_dict(no_default_fields=True)}
