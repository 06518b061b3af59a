"""Jinja helpers for the career-page blocks recruiters compose in the Web Page builder."""

from urllib.parse import urlencode

import frappe
from frappe.utils import cint

from recruit_crm.domain.content import embed_url
from recruit_crm.services.portal import careers


def rc_jobs_for_block(
	department=None,
	location=None,
	employment_type=None,
	designation=None,
	remote_only=0,
	limit=6,
	campaign=None,
) -> list:
	"""Open, published jobs matching a block's preset filters, with links carrying its campaign."""
	jo, query = careers._open_openings(careers.settings().company)
	for field, value in (
		("department", department),
		("location", location),
		("employment_type", employment_type),
		("designation", designation),
	):
		if value:
			query = query.where(jo[field] == value)
	if cint(remote_only):
		query = query.where(jo.rc_is_remote == 1)
	rows = (
		query.select(jo.name, jo.job_title, jo.route, jo.department, jo.location, jo.rc_is_remote)
		.orderby(jo.posted_on, order=frappe.qb.desc)
		.limit(max(1, min(cint(limit) or 6, 50)))
		.run(as_dict=True)
	)
	suffix = f"?{urlencode({'utm_campaign': campaign, 'utm_source': 'career-page'})}" if campaign else ""
	for row in rows:
		row.url = careers.job_path(row.route) + suffix
	return rows


def rc_stories_for_block(content_type="Testimonial", designation=None, limit=3) -> list:
	rows = careers.content_for(designation=designation, limit=max(1, min(cint(limit) or 3, 12)) * 4)
	if content_type and content_type != "Any":
		rows = [r for r in rows if r.content_type == content_type]
	return rows[: max(1, min(cint(limit) or 3, 12))]


def rc_embed_url(url) -> str | None:
	return embed_url(url)


def rc_safe_color(value, default: str) -> str:
	return careers._color(value, default)
