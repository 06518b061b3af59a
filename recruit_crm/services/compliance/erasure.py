"""Erasure and anonymisation of one person, across every table that names them.

Erasure leaves nothing that identifies the person; anonymisation keeps the candidate row and
their history (type and time only) for statistics. HRMS's Job Applicants are named after the
email address, so they are renamed; interviews, offers and feedback keep their numbers.
"""

import hashlib

import frappe
from frappe import _
from frappe.utils import now_datetime

from recruit_crm.services.compliance.footprint import (
	APPLICANT,
	CANDIDATE,
	candidate_link_fields,
	communications_of,
	contacts_of,
	email_queue_of,
	footprint,
	hrms_related,
)
from recruit_crm.services.engagement import first_response

ERASED_NAME = "Erased"
ANONYMISED_NAME = "Anonymised"


# Kept (scrubbed) when a candidate is anonymised rather than erased: history without a person.
# Time in each pipeline stage too: hiring statistics need it, and it names nobody once scrubbed.
KEPT_WHEN_ANONYMISED = ("RC Touchpoint", "RC Readiness Change", "RC Application Stage")


# Personal fields on HRMS records that stay behind for HR's statistics.
APPLICANT_PII = ("applicant_name", "email_id", "phone_number", "cover_letter", "resume_attachment",
	"resume_link", "notes", "country", "source_name")  # fmt: skip


CACHE_COLUMNS = ("_comments", "_assign", "_liked_by", "_seen", "_user_tags")
OFFER_PII = ("applicant_name", "applicant_email")
INTERVIEW_PII = ("resume_link", "interview_summary")
FEEDBACK_PII = ("feedback",)
_CANDIDATE_PII_BLANK = ("phone", "current_title", "current_employer", "location", "timezone",
	"education_field", "education_institution", "linkedin_url", "portfolio_url", "resume", "recruiter",
	"referred_by", "source_referrer", "source_campaign", "source_medium", "_user_tags", "_comments",
	"_assign", "_liked_by")  # fmt: skip


def _opaque(prefix: str, value: str) -> str:
	digest = hashlib.sha256(
		f"{frappe.local.site}:{value}:{frappe.generate_hash(length=8)}".encode()
	).hexdigest()
	return f"{prefix}-{digest[:12]}"


def erase_candidate(candidate: str) -> dict:
	"""Erase this person: nothing that identifies them remains anywhere.

	Refuses people who became employees (their records follow HR retention rules).
	Returns what was removed, per kind.
	"""
	return _remove_person(candidate, keep_candidate=False)


def anonymise_candidate(candidate: str) -> dict:
	"""Anonymise this person: the record and its history stay for statistics, with nothing personal."""
	return _remove_person(candidate, keep_candidate=True)


def _remove_person(candidate: str, keep_candidate: bool) -> dict:
	if not frappe.db.exists(CANDIDATE, candidate):
		frappe.throw(_("Candidate {0} does not exist.").format(candidate), frappe.DoesNotExistError)
	fp = footprint(candidate)
	hrms = hrms_related(fp["applicants"])
	if hrms["Employee"]:
		frappe.throw(
			_("This person was hired; their records are employee records and follow HR retention rules."),
			title=_("Cannot Remove"),
		)
	report: dict[str, int] = {}
	frappe.flags.rc_erasure = True
	try:
		comms = communications_of(fp)
		queue = email_queue_of(fp, comms)
		contacts = contacts_of(fp)
		_delete_attached("Communication", comms, report)
		if comms:
			_delete_rows("Communication Link", {"parent": ("in", comms)}, report)
			_delete_rows("Communication", {"name": ("in", comms)}, report)
		if queue:
			_delete_rows("Email Queue Recipient", {"parent": ("in", queue)}, report)
			_delete_rows("Email Queue", {"name": ("in", queue)}, report)
		if fp["emails"]:
			_delete_rows("Email Unsubscribe", {"email": ("in", fp["emails"])}, report)
		for contact in contacts:
			_delete_attached("Contact", [contact], report)
			for child in ("Contact Email", "Contact Phone", "Dynamic Link"):
				_delete_rows(child, {"parent": contact, "parenttype": "Contact"}, report)
			_delete_rows("Contact", {"name": contact}, report)

		# Our own doctypes, and any other feature's, found through their Link to RC Candidate.
		for doctype, fieldname in candidate_link_fields():
			if keep_candidate and doctype in KEPT_WHEN_ANONYMISED:
				continue
			_delete_linked(doctype, fieldname, candidate, report)
		if keep_candidate:
			_scrub_history(candidate)

		# HRMS: interviews, feedback and offers keep their statistics; the applicant loses its name.
		for doctype, fields in (
			("Job Offer", OFFER_PII),
			("Interview", INTERVIEW_PII),
			("Interview Feedback", FEEDBACK_PII),
		):
			for name in hrms[doctype]:
				_clear_history(doctype, name, report)
				frappe.db.set_value(
					doctype, name, dict.fromkeys(fields + _cache_columns(doctype)), update_modified=False
				)
		for applicant in fp["applicants"]:
			_erase_applicant(applicant, report)

		_clear_history(CANDIDATE, candidate, report)
		if keep_candidate:
			_scrub_candidate(candidate)
		else:
			for child in ("RC Candidate Skill", "RC Candidate Language", "RC Candidate Email"):
				_delete_rows(child, {"parent": candidate, "parenttype": CANDIDATE}, report)
			_delete_rows(CANDIDATE, {"name": candidate}, report)
	finally:
		frappe.flags.rc_erasure = False
	return report


