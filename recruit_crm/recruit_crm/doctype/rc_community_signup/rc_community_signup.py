# Copyright (c) 2026, recruit_crm contributors
# License: GNU General Public License v3. See license.txt

from frappe.model.document import Document


class RCCommunitySignup(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		attribution: DF.SmallText | None
		candidate: DF.Link | None
		confirmed_at: DF.Datetime | None
		confirmed_ip_address: DF.Data | None
		confirmed_user_agent: DF.SmallText | None
		email: DF.Data
		full_name: DF.Data
		interests: DF.SmallText | None
		ip_address: DF.Data | None
		preferred_locations: DF.SmallText | None
		resume: DF.Attach | None
		skills: DF.SmallText | None
		status: DF.Literal["Pending", "Confirmed", "Expired"]
		submitted_at: DF.Datetime | None
		user_agent: DF.SmallText | None
	# end: auto-generated types
	pass
