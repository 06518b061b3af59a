"""Realistic synthetic data for demos and benchmarks, written in bulk.

Everything goes through the same bulk paths the product uses (the candidate importer,
set-based refreshes), so seeding 100k people takes a minute, not an afternoon.
"""

import random
from datetime import timedelta

from faker import Faker

import frappe

from recruit_crm.services._sql import multi_row_insert
from recruit_crm.services.candidates.bulk_import import import_candidates
from recruit_crm.services.candidates.records import refresh_candidates

SKILLS = (
	"Python", "JavaScript", "TypeScript", "SQL", "Go", "Java", "Kotlin", "Swift", "React", "Vue",
	"Django", "Frappe", "Kubernetes", "Docker", "AWS", "GCP", "Terraform", "Linux", "PostgreSQL",
	"MariaDB", "Redis", "Data Analysis", "Machine Learning", "Statistics", "Excel", "Accounting",
	"Payroll", "Recruiting", "Negotiation", "Sales", "Marketing", "SEO", "Copywriting", "Figma",
	"UX Research", "Product Management", "Project Management", "Customer Support", "Leadership", "Public Speaking",
)  # fmt: skip

DESIGNATION_SKILLS = {
	"Software Engineer": ("Python", "JavaScript", "SQL", "Docker", "Linux"),
	"Frontend Engineer": ("JavaScript", "TypeScript", "React", "Vue", "Figma"),
	"Data Analyst": ("SQL", "Python", "Data Analysis", "Statistics", "Excel"),
	"Data Scientist": ("Python", "Machine Learning", "Statistics", "SQL"),
	"DevOps Engineer": ("Kubernetes", "Docker", "AWS", "Terraform", "Linux"),
	"Product Manager": ("Product Management", "UX Research", "Leadership", "Public Speaking"),
	"Accountant": ("Accounting", "Excel", "Payroll"),
	"Sales Executive": ("Sales", "Negotiation", "Public Speaking"),
	"Marketing Specialist": ("Marketing", "SEO", "Copywriting"),
	"Support Specialist": ("Customer Support", "Excel", "Linux"),
}

COUNTRIES = (
	"India",
	"United States",
	"United Kingdom",
	"Germany",
	"France",
	"Canada",
	"Brazil",
	"Kenya",
	"Singapore",
	"Australia",
)
TIMEZONES = {
	"India": "Asia/Kolkata", "United States": "America/New_York", "United Kingdom": "Europe/London",
	"Germany": "Europe/Berlin", "France": "Europe/Paris", "Canada": "America/Toronto",
	"Brazil": "America/Sao_Paulo", "Kenya": "Africa/Nairobi", "Singapore": "Asia/Singapore",
	"Australia": "Australia/Sydney",
}  # fmt: skip
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
PROFICIENCIES = ("Beginner", "Intermediate", "Intermediate", "Advanced", "Advanced", "Expert")
SOURCES = ("Website Listing", "Walk In", "Employee Referral", "Campaign")
MEDIUMS = ("linkedin", "email", "job-board", "referral", "event", "organic")
APPLICATION_STATUSES = ("Open", "Open", "Replied", "Hold", "Rejected", "Rejected", "Rejected", "Accepted")


def make_candidate_rows(count: int, seed: int = 42, email_prefix: str = "") -> list[dict]:
	"""`count` synthetic candidate import rows (Faker), reproducible for a given seed."""
	fake = Faker()
	Faker.seed(seed)
	rnd = random.Random(seed)
	rows = []
	for i in range(count):
		first, last = fake.first_name(), fake.last_name()
		country = rnd.choice(COUNTRIES)
		designation = rnd.choice(list(DESIGNATION_SKILLS))
		pool = list(DESIGNATION_SKILLS[designation]) + rnd.sample(SKILLS, 2)
		skills = rnd.sample(pool, k=min(len(pool), rnd.randint(2, 6)))
		experience = round(rnd.uniform(0, 25), 1)
		rows.append(
			{
				"email": f"{email_prefix}{first}.{last}.{i}@{fake.free_email_domain()}".lower(),
				"full_name": f"{first} {last}",
				"phone": fake.numerify("+1-###-###-####"),
				"current_title": designation,
				"current_employer": fake.company(),
				"location": fake.city(),
				"country": country,
				"timezone": TIMEZONES[country],
				"total_experience_years": experience,
				"education_level": rnd.choice(EDUCATION),
				"education_field": rnd.choice(
					("Computer Science", "Economics", "Design", "Business", "Mathematics")
				),
				"education_institution": f"{fake.city()} University",
				"source": rnd.choice(SOURCES),
				"source_medium": rnd.choice(MEDIUMS),
				"source_campaign": rnd.choice(("", "spring-hiring", "campus-drive", "tech-meetup")),
				"tags": ",".join(
					rnd.sample(
						("remote", "relocate", "senior", "junior", "contract", "boomerang"),
						k=rnd.randint(0, 2),
					)
				),
				"skills": [
					{
						"skill": s,
						"proficiency": rnd.choice(PROFICIENCIES),
						"years": round(min(experience, rnd.uniform(0.5, 10)), 1),
					}
					for s in skills
				],
			}
		)
	return rows


