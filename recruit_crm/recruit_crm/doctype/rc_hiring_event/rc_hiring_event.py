# Copyright (c) 2026, recruit_crm contributors
# License: GNU General Public License v3. See license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import get_datetime

from recruit_crm.domain import drives
from recruit_crm.services.portal.careers import clear_careers_cache


class RCHiringEvent(Document):
	def validate(self) -> None:
		"""Times in order and a clean route: the route is a public URL segment."""
		if get_datetime(self.ends_at) <= get_datetime(self.starts_at):
			frappe.throw(_("An event must end after it starts."))
		if not self.route:
			self.route = drives.slug(self.title)
		if not drives.is_valid_route(self.route):
			frappe.throw(_("The route may contain only lower-case letters, digits and single dashes."))

	def on_update(self) -> None:
		"""Its drive's landing page lists published events and is cached."""
		if self.published or self.has_value_changed("published"):
			clear_careers_cache()

	def on_trash(self) -> None:
		if self.published:
			clear_careers_cache()
