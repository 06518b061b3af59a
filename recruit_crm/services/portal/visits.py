"""Anonymous career-site visits from tracked links, and views of published stories and videos."""

import frappe
from frappe.utils import now_datetime

from recruit_crm.domain import web_input
from recruit_crm.domain.careers import clean_attribution
from recruit_crm.services.engagement import touchpoints
from recruit_crm.services.portal import careers
from recruit_crm.services.portal.applications import referrer_employee
from recruit_crm.services.portal.preferences import candidate_from_unsubscribe_token


def track_visit(form: dict) -> None:
	"""Count an anonymous visit from a tracked link against its channel, campaign and sharer."""
	attribution = clean_attribution(form)
	if not attribution.get("utm_source") and not attribution.get("ref"):
		return
	landing = web_input.site_path(form.get("landing"), max_length=140) or ""
	landing = landing if landing == "/careers" or landing.startswith("/careers/") else ""
	opening = None
	parts = landing.strip("/").split("/")
	if len(parts) == 3:
		found = careers.opening_for_path(parts[1], parts[2])
		opening = found.name if found else None
	frappe.get_doc(
		{
			"doctype": "RC Career Visit",
			"visited_at": now_datetime(),
			"landing": landing,
			"utm_source": attribution.get("utm_source"),
			"utm_medium": attribution.get("utm_medium"),
			"utm_campaign": attribution.get("utm_campaign"),
			"referrer_employee": referrer_employee(attribution.get("ref")),
			"job_opening": opening,
		}
	).insert(ignore_permissions=True)


def content_viewed(content: str, token: str | None) -> None:
	"""Count a view; when the visitor came from their own email link, it is their touchpoint too."""
	if not isinstance(content, str) or not frappe.db.exists(
		"RC Content", {"name": content, "is_published": 1}
	):
		return
	frappe.db.sql("update `tabRC Content` set view_count = view_count + 1 where name = %s", content)
	candidate = candidate_from_unsubscribe_token(token) if token else None
	if candidate:
		touchpoints.record(
			candidate, "Content Viewed", channel="Web", reference_doctype="RC Content", reference_name=content
		)
