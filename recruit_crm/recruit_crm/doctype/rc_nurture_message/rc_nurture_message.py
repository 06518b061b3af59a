# Copyright (c) 2026, recruit_crm contributors
# License: GNU General Public License v3. See license.txt

import frappe
from frappe.model.document import Document


class RCNurtureMessage(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		attempt_count: DF.Int
		bounced_at: DF.Datetime | None
		candidate: DF.Link | None
		claimed_at: DF.Datetime | None
		claimed_by: DF.Data | None
		clicked_at: DF.Datetime | None
		communication: DF.Link | None
		due_at: DF.Datetime | None
		email_account: DF.Link | None
		enrollment: DF.Link | None
		entry_round: DF.Int
		error: DF.SmallText | None
		is_recorded: DF.Check
		lease_expires_at: DF.Datetime | None
		message_id: DF.Data | None
		nurture_campaign: DF.Link | None
		opened_at: DF.Datetime | None
		recipient: DF.Data | None
		replied_at: DF.Datetime | None
		resolution: DF.Data | None
		resolved_by: DF.Link | None
		sent_at: DF.Datetime | None
		status: DF.Literal["Queued", "Sending", "Sent", "Unknown", "Failed", "Suppressed", "Cancelled"]
		step_idx: DF.Int
		step_key: DF.Data | None
		subject: DF.SmallText | None
		unsubscribed_at: DF.Datetime | None
		variant: DF.Literal["A", "B"]
	# end: auto-generated types


def on_doctype_update():
	"""The ledger's unique key makes a second send of the same step to the same person impossible."""
	frappe.db.add_unique(
		"RC Nurture Message", ["enrollment", "step_key", "entry_round"], "unique_enrollment_step_round"
	)
	frappe.db.add_index("RC Nurture Message", ["status", "due_at"], "status_due")
	frappe.db.add_index(
		"RC Nurture Message", ["nurture_campaign", "step_key", "variant"], "campaign_step_variant"
	)
	frappe.db.add_index("RC Nurture Message", ["candidate", "sent_at"], "candidate_sent")
	frappe.db.add_index("RC Nurture Message", ["message_id(64)"], "message_id")
	frappe.db.add_index("RC Nurture Message", ["claimed_by", "status"], "claim_status")
	frappe.db.add_index("RC Nurture Message", ["claimed_at"], "claimed_at")
	frappe.db.add_index("RC Nurture Message", ["communication"], "communication")
