# Copyright (c) 2026, recruit_crm contributors
# License: GNU General Public License v3. See license.txt

from frappe.model.document import Document


class RCCandidateLanguage(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		language: DF.Link
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		proficiency: DF.Literal["Basic", "Conversational", "Fluent", "Native"]
	# end: auto-generated types
	pass
