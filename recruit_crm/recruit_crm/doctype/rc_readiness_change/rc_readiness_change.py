# Copyright (c) 2026, recruit_crm contributors
# License: GNU General Public License v3. See license.txt

import frappe
from frappe.model.document import Document


class RCReadinessChange(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		candidate: DF.Link
		changed_at: DF.Datetime | None
		engagement_score: DF.Float
		from_stage: DF.Literal["", "Cold", "Warm", "Hot", "Ready"]
		reason: DF.SmallText | None
		to_stage: DF.Literal["Cold", "Warm", "Hot", "Ready"]
	# end: auto-generated types


def on_doctype_update() -> None:
	frappe.db.add_index("RC Readiness Change", ["candidate", "changed_at"], "candidate_changed_at")
