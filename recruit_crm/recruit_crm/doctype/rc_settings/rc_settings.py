# Copyright (c) 2026, recruit_crm contributors
# License: GNU General Public License v3. See license.txt

import frappe
from frappe.model.document import Document

from recruit_crm.services.nurture import readiness
from recruit_crm.services.portal.careers import sync_hrms_jobs_redirects


class RCSettings(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from recruit_crm.recruit_crm.doctype.rc_featured_content.rc_featured_content import RCFeaturedContent
		from recruit_crm.recruit_crm.doctype.rc_touchpoint_weight.rc_touchpoint_weight import (
			RCTouchpointWeight,
		)

		brand_accent_color: DF.Color | None
		brand_logo: DF.AttachImage | None
		brand_primary_color: DF.Color | None
		careers_company: DF.Link | None
		careers_hero_image: DF.AttachImage | None
		careers_hero_subtitle: DF.SmallText | None
		careers_hero_title: DF.Data | None
		community_interests: DF.SmallText | None
		consent_validity_months: DF.Int
		default_email_account: DF.Link | None
		email_footer: DF.TextEditor | None
		employer_value_proposition: DF.TextEditor | None
		featured_content: DF.TableMultiSelect[RCFeaturedContent]
		hot_threshold: DF.Float
		max_resume_mb: DF.Int
		ready_threshold: DF.Float
		redirect_hrms_jobs: DF.Check
		repermission_days_before_expiry: DF.Int
		retention_months: DF.Int
		score_half_life_days: DF.Int
		signal_window_days: DF.Int
		silver_medalist_any_interview: DF.Check
		silver_medalist_min_rating: DF.Rating
		touchpoint_weights: DF.Table[RCTouchpointWeight]
		warm_threshold: DF.Float
		welcome_campaign: DF.Link | None

	# end: auto-generated types
	def validate(self) -> None:
		self.say_whether_the_sender_is_ready()

	def say_whether_the_sender_is_ready(self) -> None:
		"""Choosing a Default Sender that cannot send yet is allowed, but said (with the fix)."""
		if self.default_email_account and self.has_value_changed("default_email_account"):
			state = readiness.sender_state(self.default_email_account, with_errors=False)
			if not state.ready:
				frappe.msgprint(state.problem, title=frappe._("Default Sender"), indicator="orange")

	def on_update(self) -> None:
		sync_hrms_jobs_redirects(bool(self.get("redirect_hrms_jobs")))