def seed_demo(candidates: int = 1000, openings: int = 30, seed: int = 42, progress=print) -> dict:
	"""Fill the site with candidates, openings and applications; returns what was created."""
	company = frappe.db.get_value("Company", {}, "name")
	if not company:
		frappe.throw("Complete the ERPNext setup wizard (a Company is needed) before seeding demo data.")
	rnd = random.Random(seed)
	_ensure_masters()
	opening_names = _ensure_openings(company, openings, rnd)
	progress(f"masters ready, {len(opening_names)} job openings")

	rows = make_candidate_rows(candidates, seed=seed, email_prefix="demo.")
	progress(f"generated {len(rows)} candidate rows")
	report = import_candidates(rows)
	frappe.db.commit()  # nosemgrep: long seeding job, committed in stages
	progress(f"candidates: {report.created} created, {report.merged_into_existing} merged")

	applicants = _seed_applications(rnd, opening_names)
	frappe.db.commit()  # nosemgrep
	progress(f"applications: {applicants}")
	return {
		"candidates": report.created,
		"merged": report.merged_into_existing,
		"applications": applicants,
		"openings": len(opening_names),
	}


def _ensure_masters() -> None:
	now = frappe.utils.now_datetime()
	user = frappe.session.user
	multi_row_insert(
		"Skill", ("name", "skill_name", "creation", "modified", "owner", "modified_by"),
		[(s, s, now, now, user, user) for s in SKILLS], ignore=True,
	)  # fmt: skip
	for source in SOURCES:
		if not frappe.db.exists("Job Applicant Source", source):
			frappe.get_doc({"doctype": "Job Applicant Source", "source_name": source}).insert(
				ignore_permissions=True
			)
	for designation, skills in DESIGNATION_SKILLS.items():
		if frappe.db.exists("Designation", designation):
			continue
		doc = frappe.get_doc({"doctype": "Designation", "designation_name": designation})
		if frappe.get_meta("Designation").has_field("skills"):
			for skill in skills:
				doc.append("skills", {"skill": skill})
		doc.insert(ignore_permissions=True)


def _ensure_openings(company: str, count: int, rnd: random.Random) -> list[str]:
	existing = frappe.get_all("Job Opening", filters={"status": "Open", "company": company}, pluck="name")
	designations = list(DESIGNATION_SKILLS)
	for i in range(len(existing), count):
		designation = designations[i % len(designations)]
		doc = frappe.get_doc(
			{
				"doctype": "Job Opening",
				"job_title": f"{designation} {i + 1}",
				"designation": designation,
				"company": company,
				"status": "Open",
				"publish": 1,
				"description": f"<p>Join us as a {designation}. Remote friendly, great team.</p>",
				"lower_range": rnd.choice((40000, 60000, 80000)),
				"upper_range": rnd.choice((90000, 120000, 150000)),
				"currency": frappe.db.get_value("Company", company, "default_currency"),
			}
		)
		doc.flags.ignore_validate = False
		doc.insert(ignore_permissions=True)
		existing.append(doc.name)
	return existing


def _seed_applications(rnd: random.Random, openings: list[str]) -> int:
	"""Applications for about 40% of demo candidates, written in bulk with their links."""
	if not openings:
		return 0
	opening_rows = {
		o.name: o
		for o in frappe.get_all(
			"Job Opening", filters={"name": ["in", openings]}, fields=["name", "designation"]
		)
	}
	candidates = frappe.db.sql(
		"""select c.name, c.email, c.full_name, c.country from `tabRC Candidate` c
		where c.email like 'demo.%%' and not exists
			(select 1 from `tabJob Applicant` ja where ja.rc_candidate = c.name)""",
		as_dict=True,
	)
	now = frappe.utils.now_datetime()
	user = frappe.session.user
	taken = set()
	values = []
	touched = []
	for c in candidates:
		if rnd.random() > 0.4:
			continue
		touched.append(c.name)
		for opening in rnd.sample(openings, k=rnd.randint(1, min(3, len(openings)))):
			name = c.email
			n = 0
			while name in taken:
				n += 1
				name = f"{c.email}-{n}"
			taken.add(name)
			created = now - timedelta(days=rnd.randint(0, 900))
			values.append(
				(
					name, c.full_name, c.email, rnd.choice(APPLICATION_STATUSES), opening,
					opening_rows[opening].designation, c.country, "Website Listing", c.name,
					created, created, user, user,
				)
			)  # fmt: skip
	multi_row_insert(
		"Job Applicant",
		(
			"name", "applicant_name", "email_id", "status", "job_title", "designation", "country", "source",
			"rc_candidate", "creation", "modified", "owner", "modified_by",
		),
		values,
		ignore=True,
	)  # fmt: skip
	for start in range(0, len(touched), 5000):
		refresh_candidates(touched[start : start + 5000])
	return len(values)
