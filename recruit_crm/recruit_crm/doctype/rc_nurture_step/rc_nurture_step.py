# Copyright (c) 2026, recruit_crm contributors
# License: GNU General Public License v3. See license.txt

from frappe.model.document import Document


class RCNurtureStep(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		ab_split_percent: DF.Int
		condition: DF.Literal[
			"", "Opened", "Clicked", "Replied", "Score At Least", "Stage Is", "Readiness Is"
		]
		condition_value: DF.Data | None
		content: DF.Link | None
		crm_stage: DF.Literal[
			"",
			"Prospect",
			"Contacted",
			"Engaged",
			"Applied",
			"Interviewing",
			"Offered",
			"Hired",
			"Past Applicant",
			"Not Interested",
		]
		email_body: DF.TextEditor | None
		email_subject: DF.Data | None
		email_template: DF.Link | None
		job_opening: DF.Link | None
		label: DF.Data | None
		no_step: DF.Int
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		step_key: DF.Data | None
		step_type: DF.Literal[
			"Send Email",
			"Wait",
			"Branch",
			"Create Task",
			"Update Candidate",
			"Invite To Apply",
			"Share Content",
		]
		tag: DF.Data | None
		talent_pool: DF.Link | None
		task_assign_to: DF.Link | None
		task_description: DF.SmallText | None
		task_due_days: DF.Int
		variant_email_template: DF.Link | None
		wait_amount: DF.Int
		wait_unit: DF.Literal["Days", "Hours"]
		wait_until_at: DF.Datetime | None
		yes_step: DF.Int
	# end: auto-generated types
	pass
