"""Desk endpoints for consent, export and erasure of one candidate's data."""

import frappe
from frappe import _

from recruit_crm.api._params import names as names_param
from recruit_crm.domain.roles import MANAGER_ROLES, holds_any
from recruit_crm.domain.types import ConsentMethod
from recruit_crm.services.compliance import consent, erasure, export, permission, renewal

CANDIDATE = "RC Candidate"


def _check(candidate: str, ptype: str) -> None:
	if not frappe.db.exists(CANDIDATE, candidate):
		frappe.throw(_("Candidate {0} does not exist.").format(candidate), frappe.DoesNotExistError)
	frappe.has_permission(CANDIDATE, ptype, doc=candidate, throw=True)


@frappe.whitelist()
def export_candidate(candidate: str) -> None:
	"""Download everything held about the candidate as JSON (subject access request)."""
	_check(candidate, "export")
	data = export.export_candidate(candidate)
	frappe.get_doc(CANDIDATE, candidate).add_comment(
		"Info", _("Personal data exported by {0}").format(frappe.session.user)
	)
	frappe.response["type"] = "download"
	frappe.response["filename"] = f"candidate-{candidate}.json"
	frappe.response["filecontent"] = frappe.as_json(data)
	frappe.response["content_type"] = "application/json"


@frappe.whitelist(methods=["POST"])
def erase_candidate(candidate: str, confirm: str) -> dict:
	"""Erase the candidate and everything about them. HR Manager only; `confirm` must be the email."""
	if not holds_any(frappe.get_roles(), MANAGER_ROLES):
		frappe.throw(_("Only HR Managers can erase a candidate's data."), frappe.PermissionError)
	_check(candidate, "delete")
	email = frappe.db.get_value(CANDIDATE, candidate, "email")
	if (confirm or "").strip().lower() != (email or "").lower():
		frappe.throw(_("Type the candidate's email address to confirm erasure."))
	has_user = bool(frappe.db.exists("User", {"email": email}))
	removed = erasure.erase_candidate(candidate)
	return {"removed": removed, "has_user_account": has_user}


@frappe.whitelist(methods=["POST"])
def record_consent(
	candidate: str,
	purpose: str,
	method: str = ConsentMethod.RECRUITER.value,
	note: str | None = None,
	expires_on: str | None = None,
) -> str:
	"""A recruiter records consent the candidate gave (by phone, in person, in an email)."""
	_check(candidate, "write")
	return consent.give(
		candidate, purpose, method, {"form": "Recruiter", "note": note}, expires_on=expires_on
	)


@frappe.whitelist()
@frappe.read_only()
def consent_ledger(candidate: str) -> list[dict]:
	"""The candidate's consent ledger (what was given, how, when, until when, and what was withdrawn)."""
	_check(candidate, "read")
	return consent.ledger(candidate)


@frappe.whitelist(methods=["POST"])
def withdraw_consent(candidate: str, purpose: str, note: str | None = None) -> int:
	"""The candidate withdrew consent for `purpose`; it stops everywhere at once."""
	_check(candidate, "write")
	return consent.withdraw(candidate, purpose, ConsentMethod.RECRUITER.value, {"note": note})


@frappe.whitelist(methods=["POST"])
def set_do_not_contact(candidate: str, value: int, reason: str | None = None) -> None:
	"""Set or lift Do Not Contact; setting it withdraws all consent and stops queued mail."""
	_check(candidate, "write")
	consent.set_do_not_contact(candidate, bool(int(value)), reason)


@frappe.whitelist(methods=["POST"])
def send_consent_renewal(candidate: str) -> bool:
	"""Email the candidate a signed link to renew consent before it lapses."""
	_check(candidate, "write")
	return renewal.send_renewal_request(candidate)


@frappe.whitelist(methods=["POST"])
def ask_for_permission(candidates: list | str) -> dict:
	"""Email the chosen people who have not given permission a one-click way to give it."""
	if not frappe.has_permission(CANDIDATE, "email"):
		frappe.throw(_("Not permitted to email candidates."), frappe.PermissionError)
	names = names_param(candidates)
	if len(names) > 20_000:
		frappe.throw(_("Ask at most 20,000 people at a time."))
	return permission.ask(names)


@frappe.whitelist()
def permission_preview(candidates: list | str) -> dict:
	"""How many of the chosen people would be asked, and why the others would not."""
	frappe.has_permission(CANDIDATE, "read", throw=True)
	askable, left_out = permission.who_may_be_asked(names_param(candidates))
	return {"askable": len(askable), "left_out": left_out}
