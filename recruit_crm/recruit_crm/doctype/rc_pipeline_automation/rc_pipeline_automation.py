# Copyright (c) 2026, recruit_crm contributors
# License: GNU General Public License v3. See license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from recruit_crm.services.pipeline import workflow


class RCPipelineAutomation(Document):
	def validate(self) -> None:
		"""Catch what would make the automation silently send nothing: a state that is not in the
		pipeline, a condition that does not parse, a reminder with no lead time."""
		if self.trigger == "Enters State":
			pipeline = workflow.current()
			if pipeline and self.state and not pipeline.state(self.state):
				frappe.throw(_("{0} is not a state of the active pipeline Workflow.").format(self.state))
		if (self.condition or "").strip():
			try:
				compile(self.condition, "<condition>", "eval")
			except SyntaxError as e:
				frappe.throw(_("The condition is not a valid Python expression: {0}").format(e.msg))
		if self.trigger == "Before Interview" and not self.hours_before:
			frappe.throw(_("Say how many hours before the interview the reminder goes out."))
		if self.trigger != "Enters State":
			self.only_while_in_state = 0
