# Copyright (c) 2026, recruit_crm contributors
# License: GNU General Public License v3. See license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate


class RCHiringDrive(Document):
	def validate(self) -> None:
		"""Dates in order and each opening once (its target would otherwise count twice)."""
		if self.ends_on and getdate(self.ends_on) < getdate(self.starts_on):
			frappe.throw(_("A drive cannot end before it starts."))
		seen = set()
		for row in self.openings:
			if row.job_opening in seen:
				frappe.throw(_("Row {0}: {1} is already in this drive.").format(row.idx, row.job_opening))
			seen.add(row.job_opening)
			if (row.target_hires or 0) < 0:
				frappe.throw(_("Row {0}: target hires cannot be negative.").format(row.idx))
