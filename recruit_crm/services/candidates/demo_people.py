"""The demo's people: profiles that fit their country and trade, imported through the bulk importer,
then given their CRM stage, contact flags and applications set-based.

Addresses are on example.com / .org / .net (reserved for documentation, RFC 2606): nothing a demo
site holds can ever reach a real mailbox.
"""

import random
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from itertools import accumulate

from faker import Faker

import frappe

from recruit_crm.domain.demo_history import (
	APPLICANT,
	COMMUNITY,
	DECLINED,
	ENGAGED,
	SOURCED,
	History,
	Openings,
)
from recruit_crm.services._sql import bulk_update_by_name, multi_row_insert
from recruit_crm.services.candidates.bulk_import import import_candidates
from recruit_crm.services.candidates.demo_masters import DESIGNATION_SKILLS, SKILLS

CANDIDATE = "RC Candidate"
DOMAINS = ("example.com", "example.org", "example.net")

# country: (share, Faker locale, time zone, cities, phone format)
COUNTRIES = {
	"India": (0.22, "en_IN", "Asia/Kolkata", ("Bengaluru", "Mumbai", "Pune", "Hyderabad", "Chennai", "Delhi"), "+91 9#### #####"),
	"United States": (0.2, "en_US", "America/New_York", ("New York", "Austin", "Chicago", "Seattle", "Boston", "Denver"), "+1 (###) ###-####"),
	"United Kingdom": (0.12, "en_GB", "Europe/London", ("London", "Manchester", "Edinburgh", "Bristol", "Leeds"), "+44 7### ######"),
	"Germany": (0.1, "de_DE", "Europe/Berlin", ("Berlin", "Munich", "Hamburg", "Cologne", "Frankfurt"), "+49 15# ########"),
	"Canada": (0.08, "en_CA", "America/Toronto", ("Toronto", "Vancouver", "Montréal", "Ottawa", "Calgary"), "+1 (###) ###-####"),
	"Brazil": (0.08, "pt_BR", "America/Sao_Paulo", ("São Paulo", "Rio de Janeiro", "Belo Horizonte", "Curitiba"), "+55 11 9####-####"),
	"Kenya": (0.07, "en_KE", "Africa/Nairobi", ("Nairobi", "Mombasa", "Kisumu", "Nakuru"), "+254 7## ######"),
	"Singapore": (0.05, "en_US", "Asia/Singapore", ("Singapore",), "+65 9### ####"),
	"France": (0.04, "fr_FR", "Europe/Paris", ("Paris", "Lyon", "Toulouse", "Nantes", "Lille"), "+33 6 ## ## ## ##"),
	"Australia": (0.04, "en_AU", "Australia/Sydney", ("Sydney", "Melbourne", "Brisbane", "Perth"), "+61 4## ### ###"),
}  # fmt: skip
TITLES = {
	"Software Engineer": ("Software Engineer", "Senior Software Engineer", "Backend Developer", "Full Stack Developer"),
	"Frontend Engineer": ("Frontend Engineer", "Frontend Developer", "UI Engineer", "Senior Frontend Engineer"),
	"Data Analyst": ("Data Analyst", "BI Analyst", "Senior Data Analyst", "Reporting Analyst"),
	"Data Scientist": ("Data Scientist", "ML Engineer", "Senior Data Scientist"),
	"DevOps Engineer": ("DevOps Engineer", "Site Reliability Engineer", "Platform Engineer", "Cloud Engineer"),
	"Product Manager": ("Product Manager", "Senior Product Manager", "Product Owner"),
	"Product Designer": ("Product Designer", "UX Designer", "UI/UX Designer"),
	"Accountant": ("Accountant", "Senior Accountant", "Payroll Specialist", "Financial Analyst"),
	"Sales Executive": ("Account Executive", "Sales Executive", "Business Development Rep", "Sales Manager"),
	"Marketing Specialist": ("Marketing Specialist", "Content Marketer", "SEO Specialist", "Growth Marketer"),
	"Support Specialist": ("Customer Support Specialist", "Support Engineer", "Customer Success Manager"),
}  # fmt: skip
FIELDS = (
	"Computer Science",
	"Economics",
	"Design",
	"Business",
	"Mathematics",
	"Engineering",
	"Communications",
)
EDUCATION = (
	"Secondary",
	"Vocational",
	"Associate",
	"Bachelor",
	"Bachelor",
	"Bachelor",
	"Master",
	"Master",
	"Doctorate",
)
PROFICIENCIES = ("Beginner", "Intermediate", "Advanced", "Expert")
# persona: ((source, medium, campaign), ...) drawn uniformly
SOURCES = {
	SOURCED: (("LinkedIn", "linkedin", ""), ("LinkedIn", "linkedin", "sourcing"), ("Job Board", "job-board", ""),
		("Employee Referral", "referral", "")),
	ENGAGED: (("LinkedIn", "linkedin", ""), ("Campaign", "email", "spring-hiring"), ("Employee Referral", "referral", ""),
		("Campus Event", "event", "campus-drive")),
	APPLICANT: (("Website Listing", "organic", ""), ("Website Listing", "organic", ""), ("Job Board", "job-board", ""),
		("LinkedIn", "linkedin", "job-post"), ("Employee Referral", "referral", ""), ("Walk In", "event", "")),
	COMMUNITY: (("Talent Community", "organic", ""), ("Talent Community", "social", "careers-page"),
		("Campus Event", "event", "tech-meetup")),
	DECLINED: (("LinkedIn", "linkedin", "sourcing"), ("Job Board", "job-board", "")),
}  # fmt: skip
_COUNTRY_NAMES = tuple(COUNTRIES)
# Cumulative, as random.choices would compute from the shares on every call.
_COUNTRY_CUMULATIVE = tuple(accumulate(c[0] for c in COUNTRIES.values()))
_DESIGNATIONS = tuple(DESIGNATION_SKILLS)


