"""Desk endpoints for nurture campaigns: launch, pause, enrol, dry run, results, operator actions."""

import frappe
from frappe import _

from recruit_crm.api._params import names as names_param
from recruit_crm.domain.roles import CAMPAIGN_ROLES, MANAGER_ROLES, holds_any
from recruit_crm.services.nurture import audience, constants, lifecycle, operator, reports


def _campaign(name: str, ptype: str = "read"):
	doc = frappe.get_doc(constants.CAMPAIGN, name)
	doc.check_permission(ptype)
	return doc


def _require_hr() -> None:
	if not holds_any(frappe.get_roles(), CAMPAIGN_ROLES):
		frappe.throw(_("Only HR users manage campaigns."), frappe.PermissionError)


@frappe.whitelist(methods=["POST"])
def launch(campaign: str) -> dict:
	"""Activate the campaign and enrol its audience now."""
	_require_hr()
	_campaign(campaign, "write")
	return lifecycle.launch(campaign)


@frappe.whitelist(methods=["POST"])
def pause(campaign: str) -> None:
	_require_hr()
	_campaign(campaign, "write")
	lifecycle.pause(campaign)


@frappe.whitelist(methods=["POST"])
def resume(campaign: str) -> None:
	_require_hr()
	_campaign(campaign, "write")
	lifecycle.resume(campaign)


@frappe.whitelist(methods=["POST"])
def complete(campaign: str) -> None:
	_require_hr()
	_campaign(campaign, "write")
	lifecycle.complete(campaign)


@frappe.whitelist(methods=["POST"])
def enroll(campaign: str, candidates: list[str] | str) -> dict:
	"""Enrol selected candidates (list view action). People who may not be emailed are skipped."""
	_campaign(campaign, "read")
	if not frappe.has_permission(constants.ENROLLMENT, "create"):
		frappe.throw(_("Not permitted to enrol candidates."), frappe.PermissionError)
	names = names_param(candidates)
	readable = frappe.get_list(
		constants.CANDIDATE, filters={"name": ["in", names]}, pluck="name", limit_page_length=0
	)
	return audience.enroll(campaign, readable)


@frappe.whitelist(methods=["POST"])
def change_enrollments(enrollments: list[str] | str, action: str) -> None:
	"""Pause, resume or remove enrolments."""
	names = names_param(enrollments)
	for name in names:
		frappe.get_doc(constants.ENROLLMENT, name).check_permission("write")
	if action == "pause":
		audience.pause_enrollments(names, _("Paused by {0}").format(frappe.session.user))
	elif action == "resume":
		audience.resume_enrollments(names)
	elif action == "remove":
		audience.remove(names)
	else:
		frappe.throw(_("Unknown action {0}").format(action))


@frappe.whitelist()
def dry_run(campaign: str, sample_size: int = 5) -> dict:
	"""Who would enter, their rendered emails and a day-by-day send forecast."""
	_campaign(campaign, "read")
	return reports.dry_run(campaign, sample_size=min(max(sample_size, 1), 25))


@frappe.whitelist()
def stats(campaign: str) -> dict:
	_campaign(campaign, "read")
	return reports.refresh_counters(campaign)


@frappe.whitelist(methods=["POST"])
def resolve_message(message: str, outcome: str) -> None:
	"""Decide the fate of a message left Unknown by a crash: Sent, Retry or Cancel."""
	if not holds_any(frappe.get_roles(), MANAGER_ROLES):
		frappe.throw(_("Only an HR Manager resolves messages of unknown fate."), frappe.PermissionError)
	operator.resolve_unknown(message, outcome)


@frappe.whitelist()
def campaigns_for_enrolment() -> list[dict]:
	"""Campaigns a person can be added to from a list view."""
	return frappe.get_list(
		constants.CAMPAIGN,
		filters={"status": ["in", ["Draft", "Active", "Paused"]]},
		fields=["name", "campaign_name", "status"],
		order_by="modified desc",
	)
