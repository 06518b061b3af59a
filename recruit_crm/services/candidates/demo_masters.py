"""The demo's masters: departments, locations, designations with skills, sources, interview rounds,
recruiters and the job openings, each created once (found by its name on later runs).

Openings are real HRMS documents, dated with Frappe's own `flags.current_date`, so a site seeded
today shows roles posted over the last months and a few that closed long ago.
"""

import random
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

import frappe
from frappe.utils import add_days, getdate
from frappe.website.utils import cleanup_page_name

from recruit_crm.domain.demo_history import Openings, OpeningWindow

SKILLS = (
	"Python", "JavaScript", "TypeScript", "SQL", "Go", "Java", "Kotlin", "Swift", "React", "Vue",
	"Django", "Frappe", "Kubernetes", "Docker", "AWS", "GCP", "Terraform", "Linux", "PostgreSQL",
	"MariaDB", "Redis", "Data Analysis", "Machine Learning", "Statistics", "Excel", "Accounting",
	"Payroll", "Recruiting", "Negotiation", "Sales", "Marketing", "SEO", "Copywriting", "Figma",
	"UX Research", "Product Management", "Project Management", "Customer Support", "Leadership",
	"Public Speaking", "Communication", "Problem Solving",
)  # fmt: skip

DESIGNATION_SKILLS = {
	"Software Engineer": ("Python", "JavaScript", "SQL", "Docker", "Linux"),
	"Frontend Engineer": ("JavaScript", "TypeScript", "React", "Vue", "Figma"),
	"Data Analyst": ("SQL", "Python", "Data Analysis", "Statistics", "Excel"),
	"Data Scientist": ("Python", "Machine Learning", "Statistics", "SQL"),
	"DevOps Engineer": ("Kubernetes", "Docker", "AWS", "Terraform", "Linux"),
	"Product Manager": ("Product Management", "UX Research", "Leadership", "Public Speaking"),
	"Product Designer": ("Figma", "UX Research", "Communication"),
	"Accountant": ("Accounting", "Excel", "Payroll"),
	"Sales Executive": ("Sales", "Negotiation", "Public Speaking"),
	"Marketing Specialist": ("Marketing", "SEO", "Copywriting"),
	"Support Specialist": ("Customer Support", "Excel", "Linux"),
}

# Branch (HRMS Job Opening `location` links to Branch): country, currency, pay relative to New York.
LOCATIONS = {
	"New York": ("United States", "USD", 1.0),
	"Toronto": ("Canada", "CAD", 1.1),
	"London": ("United Kingdom", "GBP", 0.62),
	"Berlin": ("Germany", "EUR", 0.68),
	"Bengaluru": ("India", "INR", 28.0),
	"Nairobi": ("Kenya", "KES", 45.0),
	"Singapore": ("Singapore", "SGD", 1.05),
	"São Paulo": ("Brazil", "BRL", 2.2),
}

