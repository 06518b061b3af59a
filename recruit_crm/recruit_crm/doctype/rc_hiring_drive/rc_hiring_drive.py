# Copyright (c) 2026, recruit_crm contributors
# License: GNU General Public License v3. See license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate

from recruit_crm.domain import drives
from recruit_crm.services.portal.careers import clear_careers_cache


class RCHiringDrive(Document):
	def validate(self) -> None:
		self.validate_dates()
		self.validate_openings()
		self.validate_career_pages()
		self.set_route()

	def on_update(self) -> None:
		"""The landing page (and the job pages naming the drive) are cached: a published drive, or one
		just unpublished, makes them stale."""
		if self.published or self.has_value_changed("published"):
			clear_careers_cache()

	def on_trash(self) -> None:
		if self.published:
			clear_careers_cache()

	def validate_dates(self) -> None:
		if self.ends_on and getdate(self.ends_on) < getdate(self.starts_on):
			frappe.throw(_("A drive cannot end before it starts."))

	def validate_openings(self) -> None:
		"""Each opening once (its target would otherwise count twice)."""
		seen = set()
		for row in self.openings:
			if row.job_opening in seen:
				frappe.throw(_("Row {0}: {1} is already in this drive.").format(row.idx, row.job_opening))
			seen.add(row.job_opening)
			if (row.target_hires or 0) < 0:
				frappe.throw(_("Row {0}: target hires cannot be negative.").format(row.idx))

	def validate_career_pages(self) -> None:
		seen = set()
		for row in self.career_pages:
			if row.web_page in seen:
				frappe.throw(_("Row {0}: {1} is already listed.").format(row.idx, row.web_page))
			seen.add(row.web_page)

	def set_route(self) -> None:
		"""The route is a public URL segment: made from the title (numbered when taken) if empty."""
		if not self.route:
			base = drives.slug(self.title) or "drive"
			drive = frappe.qb.DocType("RC Hiring Drive")
			taken = (
				frappe.qb.from_(drive)
				.select(drive.route)
				.where(drive.route.like(f"{base}%"))
				.where(drive.name != (self.name or ""))
				.run(pluck=True)
			)
			self.route = drives.unique_route(base, taken)
		if not drives.is_valid_route(self.route):
			frappe.throw(_("The route may contain only lower-case letters, digits and single dashes."))
