"""Desk endpoints for nurture campaigns: launch, pause, enrol, dry run, results, operator actions."""

import frappe
from frappe import _

from recruit_crm.services import nurture, nurture_reports

HR_ROLES = ("HR Manager", "HR User", "System Manager")


def _campaign(name: str, ptype: str = "read"):
	doc = frappe.get_doc(nurture.CAMPAIGN, name)
	doc.check_permission(ptype)
	return doc


def _require_hr() -> None:
	if not set(HR_ROLES) & set(frappe.get_roles()):
		frappe.throw(_("Only HR users manage campaigns."), frappe.PermissionError)


def _names(value: list[str] | str) -> list[str]:
	names = frappe.parse_json(value) if isinstance(value, str) else value
	if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
		frappe.throw(_("Expected a list of names."))
	return names


@frappe.whitelist(methods=["POST"])
def launch(campaign: str) -> dict:
	"""Activate the campaign and enrol its audience now."""
	_require_hr()
	_campaign(campaign, "write")
	return nurture.launch(campaign)


@frappe.whitelist(methods=["POST"])
def pause(campaign: str) -> None:
	_require_hr()
	_campaign(campaign, "write")
	nurture.pause(campaign)


@frappe.whitelist(methods=["POST"])
def resume(campaign: str) -> None:
	_require_hr()
	_campaign(campaign, "write")
	nurture.resume(campaign)


@frappe.whitelist(methods=["POST"])
def complete(campaign: str) -> None:
	_require_hr()
	_campaign(campaign, "write")
	nurture.complete(campaign)


@frappe.whitelist(methods=["POST"])
def enroll(campaign: str, candidates: list[str] | str) -> dict:
	"""Enrol selected candidates (list view action). People who may not be emailed are skipped."""
	_campaign(campaign, "read")
	if not frappe.has_permission(nurture.ENROLLMENT, "create"):
		frappe.throw(_("Not permitted to enrol candidates."), frappe.PermissionError)
	names = _names(candidates)
	readable = frappe.get_list(
		nurture.CANDIDATE, filters={"name": ["in", names]}, pluck="name", limit_page_length=0
	)
	return nurture.enroll(campaign, readable)


@frappe.whitelist(methods=["POST"])
def change_enrollments(enrollments: list[str] | str, action: str) -> None:
	"""Pause, resume or remove enrolments."""
	names = _names(enrollments)
	for name in names:
		frappe.get_doc(nurture.ENROLLMENT, name).check_permission("write")
	if action == "pause":
		nurture.pause_enrollments(names, _("Paused by {0}").format(frappe.session.user))
	elif action == "resume":
		nurture.resume_enrollments(names)
	elif action == "remove":
		nurture.remove(names)
	else:
		frappe.throw(_("Unknown action {0}").format(action))


@frappe.whitelist()
def dry_run(campaign: str, sample_size: int = 5) -> dict:
	"""Who would enter, their rendered emails and a day-by-day send forecast."""
	_campaign(campaign, "read")
	return nurture_reports.dry_run(campaign, sample_size=min(max(sample_size, 1), 25))


@frappe.whitelist()
def stats(campaign: str) -> dict:
	_campaign(campaign, "read")
	return nurture_reports.refresh_counters(campaign)


@frappe.whitelist(methods=["POST"])
def resolve_message(message: str, outcome: str) -> None:
	"""Decide the fate of a message left Unknown by a crash: Sent, Retry or Cancel."""
	if "HR Manager" not in frappe.get_roles() and "System Manager" not in frappe.get_roles():
		frappe.throw(_("Only an HR Manager resolves messages of unknown fate."), frappe.PermissionError)
	nurture.resolve_unknown(message, outcome)


@frappe.whitelist()
def campaigns_for_enrolment() -> list[dict]:
	"""Campaigns a person can be added to from a list view."""
	return frappe.get_list(
		nurture.CAMPAIGN,
		filters={"status": ["in", ["Draft", "Active", "Paused"]]},
		fields=["name", "campaign_name", "status"],
		order_by="modified desc",
	)
