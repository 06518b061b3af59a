# Copyright (c) 2026, recruit_crm contributors
# License: GNU General Public License v3. See license.txt

from frappe.model.document import Document


class RCEventRegistration(Document):
	def validate(self) -> None:
		"""Emails are compared lower-case everywhere (as on RC Candidate)."""
		self.email = (self.email or "").strip().lower()
