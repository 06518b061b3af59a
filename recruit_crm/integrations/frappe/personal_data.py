"""Frappe's own privacy requests (from /me) cover the candidate behind a website user.

Frappe exports and redacts only what apps declare in `user_data_fields`, by owner or one email
column, and HRMS declares nothing: a candidate who asks Frappe for their data, or for its
deletion, would get neither their applications nor anything this app keeps. So:

- *Personal Data Download Request*: the class is extended (hook `override_doctype_class`) so the
  one file Frappe emails also holds everything the app's export finds for that address.
- *Personal Data Deletion Request*: when Frappe runs the deletion, the app erases the candidate
  with that address everywhere first (`compliance` erasure), before Frappe renames the user.
"""

import json

import frappe
from frappe import _
from frappe.website.doctype.personal_data_download_request.personal_data_download_request import (
	PersonalDataDownloadRequest,
	get_user_data,
)

from recruit_crm.services.candidates.records import find_candidate_by_email
from recruit_crm.services.compliance import erasure, export

RECRUITMENT_KEY = "Recruitment (Recruit CRM)"


class RCPersonalDataDownloadRequest(PersonalDataDownloadRequest):
	"""Frappe's download request, with the person's recruitment data in the same file."""

	def after_insert(self):
		personal_data = json.loads(get_user_data(self.user))
		recruitment = recruitment_data(self.user)
		if recruitment:
			personal_data[RECRUITMENT_KEY] = recruitment
		frappe.enqueue_doc(
			self.doctype,
			self.name,
			"generate_file_and_send_mail",
			queue="short",
			personal_data=json.dumps(personal_data, indent=2, default=str),
			now=frappe.flags.in_test,
		)


def recruitment_data(email: str) -> dict | None:
	"""The app's full export for the candidate with this address, or None."""
	candidate = find_candidate_by_email(email)
	if not candidate or frappe.db.get_value("RC Candidate", candidate, "is_anonymized"):
		return None
	return export.export_candidate(candidate)


def on_deletion_request_update(doc, method=None) -> None:
	"""Erase the candidate once Frappe starts the approved deletion (its steps exist then)."""
	if not doc.get("deletion_steps") or doc.status == "Deleted":
		return
	candidate = find_candidate_by_email(doc.email)
	if not candidate:
		return
	try:
		erasure.erase_candidate(candidate)
	except frappe.ValidationError as e:
		# Hired people's records are employee records; HR decides. Say so on the request.
		frappe.clear_last_message()
		doc.add_comment(
			"Info",
			_("Recruit CRM did not erase the candidate record: {0}").format(frappe.utils.strip_html(str(e))),
		)
	else:
		doc.add_comment("Info", _("Recruit CRM erased this person's candidate record and applications."))