def _cache_columns(doctype: str) -> tuple[str, ...]:
	return tuple(c for c in CACHE_COLUMNS if frappe.db.has_column(doctype, c))


def _delete_rows(doctype: str, filters: dict, report: dict) -> None:
	count = frappe.db.count(doctype, filters)
	if count:
		frappe.db.delete(doctype, filters)
		report[doctype] = report.get(doctype, 0) + count


def _delete_attached(doctype: str, names: list[str], report: dict) -> None:
	"""Files attached to these documents (and their content on disk), plus comments, versions, tags."""
	if not names:
		return
	for file in frappe.get_all(
		"File",
		filters={"attached_to_doctype": doctype, "attached_to_name": ("in", names)},
		pluck="name",
		order_by=None,
	):
		frappe.delete_doc("File", file, ignore_permissions=True, force=True, delete_permanently=True)
		report["File"] = report.get("File", 0) + 1
	for name in names:
		_clear_history(doctype, name, report, files=False)


def _clear_history(doctype: str, name: str, report: dict, files: bool = True) -> None:
	if files:
		_delete_attached(doctype, [name], report)
	_delete_rows("Comment", {"reference_doctype": doctype, "reference_name": name}, report)
	_delete_rows("Version", {"ref_doctype": doctype, "docname": name}, report)
	_delete_rows("ToDo", {"reference_type": doctype, "reference_name": name}, report)
	_delete_rows("Tag Link", {"document_type": doctype, "document_name": name}, report)
	_delete_rows("DocShare", {"share_doctype": doctype, "share_name": name}, report)
	_delete_rows("View Log", {"reference_doctype": doctype, "reference_name": name}, report)
	_delete_rows("Activity Log", {"reference_doctype": doctype, "reference_name": name}, report)
	_delete_rows("Error Log", {"reference_doctype": doctype, "reference_name": name}, report)
	# Workflow Actions name the document (a Job Applicant is named after the email address).
	actions = frappe.get_all(
		"Workflow Action", filters={"reference_doctype": doctype, "reference_name": name}, pluck="name"
	)
	if actions:
		_delete_rows("Workflow Action Permitted Role", {"parent": ("in", actions)}, report)
		_delete_rows("Workflow Action", {"name": ("in", actions)}, report)
	frappe.db.sql("delete from `__global_search` where doctype = %s and name = %s", (doctype, name))


def _delete_linked(doctype: str, fieldname: str, candidate: str, report: dict) -> None:
	names = frappe.get_all(doctype, filters={fieldname: candidate}, pluck="name", order_by=None)
	if not names:
		return
	meta = frappe.get_meta(doctype)
	for table in meta.get_table_fields():
		_delete_rows(table.options, {"parent": ("in", names), "parenttype": doctype}, report)
	_delete_attached(doctype, names, report)
	_delete_rows(doctype, {"name": ("in", names)}, report)


def _erase_applicant(applicant: str, report: dict) -> None:
	"""Rename the applicant (HRMS names it by email) and blank what identifies the person."""
	_clear_history(APPLICANT, applicant, report)
	new_name = _opaque("erased-applicant", applicant)
	frappe.rename_doc(APPLICANT, applicant, new_name, force=True, show_alert=False, rebuild_search=False)
	frappe.db.set_value(
		APPLICANT,
		new_name,
		{
			**dict.fromkeys(APPLICANT_PII + _cache_columns(APPLICANT)),
			"applicant_name": ERASED_NAME,
			"email_id": f"{new_name}@erased.invalid",
			"rc_candidate": None,
		},
		update_modified=False,
	)
	first_response.recompute([new_name])  # no candidate: no one to have answered
	_clear_history(APPLICANT, new_name, report)  # the rename itself leaves a comment
	report[APPLICANT] = report.get(APPLICANT, 0) + 1


def _scrub_history(candidate: str) -> None:
	"""Touchpoints and stage changes of an anonymised person keep type and time, nothing else."""
	frappe.db.sql(
		"""update `tabRC Touchpoint` set details = null, recruiter = null, job_applicant = null,
			reference_doctype = null, reference_name = null
		where candidate = %s""",
		candidate,
	)
	frappe.db.sql(
		"update `tabRC Application Stage` set snooze_reason = null, action = null where candidate = %s",
		candidate,
	)


def _scrub_candidate(candidate: str) -> None:
	for child in ("RC Candidate Language", "RC Candidate Email"):
		frappe.db.delete(child, {"parent": candidate, "parenttype": CANDIDATE})
	values = {
		**dict.fromkeys(_CANDIDATE_PII_BLANK),
		"full_name": ANONYMISED_NAME,
		"email": f"{candidate}@anonymised.invalid",
		"is_anonymized": 1,
		"anonymized_at": now_datetime(),
		"has_pool_consent": 0,
		"has_marketing_consent": 0,
		"consent_expires_on": None,
		"do_not_contact": 1,
	}
	frappe.db.set_value(CANDIDATE, candidate, values, update_modified=False)