# (title, designation, department, location, employment type, remote, yearly pay in New York, closed)
OPENINGS = (
	("Senior Backend Engineer (Python)", "Software Engineer", "Engineering", "Berlin", "Full-time", 1, 150_000, 0),
	("Backend Engineer, Payments", "Software Engineer", "Engineering", "Bengaluru", "Full-time", 0, 120_000, 0),
	("Software Engineer, Integrations", "Software Engineer", "Engineering", "Toronto", "Full-time", 1, 125_000, 0),
	("Staff Software Engineer", "Software Engineer", "Engineering", "New York", "Full-time", 0, 210_000, 0),
	("Frontend Engineer (Vue)", "Frontend Engineer", "Engineering", "London", "Full-time", 1, 130_000, 0),
	("Senior Frontend Engineer (React)", "Frontend Engineer", "Engineering", "Singapore", "Full-time", 0, 145_000, 0),
	("Frontend Engineer, Design Systems", "Frontend Engineer", "Engineering", "São Paulo", "Contract", 1, 110_000, 0),
	("Data Analyst, Growth", "Data Analyst", "Data & Analytics", "London", "Full-time", 0, 95_000, 0),
	("Data Analyst, Finance", "Data Analyst", "Data & Analytics", "Bengaluru", "Full-time", 0, 85_000, 0),
	("Business Intelligence Analyst", "Data Analyst", "Data & Analytics", "Nairobi", "Full-time", 1, 80_000, 0),
	("Data Scientist, Matching", "Data Scientist", "Data & Analytics", "Berlin", "Full-time", 0, 140_000, 0),
	("Machine Learning Engineer", "Data Scientist", "Data & Analytics", "New York", "Full-time", 1, 175_000, 0),
	("DevOps Engineer", "DevOps Engineer", "Engineering", "Singapore", "Full-time", 0, 135_000, 0),
	("Site Reliability Engineer", "DevOps Engineer", "Engineering", "Toronto", "Full-time", 1, 150_000, 0),
	("Cloud Platform Engineer (Contract)", "DevOps Engineer", "Engineering", "London", "Contract", 1, 140_000, 0),
	("Product Manager, Candidate Experience", "Product Manager", "Product", "New York", "Full-time", 0, 165_000, 0),
	("Senior Product Manager, Platform", "Product Manager", "Product", "Berlin", "Full-time", 0, 160_000, 0),
	("Product Designer", "Product Designer", "Design", "London", "Full-time", 1, 115_000, 0),
	("Senior Product Designer", "Product Designer", "Design", "Toronto", "Part-time", 1, 120_000, 0),
	("Accountant", "Accountant", "Accounts", "Bengaluru", "Full-time", 0, 60_000, 0),
	("Senior Accountant, Payroll", "Accountant", "Accounts", "Nairobi", "Full-time", 0, 70_000, 0),
	("Account Executive, Mid-Market", "Sales Executive", "Sales", "New York", "Full-time", 0, 120_000, 0),
	("Sales Development Representative", "Sales Executive", "Sales", "São Paulo", "Full-time", 0, 65_000, 0),
	("Enterprise Account Executive", "Sales Executive", "Sales", "Singapore", "Full-time", 0, 150_000, 0),
	("Content Marketing Specialist", "Marketing Specialist", "Marketing", "London", "Full-time", 1, 85_000, 0),
	("SEO Specialist", "Marketing Specialist", "Marketing", "Berlin", "Part-time", 1, 70_000, 0),
	("Marketing Intern", "Marketing Specialist", "Marketing", "Toronto", "Intern", 0, 40_000, 0),
	("Customer Support Specialist", "Support Specialist", "Customer Service", "Nairobi", "Full-time", 0, 45_000, 0),
	("Technical Support Engineer", "Support Specialist", "Customer Service", "Bengaluru", "Full-time", 0, 60_000, 0),
	("Customer Success Manager", "Support Specialist", "Customer Service", "New York", "Full-time", 1, 100_000, 0),
	("Backend Engineer (Go)", "Software Engineer", "Engineering", "Singapore", "Full-time", 0, 140_000, 1),
	("Junior Data Analyst", "Data Analyst", "Data & Analytics", "Nairobi", "Full-time", 0, 55_000, 1),
	("Sales Executive, Retail", "Sales Executive", "Sales", "São Paulo", "Full-time", 0, 60_000, 1),
	("Payroll Specialist", "Accountant", "Accounts", "London", "Contract", 0, 65_000, 1),
	("Frontend Engineer (Angular)", "Frontend Engineer", "Engineering", "Bengaluru", "Full-time", 0, 90_000, 1),
	("Support Team Lead", "Support Specialist", "Customer Service", "Toronto", "Full-time", 0, 85_000, 1),
)  # fmt: skip

RECRUITERS = (
	("amara.okafor@example.com", "Amara", "Okafor", ("Recruiter", "HR User")),
	("jonas.weber@example.com", "Jonas", "Weber", ("Recruiter",)),
	("priya.raman@example.com", "Priya", "Raman", ("Recruiter",)),
	("lucas.martin@example.com", "Lucas", "Martin", ("Recruiter",)),
)

SOURCES = (
	"Website Listing", "Walk In", "Employee Referral", "Campaign", "LinkedIn", "Job Board",
	"Talent Community", "Campus Event",
)  # fmt: skip
INTERVIEW_ROUNDS = (
	("Screening Call", ("Communication",)),
	("Panel Interview", ("Problem Solving", "Leadership")),
)


