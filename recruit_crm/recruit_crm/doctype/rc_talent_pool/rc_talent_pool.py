# Copyright (c) 2026, recruit_crm contributors
# License: GNU General Public License v3. See license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from recruit_crm.domain.pool_rules import RuleError, compile_rules
from recruit_crm.domain.rule_words import describe_rules
from recruit_crm.services.pools import membership, smart


class RCTalentPool(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from recruit_crm.recruit_crm.doctype.rc_talent_pool_designation.rc_talent_pool_designation import (
			RCTalentPoolDesignation,
		)
		from recruit_crm.recruit_crm.doctype.rc_talent_pool_job_opening.rc_talent_pool_job_opening import (
			RCTalentPoolJobOpening,
		)

		designation: DF.Link | None
		designations: DF.Table[RCTalentPoolDesignation]
		is_active: DF.Check
		is_time_relative: DF.Check
		job_openings: DF.Table[RCTalentPoolJobOpening]
		last_rebuilt_at: DF.Datetime | None
		member_count: DF.Int
		pool_name: DF.Data
		pool_type: DF.Literal["Manual", "Smart", "System"]
		purpose: DF.SmallText | None
		rebuild_error: DF.SmallText | None
		rebuild_status: DF.Literal["", "Queued", "Running", "Done", "Failed"]
		recruiter: DF.Link | None
		rules: DF.JSON | None
		rules_summary: DF.SmallText | None
		system_kind: DF.Literal["", "Silver Medalists", "Alumni", "Past Applicants", "Talent Community"]
		user_group: DF.Link | None
		visibility: DF.Literal["Everyone", "Team", "Only Me"]

	# end: auto-generated types
	def validate(self) -> None:
		self.only_the_app_makes_system_pools()
		self.validate_visibility()
		self.validate_rules()
		self.dedupe_links()

	def on_update(self) -> None:
		if self.pool_type == "Smart" and self.is_active and self._membership_inputs_changed():
			smart.rebuild_or_enqueue(self.name)

	def on_trash(self) -> None:
		membership.delete_pool_membership(self.name)

	def only_the_app_makes_system_pools(self) -> None:
		if self.pool_type == "System" and self.is_new() and not self.flags.from_system:
			frappe.throw(_("System pools are created and filled by the app; create a Manual or Smart pool."))
		if self.pool_type != "System" and self.system_kind:
			self.system_kind = None

	def validate_visibility(self) -> None:
		if not self.recruiter:
			self.recruiter = frappe.session.user
		if self.visibility == "Team" and not self.user_group:
			frappe.throw(_("Choose the team (User Group) that may see this pool."))
		if self.visibility != "Team":
			self.user_group = None

	def validate_rules(self) -> None:
		if self.pool_type != "Smart":
			self.rules = None
			self.rules_summary = None
			self.is_time_relative = 0
			return
		rules = smart.parse_rules(self.rules)
		try:
			compiled = compile_rules(rules, frappe.utils.now_datetime())
		except RuleError as e:
			frappe.throw(str(e), title=_("Invalid Pool Rules"))
		self.rules = frappe.as_json(rules, indent=None)
		self.rules_summary = describe_rules(rules)
		self.is_time_relative = int(compiled.is_time_relative)

	def dedupe_links(self) -> None:
		for table, key in (("designations", "designation"), ("job_openings", "job_opening")):
			seen = set()
			keep = []
			for row in self.get(table):
				if row.get(key) in seen:
					continue
				seen.add(row.get(key))
				keep.append(row)
			self.set(table, keep)

	def _membership_inputs_changed(self) -> bool:
		before = self.get_doc_before_save()
		if before is None:
			return True
		return (
			smart.parse_rules(before.rules) != smart.parse_rules(self.rules)
			or before.is_active != self.is_active
		)
