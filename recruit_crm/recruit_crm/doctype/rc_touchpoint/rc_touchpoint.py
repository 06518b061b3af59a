# Copyright (c) 2026, recruit_crm contributors
# License: GNU General Public License v3. See license.txt

import time

import frappe
from frappe import _
from frappe.model.document import Document

from recruit_crm.domain.naming import sortable_names
from recruit_crm.services.engagement.scoring import apply_new_touchpoints


class RCTouchpoint(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		candidate: DF.Link
		channel: DF.Literal[
			"", "Email", "Phone", "Meeting", "Portal", "Web", "Messaging", "Event", "HRMS", "Other"
		]
		dedupe_key: DF.Data | None
		details: DF.SmallText | None
		direction: DF.Literal["", "Inbound", "Outbound", "Internal"]
		is_scored: DF.Check
		job_applicant: DF.Link | None
		job_opening: DF.Link | None
		nurture_campaign: DF.Data | None
		occurred_at: DF.Datetime
		recruiter: DF.Link | None
		reference_doctype: DF.Link | None
		reference_name: DF.DynamicLink | None
		touchpoint_type: DF.Literal[
			"Email Sent",
			"Email Delivered",
			"Email Opened",
			"Email Clicked",
			"Email Replied",
			"Email Bounced",
			"Unsubscribed",
			"Call",
			"Meeting",
			"Message",
			"Event Attended",
			"Portal Visit",
			"Form Submitted",
			"Content Viewed",
			"Applied",
			"Interviewed",
			"Offer Made",
			"Offer Accepted",
			"Offer Declined",
			"Hired",
			"Note",
		]

	# end: auto-generated types
	def autoname(self) -> None:
		self.name = sortable_names(1, int(time.time() * 1000))[0]

	def before_insert(self) -> None:
		self.is_scored = 0
		if not self.recruiter and frappe.session.user not in ("Guest", "Administrator"):
			self.recruiter = frappe.session.user

	def validate(self) -> None:
		self.reject_edits()

	def after_insert(self) -> None:
		apply_new_touchpoints([self.name])

	def reject_edits(self) -> None:
		"""Touchpoints are history: once written they are never changed."""
		if not self.is_new():
			frappe.throw(_("Touchpoints cannot be edited; record a new one instead."), frappe.PermissionError)

	def on_trash(self) -> None:
		if not frappe.flags.get("rc_erasure"):
			frappe.throw(
				_("Touchpoints cannot be deleted; they go only when the candidate's data is erased."),
				frappe.PermissionError,
			)


CANDIDATE_INDEX = "rc_candidate_touches"
CANDIDATE_INDEX_COLUMNS = ("candidate", "occurred_at", "touchpoint_type", "job_opening", "recruiter")
# The two it replaces: (candidate, occurred_at, touchpoint_type) with job_opening, and with recruiter.
REPLACED_INDEXES = ("candidate_occurred_at", "rc_candidate_personal_touch")


def on_doctype_update() -> None:
	# Timeline and scoring read (candidate, occurred_at); the extra columns make the scoring
	# aggregate and signal lookups (job_opening) and "the first personal touch on this candidate
	# after that time" (recruiter: first-response times, My Work) covered by the index. One index
	# serves both: every touchpoint written pays for each index it is in.
	frappe.db.add_index("RC Touchpoint", list(CANDIDATE_INDEX_COLUMNS), CANDIDATE_INDEX)
	frappe.db.add_index("RC Touchpoint", ["is_scored"], "is_scored")