@dataclass
class Masters:
	company: str
	currency: str
	openings: list[str]  # names, in OPENINGS order
	titles: list[str]
	designations: list[str]
	windows: Openings
	recruiters: list[str]
	interview_rounds: list[str]


@contextmanager
def dated(moment):
	"""Documents saved inside are created and modified on `moment`'s date (Frappe's current_date)."""
	previous = frappe.flags.current_date
	frappe.flags.current_date = getdate(moment)
	try:
		yield
	finally:
		frappe.flags.current_date = previous


def ensure_masters(company: str, seed: int, now: datetime) -> Masters:
	"""Every master the demo refers to; created only when missing."""
	rnd = random.Random(f"{seed}:masters")
	_ensure_skills()
	_ensure_named("Job Applicant Source", "source_name", SOURCES)
	_ensure_named("Branch", "branch", LOCATIONS)
	_ensure_named("Employment Type", "employee_type_name", ("Full-time", "Part-time", "Contract", "Intern"))
	_ensure_designations()
	departments = _ensure_departments(company, {o[2] for o in OPENINGS})
	rounds = _ensure_interview_rounds()
	recruiters = _ensure_recruiters()
	currency = frappe.db.get_value("Company", company, "default_currency") or "USD"
	openings, windows = _ensure_openings(company, departments, rnd, now)
	return Masters(
		company=company,
		currency=currency,
		openings=openings,
		titles=[o[0] for o in OPENINGS],
		designations=[o[1] for o in OPENINGS],
		windows=Openings(windows),
		recruiters=recruiters,
		interview_rounds=rounds,
	)


def _ensure_skills() -> None:
	known = set(frappe.get_all("Skill", filters={"name": ("in", SKILLS)}, pluck="name"))
	for skill in SKILLS:
		if skill not in known:
			frappe.get_doc({"doctype": "Skill", "skill_name": skill}).insert(ignore_permissions=True)


def _ensure_named(doctype: str, fieldname: str, names) -> None:
	for name in names:
		if not frappe.db.exists(doctype, name):
			frappe.get_doc({"doctype": doctype, fieldname: name}).insert(ignore_permissions=True)


def _ensure_designations() -> None:
	for designation, skills in DESIGNATION_SKILLS.items():
		doc = (
			frappe.get_doc("Designation", designation)
			if frappe.db.exists("Designation", designation)
			else frappe.new_doc("Designation", designation_name=designation)
		)
		have = {row.skill for row in doc.get("skills") or []}
		missing = [s for s in skills if s not in have]
		if not missing and not doc.is_new():
			continue
		for skill in missing:
			doc.append("skills", {"skill": skill})
		doc.save(ignore_permissions=True)


def _ensure_departments(company: str, names: set[str]) -> dict[str, str]:
	"""{department name: Department document name} for this company (ERPNext names them per company)."""
	found = {
		d.department_name: d.name
		for d in frappe.get_all(
			"Department",
			filters={"company": company, "department_name": ("in", sorted(names))},
			fields=["name", "department_name"],
		)
	}
	root = frappe.db.get_value("Department", {"is_group": 1, "parent_department": ("in", ("", None))})
	for name in sorted(names - set(found)):
		doc = frappe.get_doc(
			{"doctype": "Department", "department_name": name, "company": company, "parent_department": root}
		).insert(ignore_permissions=True)
		found[name] = doc.name
	return found


def _ensure_interview_rounds() -> list[str]:
	if not frappe.db.exists("Interview Type", "Structured Interview"):
		frappe.get_doc(
			{
				"doctype": "Interview Type",
				"name": "Structured Interview",
				"description": "Scored against a rubric.",
			}
		).insert(ignore_permissions=True)
	for name, skills in INTERVIEW_ROUNDS:
		if not frappe.db.exists("Interview Round", name):
			frappe.get_doc(
				{
					"doctype": "Interview Round",
					"round_name": name,
					"interview_type": "Structured Interview",
					"expected_average_rating": 0.6,
					"expected_skill_set": [{"skill": s} for s in skills],
				}
			).insert(ignore_permissions=True)
	return [name for name, _ in INTERVIEW_ROUNDS]


