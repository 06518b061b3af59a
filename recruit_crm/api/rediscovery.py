"""Find candidates for a Job Opening, and act on the results."""

import frappe
from frappe import _

from recruit_crm.api._params import names as names_param
from recruit_crm.services.pools import rediscovery


def _check(job_opening: str) -> None:
	if not frappe.has_permission("RC Candidate", "read"):
		frappe.throw(_("Not permitted to read candidates."), frappe.PermissionError)
	frappe.get_doc("Job Opening", job_opening).check_permission("read")


@frappe.whitelist()
@frappe.read_only()
def find_candidates(
	job_opening: str,
	limit: int = 50,
	min_experience_years: float | None = None,
	max_experience_years: float | None = None,
	include_applied: bool = False,
) -> dict:
	"""Pool members and past applicants ranked against the opening, best first, each with its reasons.

	Returns {"job_opening", "designation", "required_skills", "considered", "results": [{"candidate",
	"full_name", "score", "explanation": {"skills_matched", "skills_missing", "experience_fit", ...},
	"pools", "can_email", ...}]}.
	"""
	_check(job_opening)
	result = rediscovery.find_candidates(
		job_opening,
		limit=limit,
		min_experience_years=min_experience_years,
		max_experience_years=max_experience_years,
		include_applied=bool(include_applied),
	)
	result["can_enroll_in_campaign"] = rediscovery.campaign_enrolment_available()
	return result


@frappe.whitelist(methods=["POST"])
def invite_to_apply(job_opening: str, candidates: list | str) -> dict:
	"""Email the chosen people the opening's apply link (only those we may email)."""
	_check(job_opening)
	if not frappe.has_permission("RC Candidate", "email"):
		frappe.throw(_("Not permitted to email candidates."), frappe.PermissionError)
	names = names_param(candidates)
	if len(names) > 500:
		frappe.throw(_("Invite at most 500 people at a time."))
	return rediscovery.invite_to_apply(job_opening, names)


@frappe.whitelist(methods=["POST"])
def enroll_in_campaign(job_opening: str, candidates: list | str, campaign: str) -> dict:
	"""Enrol the chosen people in a nurture campaign; those who may not be emailed are skipped."""
	_check(job_opening)
	frappe.get_doc("RC Nurture Campaign", campaign).check_permission("write")
	return rediscovery.enroll_in_campaign(names_param(candidates), campaign, job_opening)