@dataclass
class Person:
	number: int
	row: dict  # an import row (see bulk_import.IMPORT_COLUMNS)
	history: History | None = None
	name: str | None = None  # the RC Candidate, once imported


@cache
def _names(country: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
	"""First names, last names and employers typical of a country (Faker, fixed seed: always the same)."""
	fake = Faker(COUNTRIES[country][1])
	fake.seed_instance(_COUNTRY_NAMES.index(country) + 1)
	firsts = tuple(dict.fromkeys(fake.first_name() for _ in range(240)))
	lasts = tuple(dict.fromkeys(fake.last_name() for _ in range(240)))
	companies = tuple(dict.fromkeys(fake.company() for _ in range(60)))
	return firsts, lasts, companies


def _pick(rnd: random.Random, options):
	return options[int(len(options) * rnd.random())]


@cache
def _ascii(text: str) -> str:
	"""A name as it can appear in an address (names repeat: each is worked out once)."""
	plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
	return "".join(ch for ch in plain if ch.isalnum())


@cache
def _phone_format(pattern: str) -> tuple[str, int, int]:
	"""A phone pattern ('+1 (###) ###-####') as a format string, its digit count and 10**count."""
	count = pattern.count("#")
	return pattern.replace("{", "{{").replace("}", "}}").replace("#", "{}"), count, 10**count


def _numerify(rnd: random.Random, pattern: str) -> str:
	template, count, scale = _phone_format(pattern)
	return template.format(*f"{int(rnd.random() * scale):0{count}d}")


def profile(rnd: random.Random, number: int, persona: str | None = None, email_prefix: str = "") -> dict:
	"""One person's import row: name and phone of their country, a trade, skills, education, source."""
	country = rnd.choices(_COUNTRY_NAMES, cum_weights=_COUNTRY_CUMULATIVE)[0]
	_share, _locale, timezone, cities, phone = COUNTRIES[country]
	firsts, lasts, companies = _names(country)
	first, last = _pick(rnd, firsts), _pick(rnd, lasts)
	designation = _pick(rnd, _DESIGNATIONS)
	experience = round(min(30.0, rnd.expovariate(1 / 6)), 1)
	level = min(3, int(experience / 4))  # proficiency grows with the years
	pool = [*DESIGNATION_SKILLS[designation], _pick(rnd, SKILLS), _pick(rnd, SKILLS)]
	skills = rnd.sample(list(dict.fromkeys(pool)), k=min(len(set(pool)), 2 + int(4 * rnd.random())))
	source, medium, campaign = _pick(rnd, SOURCES[persona or SOURCED])
	local = f"{_ascii(first)}.{_ascii(last)}".strip(".") or "person"
	tags = [
		t for t, share in (("remote", 0.25), ("relocate", 0.1), ("contract", 0.05)) if rnd.random() < share
	]
	if experience >= 8:
		tags.append("senior")
	elif experience < 2:
		tags.append("junior")
	return {
		"email": f"{email_prefix}{local}.{number}@{_pick(rnd, DOMAINS)}",
		"full_name": f"{first} {last}",
		"phone": _numerify(rnd, phone),
		"current_title": _pick(rnd, TITLES[designation]),
		"current_employer": _pick(rnd, companies),
		"location": _pick(rnd, cities),
		"country": country,
		"timezone": timezone,
		"total_experience_years": experience,
		"education_level": _pick(rnd, EDUCATION),
		"education_field": _pick(rnd, FIELDS),
		"education_institution": f"University of {_pick(rnd, cities)}",
		"linkedin_url": f"https://www.linkedin.com/in/{local.replace('.', '-')}-{number}"
		if rnd.random() < 0.6
		else None,
		"source": source,
		"source_medium": medium,
		"source_campaign": campaign,
		"tags": tags,
		"skills": [
			{
				"skill": s,
				"proficiency": PROFICIENCIES[max(0, min(3, level + int(3 * rnd.random()) - 1))],
				"years": round(min(experience, 0.5 + experience * rnd.random()), 1),
			}
			for s in skills
		],
	}


def make_candidate_rows(count: int, seed: int = 42, email_prefix: str = "") -> list[dict]:
	"""`count` synthetic candidate import rows, reproducible for a given seed (benchmarks use these)."""
	rnd = random.Random(seed)
	return [profile(rnd, i, email_prefix=email_prefix) for i in range(count)]


def next_number() -> int:
	"""The first free person number: a second run adds a new batch instead of meeting the first."""
	found = frappe.db.sql(
		r"""select max(cast(substring_index(substring_index(email, '@', 1), '.', -1) as unsigned))
		from `tabRC Candidate` where email regexp '\\.[0-9]+@example\\.(com|org|net)$'"""
	)[0][0]
	return int(found or 0) + 1


def import_people(people: list[Person], recruiters: list[str], rnd: random.Random) -> None:
	"""Import the rows (the product's bulk importer), then fill in what their history says."""
	for person in people:  # most people have an owner; many community sign-ups do not yet
		owned = person.history is None or person.history.persona != COMMUNITY or rnd.random() < 0.4
		if owned:
			person.row["recruiter"] = _pick(rnd, recruiters)
	by_email = import_candidates([dict(p.row) for p in people]).created_by_email
	emails = [p.row["email"] for p in people if p.row["email"] not in by_email]  # merged or rejected
	for start in range(0, len(emails), 5000):
		by_email.update(
			frappe.db.sql(
				f"select email, name from `tab{CANDIDATE}` where email in %(emails)s",
				{"emails": emails[start : start + 5000]},
			)
		)
	for person in people:
		person.name = by_email.get(person.row["email"])
	preferences = ("Any",) * 16 + ("Weekly", "Weekly", "Monthly", "Important Only")
	bulk_update_by_name(
		CANDIDATE,
		("crm_stage", "do_not_contact", "is_unsubscribed", "has_bounced", "email_frequency", "creation",
			"last_activity_at"),
		[
			(
				p.name, p.history.crm_stage, int(p.history.do_not_contact), int(p.history.is_unsubscribed),
				int(p.history.has_bounced), _pick(rnd, preferences), str(p.history.first_seen),
				str(p.history.touches[-1].at) if p.history.touches else None,
			)
			for p in people
			if p.name and p.history
		],
	)  # fmt: skip


SETTLED_SHARE = 0.6


@dataclass
class PlannedApplication:
	person: Person
	index: int  # in the person's history
	name: str


def plan_applications(people: list[Person], windows: Openings, hrms_subset: int, now: datetime):
	"""Split applications into those written set-based and a small set worked as HRMS documents.

	The HRMS set: first applications to openings still open, one per person, from the last five
	months; most of them (`SETTLED_SHARE`) at least six weeks old, so their interviews, offers and
	hires have had time to happen, the rest recent, so some are still being interviewed.
	Returns (set-based, HRMS) lists; set-based ones are named as HRMS would name them.
	"""
	settled_quota = round(hrms_subset * SETTLED_SHARE)
	quotas = {True: settled_quota, False: hrms_subset - settled_quota}
	bulk, hrms = [], []
	for person in people:
		if not person.name:
			continue
		email = person.row["email"]
		for index, application in enumerate(person.history.applications):
			age = (now - application.applied_at).days
			settled = age >= 42
			if index == 0 and age <= 150 and quotas[settled] and not windows.is_closed(application.opening):
				quotas[settled] -= 1
				hrms.append(PlannedApplication(person, index, ""))
				continue
			name = email if not index else f"{email}-{index}"
			bulk.append(PlannedApplication(person, index, name))
	return bulk, hrms


def write_applications(planned: list[PlannedApplication], masters, place=None) -> list[str]:
	"""Job Applicants in multi-row statements, dated when the person applied. Returns their names.

	With a pipeline (`place`, see demo_pipeline), each also stands in the Workflow state its
	history reached, since the moment it entered it.
	"""
	user = frappe.session.user
	columns = ["name", "applicant_name", "email_id", "status", "job_title", "designation", "country", "source",
		"phone_number", "rc_candidate", "rc_utm_medium", "rc_utm_campaign", "creation", "modified", "owner",
		"modified_by"]  # fmt: skip
	if place:
		columns += [place.field, "rc_stage_entered_at", "rc_sla_status"]
	values = []
	for p in planned:
		application = p.person.history.applications[p.index]
		row = p.person.row
		applied = str(application.applied_at)
		stay = place.stays(application)[-1] if place else None
		value = (
			p.name, row["full_name"], row["email"], application.status, masters.openings[application.opening],
			masters.designations[application.opening], row["country"], row["source"], row["phone"],
			p.person.name, row["source_medium"] or None, row["source_campaign"] or None, applied,
			str(stay.entered_at) if stay else applied, user, user,
		)  # fmt: skip
		if stay:
			value += (stay.state, str(stay.entered_at), stay.sla)
		values.append(value)
	multi_row_insert("Job Applicant", columns, values, ignore=True)
	return [p.name for p in planned]
