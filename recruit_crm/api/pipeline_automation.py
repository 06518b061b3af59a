"""Desk endpoints for pipeline automations: the dry run and the merge fields."""

import frappe
from frappe import _

from recruit_crm.domain.roles import CAMPAIGN_ROLES, holds_any
from recruit_crm.services.pipeline import automation_preview
from recruit_crm.services.pipeline.workflow import AUTOMATION


def _require_hr() -> None:
	if not holds_any(frappe.get_roles(), CAMPAIGN_ROLES):
		frappe.throw(_("Only HR users preview pipeline emails."), frappe.PermissionError)


@frappe.whitelist(methods=["GET", "POST"])
@frappe.read_only()
def preview(automation: str, limit: int = 20) -> dict:
	"""Who would get this automation's email and when (HR only; nothing is queued or tracked)."""
	_require_hr()
	frappe.get_doc(AUTOMATION, automation).check_permission("read")
	return automation_preview.preview(automation, frappe.utils.cint(limit) or 20)


@frappe.whitelist(methods=["GET"])
def merge_fields() -> list[dict]:
	_require_hr()
	return automation_preview.merge_fields()
