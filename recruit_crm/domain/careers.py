"""Career-site rules: job posting structured data, share links and visit attribution."""

from __future__ import annotations

import re
from datetime import date, datetime
from urllib.parse import quote, urlencode

# Employment Type names (ERPNext defaults) -> schema.org employmentType
_EMPLOYMENT_TYPES = {
	"full-time": "FULL_TIME",
	"part-time": "PART_TIME",
	"contract": "CONTRACTOR",
	"contractor": "CONTRACTOR",
	"intern": "INTERN",
	"internship": "INTERN",
	"apprentice": "INTERN",
	"probation": "FULL_TIME",
	"commission": "OTHER",
	"piecework": "OTHER",
	"temporary": "TEMPORARY",
	"volunteer": "VOLUNTEER",
}

SHARE_CHANNELS = ("linkedin", "x", "facebook", "whatsapp", "email")

# Channels the career site credits by name: its own share links, the "direct" link, and sources
# recruiters commonly tag. Anything else a visitor typed into a query string is "other".
CHANNEL_LABELS = {
	"linkedin": "LinkedIn",
	"x": "X (Twitter)",
	"twitter": "X (Twitter)",
	"facebook": "Facebook",
	"whatsapp": "WhatsApp",
	"email": "Email",
	"direct": "Direct link",
	"indeed": "Indeed",
	"glassdoor": "Glassdoor",
	"google": "Google",
	"newsletter": "Newsletter",
	"referral": "Referral",
	"event": "Event",
	"job-board": "Job board",
}
NO_CHANNEL = "(none)"
OTHER_CHANNEL = "other"


def channel_of(utm_source: str | None, extra_channels: frozenset[str] = frozenset()) -> str:
	"""The channel a visit or application is credited to: a known channel's label, the site's own
	`extra_channels` as written, "(none)" without a source, and "other" for anything else."""
	source = (utm_source or "").strip().lower()
	if not source:
		return NO_CHANNEL
	if source in CHANNEL_LABELS:
		return CHANNEL_LABELS[source]
	if source in extra_channels:
		return source
	return OTHER_CHANNEL


ATTRIBUTION_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term", "ref")
_SAFE_VALUE = re.compile(r"^[\w.\-+ ]{1,80}$", re.UNICODE)
_SAFE_REF = re.compile(r"^[A-Za-z0-9_\-.]{1,300}$")  # a signed referral token


def schema_employment_type(name: str | None) -> str | None:
	if not name:
		return None
	return _EMPLOYMENT_TYPES.get(name.strip().lower(), "OTHER")


def _iso(value: object) -> str | None:
	if isinstance(value, datetime):
		return value.replace(microsecond=0).isoformat()
	if isinstance(value, date):
		return value.isoformat()
	return str(value) if value else None


def job_posting(
	*,
	title: str,
	description_html: str,
	url: str,
	posted_on: date | datetime | str | None,
	company: str,
	company_url: str,
	logo_url: str | None = None,
	closes_on: date | datetime | str | None = None,
	employment_type: str | None = None,
	location: str | None = None,
	country_code: str | None = None,
	is_remote: bool = False,
	salary: tuple[float, float, str, str] | None = None,
) -> dict:
	"""schema.org JobPosting for search engines (Google for Jobs reads it)."""
	data: dict = {
		"@context": "https://schema.org/",
		"@type": "JobPosting",
		"title": title,
		"description": description_html or title,
		"datePosted": _iso(posted_on),
		"url": url,
		"directApply": True,
		"hiringOrganization": {"@type": "Organization", "name": company, "sameAs": company_url},
	}
	if logo_url:
		data["hiringOrganization"]["logo"] = logo_url
	if closes_on:
		data["validThrough"] = _iso(closes_on)
	if employment_type:
		data["employmentType"] = schema_employment_type(employment_type)
	if is_remote:
		data["jobLocationType"] = "TELECOMMUTE"
		if country_code:
			data["applicantLocationRequirements"] = {"@type": "Country", "name": country_code.upper()}
	# Only what is known: a place's town when the opening names one, else just its country.
	address = {"@type": "PostalAddress"}
	if location:
		address["addressLocality"] = location
	if country_code:
		address["addressCountry"] = country_code.upper()
	if location or (country_code and not is_remote):
		data["jobLocation"] = {"@type": "Place", "address": address}
	if salary:
		low, high, currency, per = salary
		data["baseSalary"] = {
			"@type": "MonetaryAmount",
			"currency": currency,
			"value": {
				"@type": "QuantitativeValue",
				"minValue": low,
				"maxValue": high,
				"unitText": "MONTH" if per == "Month" else "YEAR",
			},
		}
	return data


def share_links(
	page_url: str, title: str, *, campaign: str | None = None, referrer: str | None = None
) -> dict[str, str]:
	"""One tracked link per channel: each visit and application is credited to its channel (and sharer)."""
	links = {}
	for channel in SHARE_CHANNELS:
		params = {"utm_source": channel, "utm_medium": "referral" if referrer else "social"}
		if campaign:
			params["utm_campaign"] = campaign
		if referrer:
			params["ref"] = referrer
		tracked = f"{page_url}?{urlencode(params)}"
		target = quote(tracked, safe="")
		text = quote(title, safe="")
		links[channel] = {
			"linkedin": f"https://www.linkedin.com/sharing/share-offsite/?url={target}",
			"x": f"https://twitter.com/intent/tweet?url={target}&text={text}",
			"facebook": f"https://www.facebook.com/sharer/sharer.php?u={target}",
			"whatsapp": f"https://wa.me/?text={text}%20{target}",
			"email": f"mailto:?subject={text}&body={target}",
		}[channel]
	links["direct"] = (
		f"{page_url}?{urlencode({'utm_source': 'direct', 'utm_medium': 'referral' if referrer else 'link', **({'ref': referrer} if referrer else {})})}"
	)
	return links


def clean_attribution(params: dict) -> dict[str, str]:
	"""Only known attribution keys with short, plain values survive (everything else is dropped)."""
	out = {}
	for key in ATTRIBUTION_KEYS:
		value = params.get(key)
		if isinstance(value, str):
			value = value.strip()
			if value and (_SAFE_REF if key == "ref" else _SAFE_VALUE).match(value):
				out[key] = value
	return out
