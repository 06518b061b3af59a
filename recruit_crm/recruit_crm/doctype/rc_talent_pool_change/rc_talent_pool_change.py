# Copyright (c) 2026, recruit_crm contributors
# License: GNU General Public License v3. See license.txt

import frappe
from frappe.model.document import Document


class RCTalentPoolChange(Document):
	"""Append-only: someone joined or left a pool, when, by whose hand, and why."""

	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		candidate: DF.Link
		change: DF.Literal["Joined", "Left"]
		changed_at: DF.Datetime | None
		changed_by: DF.Data | None
		reason: DF.SmallText | None
		talent_pool: DF.Link
	# end: auto-generated types

	pass


def on_doctype_update() -> None:
	# Growth over time for a pool page, and the rows one upkeep batch wrote.
	frappe.db.add_index("RC Talent Pool Change", ["talent_pool", "changed_at"], "pool_changed_at")
