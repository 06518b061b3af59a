"""Desk endpoints for the sending account: its state, a test send, and the workspace warning."""

import frappe
from frappe import _

from recruit_crm.domain.roles import CAMPAIGN_ROLES, HR_ROLES, holds_any
from recruit_crm.services.nurture import readiness


@frappe.whitelist()
def sender_status(email_account: str | None = None) -> dict:
	"""Whether the account (by default RC Settings' Default Sender) may send campaign email, its
	last successful test and its last delivery errors."""
	if not holds_any(frappe.get_roles(), CAMPAIGN_ROLES):
		frappe.throw(_("Only HR users see the state of the sending account."), frappe.PermissionError)
	return readiness.sender_state(email_account or readiness.default_sender())


@frappe.whitelist(methods=["POST"])
def send_test_email(email_account: str) -> dict:
	"""Send the branded campaign layout to the current user through the account; record the result."""
	if not frappe.has_permission("RC Settings", "write"):
		frappe.throw(_("Only those who edit RC Settings send test emails from it."), frappe.PermissionError)
	recipient = frappe.db.get_value("User", frappe.session.user, "email") or frappe.session.user
	return readiness.send_settings_test(email_account, recipient)


@frappe.whitelist()
def sending_accounts() -> list[dict]:
	"""Accounts with outgoing mail on, each with whether it may send campaign email (for pickers:
	HR users cannot search Email Account, which only System Managers read)."""
	if not holds_any(frappe.get_roles(), CAMPAIGN_ROLES):
		frappe.throw(_("Only HR users send campaign email."), frappe.PermissionError)
	return readiness.sending_accounts()


@frappe.whitelist()
def workspace_status() -> dict:
	"""Whether any account may send campaign email (shown to HR users on the workspace)."""
	if not holds_any(frappe.get_roles(), HR_ROLES):
		return {"show": False}
	return {"show": True, **readiness.workspace_status()}
