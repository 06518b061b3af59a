# Copyright (c) 2026, recruit_crm contributors
# License: GNU General Public License v3. See license.txt

from zoneinfo import available_timezones

import frappe
from frappe import _
from frappe.model.document import Document

from recruit_crm.domain.candidates import InvalidEmail, normalize_email, top_skills
from recruit_crm.services.candidates import merge, records, search_index


class RCCandidate(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from recruit_crm.recruit_crm.doctype.rc_candidate_email.rc_candidate_email import RCCandidateEmail
		from recruit_crm.recruit_crm.doctype.rc_candidate_language.rc_candidate_language import (
			RCCandidateLanguage,
		)
		from recruit_crm.recruit_crm.doctype.rc_candidate_skill.rc_candidate_skill import RCCandidateSkill

		alternate_emails: DF.Table[RCCandidateEmail]
		anonymized_at: DF.Datetime | None
		application_count: DF.Int
		consent_expires_on: DF.Date | None
		country: DF.Link | None
		crm_stage: DF.Literal[
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
		current_employer: DF.Data | None
		current_title: DF.Data | None
		do_not_contact: DF.Check
		education_field: DF.Data | None
		education_institution: DF.Data | None
		education_level: DF.Literal[
			"", "None", "Secondary", "Vocational", "Associate", "Bachelor", "Master", "Doctorate"
		]
		email: DF.Data
		email_frequency: DF.Literal["Any", "Weekly", "Monthly", "Important Only"]
		emails_paused_until: DF.Date | None
		engagement_score: DF.Float
		engagement_updated_at: DF.Datetime | None
		full_name: DF.Data
		has_bounced: DF.Check
		has_marketing_consent: DF.Check
		has_pool_consent: DF.Check
		interests: DF.SmallText | None
		is_anonymized: DF.Check
		is_unsubscribed: DF.Check
		languages: DF.Table[RCCandidateLanguage]
		last_activity_at: DF.Datetime | None
		last_applied_at: DF.Datetime | None
		last_careers_visit_at: DF.Datetime | None
		last_job_click_at: DF.Datetime | None
		last_replied_at: DF.Datetime | None
		linkedin_url: DF.Data | None
		location: DF.Data | None
		phone: DF.Data | None
		portfolio_url: DF.Data | None
		preferred_locations: DF.SmallText | None
		readiness_stage: DF.Literal["Cold", "Warm", "Hot", "Ready"]
		recruiter: DF.Link | None
		referred_by: DF.Link | None
		resume: DF.Attach | None
		skills: DF.Table[RCCandidateSkill]
		source: DF.Link | None
		source_campaign: DF.Data | None
		source_medium: DF.Data | None
		source_referrer: DF.Data | None
		timezone: DF.Autocomplete | None
		total_experience_years: DF.Float

	# end: auto-generated types
	def onload(self) -> None:
		self.set_onload("applications", records.application_summary(self.name))

	def insert(self, *args, **kwargs):
		"""Data Import rows for a person we already know merge into that person."""
		if self._is_data_import():
			self.normalize_email()
			existing = records.find_candidate_by_email(self.email)
			if existing:
				merge.merge_import_row(existing, self)
				self.name = existing
				return self
		return super().insert(*args, **kwargs)

	def validate(self) -> None:
		self.normalize_email()
		self.reject_duplicate_email()
		self.normalize_alternate_emails()
		self.validate_timezone()
		self.dedupe_skills()
		self.top_skills = top_skills(row.as_dict() for row in self.skills)

	def on_update(self) -> None:
		# Findable from the desk's search bar at once, not after Frappe's 15-minute index flush.
		search_index.index_candidates([self.name])

	def _is_data_import(self) -> bool:
		return bool(frappe.flags.in_import or self.flags.updater_reference)

	def normalize_email(self) -> None:
		try:
			self.email = normalize_email(self.email)
		except InvalidEmail as e:
			frappe.throw(str(e), frappe.InvalidEmailAddressError, title=_("Invalid Email"))

	def reject_duplicate_email(self) -> None:
		"""A clear message instead of a database error when the email is already a candidate."""
		existing = records.find_candidate_by_email(self.email)
		if existing and existing != self.name:
			frappe.throw(
				_("A candidate with email {0} already exists: {1}").format(
					frappe.bold(self.email), frappe.utils.get_link_to_form("RC Candidate", existing)
				),
				frappe.DuplicateEntryError,
				title=_("Duplicate Candidate"),
			)

	def normalize_alternate_emails(self) -> None:
		seen = {self.email}
		keep = []
		for row in self.alternate_emails:
			try:
				row.email = normalize_email(row.email)
			except InvalidEmail as e:
				frappe.throw(_("Row {0}: {1}").format(row.idx, str(e)), frappe.InvalidEmailAddressError)
			if row.email in seen:
				continue
			seen.add(row.email)
			keep.append(row)
		self.set("alternate_emails", keep)

	def validate_timezone(self) -> None:
		if self.timezone and self.timezone not in _timezones():
			frappe.throw(
				_("{0} is not a known time zone.").format(self.timezone), title=_("Invalid Time Zone")
			)

	def dedupe_skills(self) -> None:
		seen = set()
		for row in self.skills:
			if row.skill in seen:
				frappe.throw(_("Skill {0} is listed twice.").format(frappe.bold(row.skill)))
			seen.add(row.skill)


def _timezones() -> frozenset[str]:
	if not hasattr(_timezones, "cache"):
		_timezones.cache = frozenset(available_timezones())
	return _timezones.cache
