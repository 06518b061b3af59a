# Copyright (c) 2026, recruit_crm contributors
# License: GNU General Public License v3. See license.txt

from frappe.model.document import Document


class RCTouchpointWeight(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		touchpoint_type: DF.Data
		weight: DF.Float
	# end: auto-generated types
	pass
