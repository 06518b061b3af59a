"""Desk endpoints for the candidate timeline, logged activities and the engagement breakdown."""

import frappe

from recruit_crm.services.engagement import scoring, touchpoints

CANDIDATE = "RC Candidate"


def _readable(candidate: str) -> None:
	if not frappe.db.exists(CANDIDATE, candidate):
		frappe.throw(frappe._("Candidate {0} does not exist.").format(candidate), frappe.DoesNotExistError)
	frappe.has_permission(CANDIDATE, "read", doc=candidate, throw=True)
	frappe.has_permission("RC Touchpoint", "read", throw=True)


@frappe.whitelist()
def timeline(candidate: str, limit: int = 100, before: str | None = None) -> list[dict]:
	"""All of the candidate's touchpoints across their applications, newest first."""
	_readable(candidate)
	return touchpoints.timeline(candidate, limit=min(max(int(limit), 1), 500), before=before)


@frappe.whitelist()
def engagement(candidate: str) -> dict:
	"""Today's score, which touchpoints contribute how much, the readiness stage and its reason."""
	_readable(candidate)
	return scoring.explain(candidate)


@frappe.whitelist(methods=["POST"])
def log_activity(
	candidate: str,
	touchpoint_type: str,
	summary: str | None = None,
	occurred_at: str | None = None,
	direction: str | None = None,
	job_opening: str | None = None,
) -> dict:
	"""Log a call, meeting, message, event or note with the candidate."""
	_readable(candidate)
	frappe.has_permission("RC Touchpoint", "create", throw=True)
	touchpoints.log_activity(
		candidate,
		touchpoint_type,
		summary=summary,
		occurred_at=occurred_at,
		direction=direction,
		job_opening=job_opening,
	)
	return scoring.explain(candidate)
