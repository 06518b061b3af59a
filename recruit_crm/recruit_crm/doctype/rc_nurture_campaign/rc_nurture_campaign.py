# Copyright (c) 2026, recruit_crm contributors
# License: GNU General Public License v3. See license.txt

from datetime import timedelta

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import random_string, strip_html, to_timedelta

from recruit_crm.domain.nurture import validate_steps
from recruit_crm.domain.pool_rules import RuleError, validate_rules
from recruit_crm.domain.rule_words import describe_rules
from recruit_crm.services.nurture import readiness
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
		audience_rules_summary: DF.SmallText | None
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
		is_one_off: DF.Check
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
	def before_validate(self):
		self.default_the_sender()
		self.default_the_business_hours()

	def validate(self):
		self.assign_step_keys()
		self.validate_steps()
		self.validate_window_and_caps()
		self.validate_audience_rules()

	def onload(self):
		# the form warns when this account cannot send yet, and says how to fix it
		self.set_onload(
			"sender",
			readiness.sender_state(self.email_account, with_errors=False) if self.email_account else None,
		)
		if not self.is_new():
			stats = campaign_stats(self.name)
			self.update(totals_of(stats))  # shown fresh; stored counters are refreshed every 5 minutes
			self.set_onload("stats_html", stats_html(stats))

	def default_the_business_hours(self):
		"""Frappe v15 fills every Time field of a document made on the server with the current time,
		so a campaign created in code without hours would get a window of no length (nothing would
		ever be sent): such a window is that artefact, not a choice, and becomes the default hours."""
		if not self.is_new() or not (self.send_start_time and self.send_end_time):
			return
		if abs(to_timedelta(self.send_end_time) - to_timedelta(self.send_start_time)) < timedelta(seconds=1):
			meta = frappe.get_meta(self.doctype)
			self.send_start_time = meta.get_field("send_start_time").default
			self.send_end_time = meta.get_field("send_end_time").default

	def default_the_sender(self):
		"""A new campaign sends from the Default Sender of RC Settings unless told otherwise."""
		if not self.email_account:
			self.email_account = readiness.default_sender()

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
				written = bool(step.email_subject or strip_html(step.email_body or "").strip())
				if step.email_template and written:
					problems.append(
						_(
							"Step {0}: use either the Email Template or the subject and message written on the step, not both."
						).format(step.idx)
					)
				elif written and step.step_type == "Send Email" and not step.email_subject:
					problems.append(_("Step {0}: write a subject for the email.").format(step.idx))
				elif step.step_type == "Send Email" and not (step.email_template or written):
					problems.append(
						_("Step {0}: choose an Email Template, or write a subject and a message.").format(
							step.idx
						)
					)
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
		from frappe.utils import cint

		if cint(self.per_sender_daily_cap) < 0 or cint(self.per_campaign_hourly_cap) < 0:
			frappe.throw(_("Caps cannot be negative."))
		if (
			self.send_start_time
			and self.send_end_time
			and to_timedelta(self.send_start_time) >= to_timedelta(self.send_end_time)
		):
			frappe.throw(_("Business hours must start before they end."))

	def validate_audience_rules(self):
		"""Rules in the pool format (the rule editor's) or, from older campaigns, Frappe filters."""
		self.audience_rules_summary = None
		if not self.audience_rules:
			return
		try:
			rules = frappe.parse_json(self.audience_rules)
		except Exception:
			frappe.throw(_("Audience Rules must be JSON filters."))
		if not isinstance(rules, list | dict):
			frappe.throw(_("Audience Rules must be a list of filters."))
		if isinstance(rules, dict) and "conditions" in rules:
			if not rules.get("conditions"):
				self.audience_rules = None  # an editor with no conditions: the pools alone decide
				return
			try:
				validate_rules(rules)
			except RuleError as e:
				frappe.throw(_("Audience rules: {0}").format(str(e)), title=_("Invalid Audience Rules"))
			self.audience_rules_summary = describe_rules(rules)
		elif isinstance(rules, list) and rules:
			self.audience_rules_summary = _("Candidates matching the filters {0}").format(
				"; ".join(
					" ".join(str(part) for part in f[-3:]) for f in rules if isinstance(f, list | tuple)
				)
			)
