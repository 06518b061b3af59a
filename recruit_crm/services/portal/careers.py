"""The public career site: open jobs, branding, structured data, attribution.

Pages built from these functions are served from Frappe's page cache; only requests with
filter parameters are rendered per request (see `disable_cache_for_filtered_lists`).
"""

import math

import frappe
from frappe import _
from frappe.query_builder.functions import Count
from frappe.utils import cint, fmt_money, get_url, strip_html_tags
from frappe.utils.html_utils import sanitize_html
from frappe.website.utils import clear_cache

from recruit_crm.domain.careers import job_posting, share_links
from recruit_crm.domain.content import embed_url

PAGE_SIZE = 12
FILTER_KEYS = ("department", "location", "employment_type", "remote", "q", "page")
CAREERS_PREFIX = "careers"


def settings() -> frappe._dict:
	"""Career-site branding and texts, with defaults when nothing is configured."""
	doc = frappe.get_cached_doc("RC Settings")
	return frappe._dict(
		company=doc.get("careers_company"),
		logo=doc.get("brand_logo") or frappe.db.get_single_value("Website Settings", "app_logo"),
		primary=_color(doc.get("brand_primary_color"), "#1f4fbf"),
		accent=_color(doc.get("brand_accent_color"), "#0b7a4b"),
		hero_title=doc.get("careers_hero_title") or _("Do the best work of your career with us"),
		hero_subtitle=doc.get("careers_hero_subtitle") or "",
		hero_image=doc.get("careers_hero_image"),
		evp=doc.get("employer_value_proposition") or "",
		evp_html=sanitize_html(doc.get("employer_value_proposition") or ""),
		featured=[row.content for row in doc.get("featured_content") or []],
		max_resume_mb=cint(doc.get("max_resume_mb")) or 5,
		interests=[i.strip() for i in (doc.get("community_interests") or "").splitlines() if i.strip()],
	)


def _color(value: str | None, default: str) -> str:
	value = (value or "").strip()
	if (
		len(value) in (4, 7)
		and value.startswith("#")
		and all(c in "0123456789abcdefABCDEF" for c in value[1:])
	):
		return value
	return default


def clean_filters(form: dict) -> dict:
	"""Only known filters with plain string values; page is a positive integer."""
	out = {}
	for key in FILTER_KEYS:
		value = form.get(key)
		if isinstance(value, str) and value.strip():
			out[key] = value.strip()[:140]
	out["page"] = max(1, min(cint(out.get("page") or 1), 1000))
	return out


def _open_openings(company: str | None):
	jo = frappe.qb.DocType("Job Opening")
	query = frappe.qb.from_(jo).where((jo.status == "Open") & (jo.publish == 1))
	if company:
		query = query.where(jo.company == company)
	return jo, query


def list_openings(filters: dict) -> frappe._dict:
	"""One page of open, published openings matching the filters, with the filter choices."""
	conf = settings()
	jo, base = _open_openings(conf.company)
	query = base
	for key in ("department", "location", "employment_type"):
		if filters.get(key):
			query = query.where(jo[key] == filters[key])
	if filters.get("remote") in ("1", "yes", "true"):
		query = query.where(jo.rc_is_remote == 1)
	if filters.get("q"):
		pattern = f"%{filters['q']}%"
		query = query.where(
			jo.job_title.like(pattern) | jo.designation.like(pattern) | jo.department.like(pattern)
		)
	total = query.select(Count(jo.name)).run()[0][0]
	page = filters.get("page", 1)
	rows = (
		query.select(
			jo.name,
			jo.job_title,
			jo.route,
			jo.company,
			jo.department,
			jo.location,
			jo.employment_type,
			jo.rc_is_remote,
			jo.designation,
			jo.posted_on,
			jo.closes_on,
			jo.publish_salary_range,
			jo.lower_range,
			jo.upper_range,
			jo.currency,
			jo.salary_per,
		)
		.orderby(jo.posted_on, order=frappe.qb.desc)
		.limit(PAGE_SIZE)
		.offset((page - 1) * PAGE_SIZE)
		.run(as_dict=True)
	)
	departments = _department_names({row.department for row in rows if row.department})
	for row in rows:
		row.url = job_path(row.route)
		row.department_name = departments.get(row.department, row.department)
		row.facts = job_facts(row)
	return frappe._dict(
		jobs=rows,
		total=total,
		page=page,
		pages=max(1, math.ceil(total / PAGE_SIZE)),
		facets=_facets(base, jo),
	)


def salary_text(opening) -> str | None:
	"""The published salary range in the opening's currency ("€3,000 - €4,000 / Month"), or None."""
	if not (opening.get("publish_salary_range") and opening.get("currency")):
		return None
	low, high = opening.get("lower_range"), opening.get("upper_range")
	if not (low or high):
		return None
	amounts = " - ".join(fmt_money(v, currency=opening.currency) for v in (low, high) if v)
	return f"{amounts} / {_(opening.get('salary_per') or 'Year')}"


def job_facts(opening) -> list[str]:
	"""What a job card says besides its title, in HRMS's own fields; nothing that is unknown."""
	facts = [opening.get(f) for f in ("department_name", "location", "employment_type")]
	return [f for f in (*facts, salary_text(opening)) if f]


def _department_names(departments: set[str]) -> dict[str, str]:
	"""ERPNext names departments "Engineering - ACME"; people read "Engineering"."""
	if not departments:
		return {}
	return dict(
		frappe.get_all(
			"Department",
			filters={"name": ("in", sorted(departments))},
			fields=["name", "department_name"],
			as_list=True,
		)
	)


