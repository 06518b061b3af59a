"""Desk endpoints for the career site: tracked share links for jobs and pages."""

import frappe
from frappe import _

from recruit_crm.domain.careers import share_links as build_share_links
from recruit_crm.services.portal import careers, tokens


@frappe.whitelist()
def share_links(job_opening: str, employee: str | None = None, campaign: str | None = None) -> dict:
	"""Per-channel share links for a published job; with an employee, links credit that referrer.

	Without `employee`, the current user's own Employee record (if any) is used for the
	personal referral links, so any employee with desk access gets their own.
	"""
	opening = frappe.get_doc("Job Opening", job_opening)
	opening.check_permission("read")
	if not opening.publish or opening.status != "Open":
		frappe.throw(_("Only open, published jobs can be shared."))
	if employee:
		frappe.has_permission("Employee", "read", doc=employee, throw=True)
	else:
		employee = frappe.db.get_value(
			"Employee", {"user_id": frappe.session.user, "status": "Active"}, "name"
		)
	url = frappe.utils.get_url(careers.job_path(opening.route))
	title = f"{opening.job_title} · {opening.company}"
	out = {"url": url, "channels": build_share_links(url, title, campaign=campaign)}
	if employee:
		ref = tokens.make_token(employee, tokens.REFERRAL, ttl_days=5 * 365)
		out["employee"] = employee
		out["referral"] = build_share_links(url, title, campaign=campaign, referrer=ref)
	return out