def _ensure_recruiters() -> list[str]:
	for email, first, last, roles in RECRUITERS:
		if frappe.db.exists("User", email):
			continue
		user = frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": first,
				"last_name": last,
				"user_type": "System User",
				"send_welcome_email": 0,
				"roles": [{"role": role} for role in roles],
			}
		)
		user.insert(ignore_permissions=True)
	return [r[0] for r in RECRUITERS]


def _ensure_openings(
	company: str, departments: dict[str, str], rnd: random.Random, now: datetime
) -> tuple[list[str], list[OpeningWindow]]:
	"""The catalogue's openings for this company, created once; their windows as stored."""
	existing = {
		o.job_title: o
		for o in frappe.get_all(
			"Job Opening",
			filters={"company": company, "job_title": ("in", [o[0] for o in OPENINGS])},
			fields=["name", "job_title", "posted_on", "closed_on", "status"],
		)
	}
	names, windows = [], []
	for index, spec in enumerate(OPENINGS):
		posted_days = (
			rnd.uniform(300, 520)
			if spec[7]
			else (rnd.uniform(380, 500) if index % 7 == 3 else rnd.uniform(3, 240))
		)
		open_days = rnd.uniform(60, 160)
		if spec[0] not in existing:
			existing[spec[0]] = _create_opening(company, departments, spec, now, posted_days, open_days, rnd)
		row = existing[spec[0]]
		names.append(row.name)
		posted = (
			frappe.utils.get_datetime(row.posted_on) if row.posted_on else now - timedelta(days=posted_days)
		)
		closed = (
			datetime.combine(getdate(row.closed_on), datetime.min.time())
			if row.status == "Closed" and row.closed_on
			else None
		)
		windows.append(OpeningWindow(posted, closed))
	return names, windows


def _create_opening(company, departments, spec, now, posted_days, open_days, rnd) -> frappe._dict:
	title, designation, department, location, employment_type, remote, pay, closed = spec
	_country, currency, factor = LOCATIONS[location]
	posted = now - timedelta(days=posted_days, hours=rnd.randint(0, 8))
	lower = round(pay * factor * 0.85, -3)
	upper = round(pay * factor * 1.15, -3)
	values = {
		"doctype": "Job Opening",
		"job_title": title,
		# HRMS would keep the title's punctuation in the address; a clean slug reads better in links
		"route": f"jobs/{frappe.scrub(company)}/{cleanup_page_name(title)}",
		"designation": designation,
		"department": departments[department],
		"location": location,
		"employment_type": employment_type,
		"rc_is_remote": remote,
		"company": company,
		"status": "Open",
		"publish": 1,
		"posted_on": posted,
		"closes_on": None if closed or rnd.random() < 0.5 else add_days(now.date(), rnd.randint(14, 90)),
		"vacancies": rnd.choice((1, 1, 1, 2, 3)),
		"description": _description(title, designation, location, remote),
		"currency": currency,
		"lower_range": lower,
		"upper_range": upper,
		"salary_per": "Year",
		"publish_salary_range": 1 if rnd.random() < 0.55 else 0,
		"rc_min_experience_years": {"Staff": 8, "Senior": 5, "Junior": 0, "Intern": 0}.get(
			title.split()[0], 2
		),
	}
	with dated(posted):
		doc = frappe.get_doc(values).insert(ignore_permissions=True)
	if closed:
		closed_on = (posted + timedelta(days=open_days)).date()
		with dated(closed_on):
			doc.status = "Closed"
			doc.closed_on = closed_on
			doc.save(ignore_permissions=True)
	return frappe._dict(
		name=doc.name, job_title=title, posted_on=doc.posted_on, closed_on=doc.closed_on, status=doc.status
	)


def _description(title: str, designation: str, location: str, remote: int) -> str:
	skills = ", ".join(DESIGNATION_SKILLS[designation][:3])
	where = f"from {location} or remotely" if remote else f"in our {location} office"
	return (
		f"<p>We are looking for a {title} to join a small, senior team {where}.</p>"
		f"<h4>What you will do</h4><ul><li>Own problems end to end, from first sketch to production.</li>"
		f"<li>Work closely with product, design and our customers.</li>"
		f"<li>Help the people around you grow.</li></ul>"
		f"<h4>What you bring</h4><ul><li>Hands-on experience with {skills}.</li>"
		f"<li>Clear written communication.</li><li>Curiosity, and care for the people who use what you build.</li></ul>"
	)
