# Copyright (c) 2026, recruit_crm contributors
# License: GNU General Public License v3. See license.txt

import frappe
from frappe.model.document import Document


class RCApplicationStage(Document):
	pass


def on_doctype_update() -> None:
	frappe.db.add_index("RC Application Stage", ["job_applicant", "left_at"], "applicant_left_at")
	frappe.db.add_index("RC Application Stage", ["state", "left_at"], "state_left_at")
	frappe.db.add_index("RC Application Stage", ["job_opening", "entered_at"], "opening_entered_at")
	frappe.db.add_index("RC Application Stage", ["entered_at"], "entered_at")
