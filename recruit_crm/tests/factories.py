"""Builders for test data. Each returns a saved document with sensible defaults."""

import frappe
from frappe.utils import random_string


def unique_email(prefix: str = "cand") -> str:
	return f"{prefix}.{random_string(8).lower()}@example.org"


def make_candidate(**values):
	doc = frappe.get_doc(
		{
			"doctype": "RC Candidate",
			"full_name": values.pop("full_name", "Test Candidate"),
			"email": values.pop("email", None) or unique_email(),
			**values,
		}
	)
	doc.insert(ignore_permissions=True)
	return doc


def ensure_designation(name: str = "RC Test Engineer", skills: tuple[str, ...] = ()) -> str:
	if not frappe.db.exists("Designation", name):
		doc = frappe.get_doc({"doctype": "Designation", "designation_name": name})
		for skill in skills:
			ensure_skill(skill)
			doc.append("skills", {"skill": skill})
		doc.insert(ignore_permissions=True)
	return name


def ensure_skill(name: str) -> str:
	if not frappe.db.exists("Skill", name):
		frappe.get_doc({"doctype": "Skill", "skill_name": name}).insert(ignore_permissions=True)
	return name


def make_job_opening(title: str | None = None, designation: str | None = None, **values):
	company = values.pop("company", None) or frappe.db.get_value("Company", {}, "name")
	doc = frappe.get_doc(
		{
			"doctype": "Job Opening",
			"job_title": title or f"RC Test Opening {random_string(6)}",
			"designation": designation or ensure_designation(),
			"company": company,
			"status": "Open",
			"publish": 1,
			**values,
		}
	)
	doc.insert(ignore_permissions=True)
	return doc


def make_job_applicant(email: str | None = None, job_opening: str | None = None, **values):
	doc = frappe.get_doc(
		{
			"doctype": "Job Applicant",
			"applicant_name": values.pop("applicant_name", "Test Applicant"),
			"email_id": email or unique_email("app"),
			"status": values.pop("status", "Open"),
			"job_title": job_opening,
			**values,
		}
	)
	doc.insert(ignore_permissions=True)
	return doc


def make_user(email: str, roles: tuple[str, ...] = (), user_type: str = "System User") -> str:
	if not frappe.db.exists("User", email):
		user = frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": email.split("@")[0],
				"user_type": user_type,
				"send_welcome_email": 0,
			}
		)
		user.insert(ignore_permissions=True)
	user = frappe.get_doc("User", email)
	user.set("roles", [])
	for role in roles:
		user.append("roles", {"role": role})
	user.save(ignore_permissions=True)
	return email


def make_talent_pool(pool_type: str = "Manual", rules: dict | None = None, **values):
	doc = frappe.get_doc(
		{
			"doctype": "RC Talent Pool",
			"pool_name": values.pop("pool_name", None) or f"RC Test Pool {random_string(6)}",
			"pool_type": pool_type,
			"rules": frappe.as_json(rules) if rules is not None else None,
			**values,
		}
	)
	doc.insert(ignore_permissions=True)
	return doc


def ensure_interview_round(name: str = "RC Test Technical Round", designation: str | None = None) -> str:
	if not frappe.db.exists("Interview Type", "RC Test Interview Type"):
		frappe.get_doc(
			{"doctype": "Interview Type", "name": "RC Test Interview Type", "description": "Test"}
		).insert(ignore_permissions=True)
	if not frappe.db.exists("Interview Round", name):
		ensure_skill("Python")
		frappe.get_doc(
			{
				"doctype": "Interview Round",
				"round_name": name,
				"interview_type": "RC Test Interview Type",
				"designation": designation,
				"expected_average_rating": 0.6,
				"expected_skill_set": [{"skill": "Python"}],
			}
		).insert(ignore_permissions=True)
	return name


def make_interview(job_applicant: str, status: str = "Pending", average_rating: float = 0, **values):
	doc = frappe.get_doc(
		{
			"doctype": "Interview",
			"job_applicant": job_applicant,
			"interview_round": values.pop("interview_round", None) or ensure_interview_round(),
			"status": status,
			"scheduled_on": frappe.utils.nowdate(),
			"from_time": "10:00:00",
			"to_time": "11:00:00",
			"average_rating": average_rating,
			**values,
		}
	)
	doc.insert(ignore_permissions=True)
	return doc


def make_employee(personal_email: str | None = None, **values):
	company = values.pop("company", None) or frappe.db.get_value("Company", {}, "name")
	doc = frappe.get_doc(
		{
			"doctype": "Employee",
			"first_name": values.pop("first_name", "Boomerang"),
			"last_name": values.pop("last_name", random_string(5)),
			"company": company,
			"status": values.pop("status", "Active"),
			"gender": values.pop("gender", "Female"),
			"date_of_birth": "1990-01-01",
			"date_of_joining": "2020-01-01",
			"personal_email": personal_email or unique_email("emp"),
			**values,
		}
	)
	doc.insert(ignore_permissions=True)
	return doc


def make_sendable_candidate(**values):
	"""A candidate who may receive marketing email (consent given, nothing suppressing)."""
	values.setdefault("has_marketing_consent", 1)
	return make_candidate(**values)


def make_email_template(
	subject: str = "Hello {{ candidate.first_name }}",
	body: str = '<p>Hi {{ candidate.full_name }}, <a href="https://example.org/roles">see our roles</a>.</p>',
	name: str | None = None,
):
	name = name or f"RC Test Template {random_string(6)}"
	if not frappe.db.exists("Email Template", name):
		frappe.get_doc(
			{"doctype": "Email Template", "name": name, "subject": subject, "response": body}
		).insert(ignore_permissions=True)
	return name


def ensure_sink_email_account(port: int, name: str = "RC Test Sink") -> str:
	"""An outgoing Email Account pointing at a loopback SMTP server on `port` (which must be running)."""
	from recruit_crm.benchmarks.smtp_sink import upsert_loopback_account

	return upsert_loopback_account(name, port, "talent@rc-test.localhost")


def make_nurture_campaign(email_account: str, steps: list[dict], **values):
	"""A campaign that may send at any hour (override the window fields to test send rules)."""
	doc = frappe.get_doc(
		{
			"doctype": "RC Nurture Campaign",
			"campaign_name": values.pop("campaign_name", f"RC Test Campaign {random_string(6)}"),
			"email_account": email_account,
			"send_on_weekends": values.pop("send_on_weekends", 1),
			"send_start_time": values.pop("send_start_time", "00:00:00"),
			"send_end_time": values.pop("send_end_time", "23:59:59"),
			"steps": steps,
			**values,
		}
	)
	doc.insert(ignore_permissions=True)
	return doc
