# Copyright (c) 2026, recruit_crm contributors
# License: GNU General Public License v3. See license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import now_datetime

from recruit_crm.services.compliance.consent import default_expiry, sync_flags

# A ledger entry never changes, except to record its withdrawal or a renewal request.
_MUTABLE = frozenset(
	{"withdrawn_at", "withdrawal_method", "repermission_requested_at", "modified", "modified_by"}
)


class RCConsent(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		candidate: DF.Link
		evidence_form: DF.Data | None
		evidence_note: DF.SmallText | None
		expires_on: DF.Date | None
		given_at: DF.Datetime
		ip_address: DF.Data | None
		method: DF.Literal[
			"Web Form",
			"Import",
			"Recruiter",
			"Email Reply",
			"Unsubscribe Link",
			"Email Link",
			"Preference Centre",
			"Expiry",
		]
		purpose: DF.Literal["Talent Pool", "Marketing Email"]
		recorded_by: DF.Link | None
		repermission_requested_at: DF.Datetime | None
		user_agent: DF.SmallText | None
		withdrawal_method: DF.Literal[
			"",
			"Web Form",
			"Import",
			"Recruiter",
			"Email Reply",
			"Unsubscribe Link",
			"Email Link",
			"Preference Centre",
			"Expiry",
		]
		withdrawn_at: DF.Datetime | None

	# end: auto-generated types
	def before_insert(self) -> None:
		self.given_at = self.given_at or now_datetime()
		if not self.expires_on:
			self.expires_on = default_expiry(self.given_at)
		self.recorded_by = frappe.session.user
		self.withdrawn_at = None
		self.withdrawal_method = None

	def validate(self) -> None:
		self.keep_ledger_immutable()
		if self.expires_on and str(self.expires_on) < str(self.given_at)[:10]:
			frappe.throw(_("Consent cannot expire before it was given."))

	def keep_ledger_immutable(self) -> None:
		before = self.get_doc_before_save()
		if self.is_new() or before is None:
			return
		changed = [
			df.fieldname
			for df in self.meta.fields
			if df.fieldname not in _MUTABLE and self.get(df.fieldname) != before.get(df.fieldname)
		]
		if changed:
			frappe.throw(_("Consent records cannot be changed; withdraw and record new consent instead."))

	def on_update(self) -> None:
		sync_flags([self.candidate])

	def on_trash(self) -> None:
		if not frappe.flags.get("rc_erasure"):
			frappe.throw(
				_("Consent records are kept as evidence; withdraw consent instead."), frappe.PermissionError
			)


def on_doctype_update() -> None:
	frappe.db.add_index("RC Consent", ["candidate", "purpose", "withdrawn_at"], "candidate_purpose")
	frappe.db.add_index("RC Consent", ["expires_on"], "expires_on")
