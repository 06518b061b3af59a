# Copyright (c) 2026, recruit_crm contributors
# License: GNU General Public License v3. See license.txt

from frappe.model.document import Document

from recruit_crm.services.careers import sync_hrms_jobs_redirects


class RCSettings(Document):
	def on_update(self) -> None:
		sync_hrms_jobs_redirects(bool(self.get("redirect_hrms_jobs")))
