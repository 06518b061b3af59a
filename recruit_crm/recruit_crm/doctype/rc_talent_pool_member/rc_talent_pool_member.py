# Copyright (c) 2026, recruit_crm contributors
# License: GNU General Public License v3. See license.txt

import frappe
from frappe.model.document import Document


class RCTalentPoolMember(Document):
	"""One person in one pool. Written in bulk by `recruit_crm.services.pools`, never by hand."""

	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		added_at: DF.Datetime | None
		added_by: DF.Data | None
		candidate: DF.Link
		reason: DF.SmallText | None
		removed_at: DF.Datetime | None
		removed_reason: DF.SmallText | None
		talent_pool: DF.Link
	# end: auto-generated types

	pass


def on_doctype_update() -> None:
	# A person is in a pool once, however many applications or rules bring them there.
	frappe.db.add_unique("RC Talent Pool Member", ("talent_pool", "candidate"), "unique_pool_candidate")
	# Active members of a pool (removed_at is null) and pool pages by join date.
	frappe.db.add_index("RC Talent Pool Member", ["talent_pool", "removed_at"], "pool_removed_at")
	frappe.db.add_index("RC Talent Pool Member", ["talent_pool", "added_at"], "pool_added_at")
	# A person's pools, and "is in any pool" for rediscovery, from the index alone.
	frappe.db.add_index("RC Talent Pool Member", ["candidate", "removed_at"], "candidate_removed_at")
