"""Desk endpoints for nurture campaigns: authoring (rule preview, merge fields, test sends), launch,
pause, enrol, one-off emails, dry run, results, operator actions."""

import frappe
from frappe import _

from recruit_crm.api._params import names as names_param
from recruit_crm.domain.roles import CAMPAIGN_ROLES, HR_ROLES, MANAGER_ROLES, holds_any
from recruit_crm.services.nurture import (
	audience,
	constants,
	lifecycle,
	one_off,
	operator,
	readiness,
	rendering,
	reports,
)


def _campaign(name: str, ptype: str = "read"):
	doc = frappe.get_doc(constants.CAMPAIGN, name)
	doc.check_permission(ptype)
	return doc


def _require_hr() -> None:
	if not holds_any(frappe.get_roles(), CAMPAIGN_ROLES):
		frappe.throw(_("Only HR users manage campaigns."), frappe.PermissionError)


def _my_email() -> str:
	return frappe.db.get_value("User", frappe.session.user, "email") or frappe.session.user


def _readable_candidates(candidates: list[str] | str) -> list[str]:
	names = names_param(candidates)
	return frappe.get_list(
		constants.CANDIDATE, filters={"name": ["in", names or [""]]}, pluck="name", limit_page_length=0
	)


@frappe.whitelist(methods=["POST"])
def launch(campaign: str) -> dict:
	"""Activate the campaign and enrol its audience now (its Email Account must be ready to send)."""
	_require_hr()
	doc = _campaign(campaign, "write")
	readiness.require_ready(doc.email_account)
	return lifecycle.launch(campaign)


@frappe.whitelist(methods=["POST"])
def pause(campaign: str) -> None:
	_require_hr()
	_campaign(campaign, "write")
	lifecycle.pause(campaign)


@frappe.whitelist(methods=["POST"])
def resume(campaign: str) -> None:
	"""Carry on sending (its Email Account must be ready to send)."""
	_require_hr()
	doc = _campaign(campaign, "write")
	readiness.require_ready(doc.email_account)
	lifecycle.resume(campaign)


@frappe.whitelist(methods=["POST"])
def send_test(campaign: str) -> dict:
	"""Send each email step, rendered for a sample person of the audience, to the current user."""
	_require_hr()
	_campaign(campaign, "write")
	return readiness.send_campaign_test(campaign, _my_email())


@frappe.whitelist(methods=["POST"])
@frappe.read_only()
def audience_preview(rules: dict | str) -> dict:
	"""How many people the (unsaved) audience rules match, how many may be emailed, and the rules in
	words; or the rule error."""
	if not frappe.has_permission(constants.CANDIDATE, "read"):
		frappe.throw(_("Not permitted to read candidates."), frappe.PermissionError)
	parsed = frappe.parse_json(rules) if isinstance(rules, str) else rules
	if not isinstance(parsed, dict) or "conditions" not in parsed:
		frappe.throw(_("Expected rules from the rule editor."))
	return audience.rules_preview(parsed)


@frappe.whitelist()
def merge_fields(
	step_type: str = "Send Email",
	job_opening: str | None = None,
	content: str | None = None,
	campaign_name: str | None = None,
) -> list[dict]:
	"""The merge fields an email step's templates can use, each with an example value."""
	if not holds_any(frappe.get_roles(), HR_ROLES):
		frappe.throw(_("Only HR users author campaign email."), frappe.PermissionError)
	step = {"step_type": step_type, "job_opening": job_opening, "content": content}
	return rendering.merge_fields(step, campaign_name)


@frappe.whitelist(methods=["POST"])
def preview_one_off(
	candidates: list[str] | str,
	email_account: str | None = None,
	email_template: str | None = None,
	subject: str | None = None,
	body: str | None = None,
) -> dict:
	"""Who of the selected people would receive a one-off email (and who not, why), and the email."""
	_require_one_off_author(email_template)
	return one_off.preview(_readable_candidates(candidates), email_account, email_template, subject, body)


@frappe.whitelist(methods=["POST"])
def send_one_off(
	candidates: list[str] | str,
	email_account: str,
	email_template: str | None = None,
	subject: str | None = None,
	body: str | None = None,
) -> dict:
	"""Send one email to the selected people, through the campaign ledger and its send rules."""
	_require_one_off_author(email_template)
	return one_off.send(
		_readable_candidates(candidates), email_account, email_template, subject, body, frappe.session.user
	)


def _require_one_off_author(email_template: str | None) -> None:
	_require_hr()
	if not frappe.has_permission(constants.CAMPAIGN, "create"):
		frappe.throw(_("Not permitted to send campaign email."), frappe.PermissionError)
	if email_template and not frappe.has_permission("Email Template", "read", email_template):
		frappe.throw(_("Not permitted to use this Email Template."), frappe.PermissionError)


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
@frappe.read_only()
def dry_run(campaign: str, sample_size: int = 5) -> dict:
	"""Who would enter, their rendered emails and a day-by-day send forecast."""
	_campaign(campaign, "read")
	return reports.dry_run(campaign, sample_size=min(max(sample_size, 1), 25))


@frappe.whitelist()
@frappe.read_only()
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
@frappe.read_only()
def campaigns_for_enrolment() -> list[dict]:
	"""Campaigns a person can be added to from a list view."""
	return frappe.get_list(
		constants.CAMPAIGN,
		filters={"status": ["in", ["Draft", "Active", "Paused"]]},
		fields=["name", "campaign_name", "status"],
		order_by="modified desc",
	)
