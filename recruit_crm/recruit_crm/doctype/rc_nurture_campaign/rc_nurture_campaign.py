# Copyright (c) 2026, recruit_crm contributors
# License: GNU General Public License v3. See license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import random_string

from recruit_crm.domain.nurture import validate_steps
from recruit_crm.domain.pool_rules import RuleError, validate_rules
from recruit_crm.services.nurture.campaigns import steps_of
from recruit_crm.services.nurture.reports import campaign_stats, stats_html, totals_of


class RCNurtureCampaign(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from recruit_crm.recruit_crm.doctype.rc_nurture_campaign_pool.rc_nurture_campaign_pool import (
			RCNurtureCampaignPool,
		)
		from recruit_crm.recruit_crm.doctype.rc_nurture_step.rc_nurture_step import RCNurtureStep

		active_count: DF.Int
		applied_count: DF.Int
		audience_rules: DF.Code | None
		auto_enroll: DF.Check
		campaign_name: DF.Data
		default_timezone: DF.Autocomplete | None
		description: DF.SmallText | None
		email_account: DF.Link
		enrolled_count: DF.Int
		exit_on_apply: DF.Check
		exit_on_hire: DF.Check
		exit_on_reply: DF.Check
		goal_stage: DF.Literal[
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
		hired_count: DF.Int
		holiday_list: DF.Link | None
		job_opening: DF.Link | None
		launched_at: DF.Datetime | None
		per_campaign_hourly_cap: DF.Int
		per_sender_daily_cap: DF.Int
		reentry_after_days: DF.Int
		reentry_policy: DF.Literal["Once", "Again After Days"]
		send_end_time: DF.Time | None
		send_on_weekends: DF.Check
		send_start_time: DF.Time | None
		sent_count: DF.Int
		status: DF.Literal["Draft", "Active", "Paused", "Completed"]
		steps: DF.Table[RCNurtureStep]
		talent_pools: DF.TableMultiSelect[RCNurtureCampaignPool]
		unknown_count: DF.Int

	# end: auto-generated types
	def validate(self):
		self.assign_step_keys()
		self.validate_steps()
		self.validate_window_and_caps()
		self.validate_audience_rules()

	def onload(self):
		if not self.is_new():
			stats = campaign_stats(self.name)
			self.update(totals_of(stats))  # shown fresh; stored counters are refreshed every 5 minutes
			self.set_onload("stats_html", stats_html(stats))

	def assign_step_keys(self):
		"""Messages are keyed by step_key, so reordering or inserting steps never re-sends one."""
		seen = set()
		for step in self.steps:
			if not step.step_key or step.step_key in seen:
				step.step_key = random_string(8).lower()
			seen.add(step.step_key)

	def validate_steps(self):
		problems = validate_steps(steps_of(self))
		for step in self.steps:
			if step.step_type in ("Send Email", "Invite To Apply", "Share Content"):
				if step.step_type == "Send Email" and not step.email_template:
					problems.append(_("Step {0}: choose an Email Template.").format(step.idx))
				if step.step_type == "Invite To Apply" and not step.job_opening:
					problems.append(_("Step {0}: choose the Job Opening to invite to.").format(step.idx))
				if step.step_type == "Share Content" and not step.content:
					problems.append(_("Step {0}: choose the content to share.").format(step.idx))
			if step.step_type == "Update Candidate" and not (step.talent_pool or step.crm_stage or step.tag):
				problems.append(_("Step {0}: choose a pool, a stage or a tag.").format(step.idx))
			if step.step_type == "Create Task" and not step.task_description:
				problems.append(_("Step {0}: describe the task.").format(step.idx))
		if problems:
			frappe.throw("<br>".join(problems), title=_("The steps need attention"))

	def validate_window_and_caps(self):
		from frappe.utils import cint, to_timedelta

		if cint(self.per_sender_daily_cap) < 0 or cint(self.per_campaign_hourly_cap) < 0:
			frappe.throw(_("Caps cannot be negative."))
		if (
			self.send_start_time
			and self.send_end_time
			and to_timedelta(self.send_start_time) >= to_timedelta(self.send_end_time)
		):
			frappe.throw(_("Business hours must start before they end."))

	def validate_audience_rules(self):
		if not self.audience_rules:
			return
		try:
			rules = frappe.parse_json(self.audience_rules)
		except Exception:
			frappe.throw(_("Audience Rules must be JSON filters."))
		if not isinstance(rules, list | dict):
			frappe.throw(_("Audience Rules must be a list of filters."))
		if isinstance(rules, dict) and "conditions" in rules:
			try:
				validate_rules(rules)
			except RuleError as e:
				frappe.throw(_("Audience rules: {0}").format(str(e)), title=_("Invalid Audience Rules"))
