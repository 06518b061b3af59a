# Copyright (c) 2026, recruit_crm contributors
# License: GNU General Public License v3. See license.txt

from frappe.model.document import Document


class RCCareerVisit(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		job_opening: DF.Link | None
		landing: DF.Data | None
		referrer_employee: DF.Link | None
		utm_campaign: DF.Data | None
		utm_medium: DF.Data | None
		utm_source: DF.Data | None
		visited_at: DF.Datetime | None
	# end: auto-generated types
	pass
