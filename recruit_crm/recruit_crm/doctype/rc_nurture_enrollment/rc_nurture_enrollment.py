# Copyright (c) 2026, recruit_crm contributors
# License: GNU General Public License v3. See license.txt

import frappe
from frappe.model.document import Document


class RCNurtureEnrollment(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		candidate: DF.Link
		current_step: DF.Int
		ended_at: DF.Datetime | None
		enrolled_at: DF.Datetime | None
		enrolled_by: DF.Link | None
		entry_round: DF.Int
		exit_reason: DF.Literal[
			"",
			"Applied",
			"Replied",
			"Hired",
			"Goal Stage Reached",
			"Unsubscribed",
			"Consent Lost",
			"Bounced",
			"Do Not Contact",
			"Email Preferences",
			"Removed By Recruiter",
			"Campaign Stopped",
			"Invalid Flow",
		]
		next_action_at: DF.Datetime | None
		nurture_campaign: DF.Link
		paused_reason: DF.Data | None
		source: DF.Literal["Manual", "Pool", "Rule"]
		status: DF.Literal["Active", "Waiting", "Paused", "Completed", "Exited"]
	# end: auto-generated types


def on_doctype_update():
	frappe.db.add_unique(
		"RC Nurture Enrollment", ["nurture_campaign", "candidate"], "unique_campaign_candidate"
	)
	frappe.db.add_index("RC Nurture Enrollment", ["status", "next_action_at"], "status_next_action")
	frappe.db.add_index(
		"RC Nurture Enrollment", ["nurture_campaign", "status", "current_step"], "campaign_status_step"
	)