def _facets(base, jo) -> dict:
	facets = {}
	for key in ("department", "location", "employment_type"):
		facets[key] = [
			v
			for v in base.select(jo[key])
			.distinct()
			.where(jo[key].isnotnull())
			.orderby(jo[key])
			.run(pluck=True)
			if v
		]
	return facets


def job_path(route: str | None) -> str:
	"""The career-site address of a Job Opening, from its HRMS route (jobs/<company>/<title>)."""
	route = (route or "").strip("/")
	if route.startswith("jobs/"):
		route = route[len("jobs/") :]
	return f"/{CAREERS_PREFIX}/{route}"


def opening_for_path(company: str, job: str):
	"""The open, published Job Opening at /careers/<company>/<job>, or None."""
	if not company or not job or "/" in company or "/" in job:
		return None
	name = frappe.db.get_value(
		"Job Opening", {"route": f"jobs/{company}/{job}", "status": "Open", "publish": 1}, "name"
	)
	return frappe.get_doc("Job Opening", name) if name else None


def job_context(opening) -> frappe._dict:
	"""Everything the job page shows: the opening, structured data, share links, related stories."""
	conf = settings()
	url = get_url(job_path(opening.route))
	logo = get_url(conf.logo) if conf.logo else None
	salary = None
	if opening.publish_salary_range and opening.lower_range and opening.upper_range and opening.currency:
		salary = (opening.lower_range, opening.upper_range, opening.currency, opening.salary_per or "Year")
	country = frappe.db.get_value("Company", opening.company, "country")
	country_code = frappe.db.get_value("Country", country, "code") if country else None
	posting = job_posting(
		title=opening.job_title,
		description_html=opening.description or "",
		url=url,
		posted_on=opening.posted_on,
		company=opening.company,
		company_url=get_url("/careers"),
		logo_url=logo,
		closes_on=opening.closes_on,
		employment_type=opening.employment_type,
		location=opening.location,
		country_code=country_code,
		is_remote=bool(opening.get("rc_is_remote")),
		salary=salary,
	)
	summary = strip_html_tags(opening.description or "")[:200].strip() or opening.job_title
	opening.department_name = _department_names({opening.department} - {None}).get(opening.department)
	return frappe._dict(
		url=url,
		facts=job_facts(opening),
		job_posting=posting,
		share=share_links(url, f"{opening.job_title} at {opening.company}"),
		metatags={
			"title": f"{opening.job_title} · {opening.company}",
			"description": summary,
			"image": conf.hero_image or conf.logo,
			"og:type": "website",
			"og:url": url,
		},
		stories=content_for(designation=opening.designation, limit=3),
	)


def content_for(designation: str | None = None, names: list[str] | None = None, limit: int = 6) -> list:
	"""Published stories and videos, featured ones or those about a designation first."""
	content = frappe.qb.DocType("RC Content")
	query = (
		frappe.qb.from_(content)
		.select(
			content.name,
			content.title,
			content.content_type,
			content.route,
			content.video_url,
			content.image,
			content.summary,
			content.author_name,
			content.author_title,
		)
		.where(content.is_published == 1)
		.orderby(content.modified, order=frappe.qb.desc)
		.limit(limit)
	)
	if names is not None:
		if not names:
			return []
		query = query.where(content.name.isin(names))
	elif designation:
		query = query.where((content.designation == designation) | content.designation.isnull())
	rows = query.run(as_dict=True)
	for row in rows:
		row.embed = embed_url(row.video_url)
	return rows


def disable_cache_for_filtered_lists() -> None:
	"""Filtered career lists are rendered per request, never cached.

	Frappe's page cache is keyed by path only, so a filtered request would otherwise get the
	unfiltered page.
	"""
	request = getattr(frappe.local, "request", None)
	if not request:
		return
	if request.path.startswith(f"/{CAREERS_PREFIX}") and any(key in request.args for key in FILTER_KEYS):
		frappe.local.no_cache = 1


def clear_careers_cache() -> None:
	"""Openings, content or settings changed: cached career pages are stale."""
	clear_cache()


# HRMS job URLs (jobs and jobs/<company>/<title>) map one-to-one onto career-site URLs.
HRMS_JOBS_REDIRECTS = (("jobs", "/careers"), ("jobs/(.*)", "/careers/\\1"))


def sync_hrms_jobs_redirects(enabled: bool) -> None:
	"""Add or remove Website Settings redirects from HRMS's job pages to the career site."""
	settings = frappe.get_single("Website Settings")
	ours = {source for source, _target in HRMS_JOBS_REDIRECTS}
	before = [(r.source, r.target) for r in settings.route_redirects]
	others = [r.as_dict() for r in settings.route_redirects if r.source not in ours]
	settings.set("route_redirects", [])
	for row in others:
		settings.append("route_redirects", {k: row[k] for k in ("source", "target", "redirect_http_status")})
	if enabled:
		for source, target in HRMS_JOBS_REDIRECTS:
			settings.append(
				"route_redirects", {"source": source, "target": target, "redirect_http_status": "301"}
			)
	if [(r.source, r.target) for r in settings.route_redirects] == before:
		return
	settings.flags.ignore_permissions = True
	settings.save(ignore_permissions=True)
	frappe.cache.delete_value("website_redirects")


def protect_portal_posts() -> None:
	"""Give a signed-in website user's session its CSRF token.

	Frappe makes a session's CSRF token only when the desk opens, and checks none without one, so
	a website user who never opened the desk would have every portal POST unprotected."""
	if frappe.session.user != "Guest":
		frappe.sessions.get_csrf_token()
