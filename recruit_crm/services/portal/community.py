"""The talent community: sign-up with double opt-in (the same answer and work for everyone; the
confirmation email follows after the response), confirmation into the pool with consent, and
the clean-up of sign-ups never confirmed.
"""

import json

import frappe
from frappe import _
from frappe.utils import add_days, cint, get_url, now_datetime

from recruit_crm.domain import web_input
from recruit_crm.domain.careers import clean_attribution
from recruit_crm.domain.lists import NotAList, as_list
from recruit_crm.services.candidates.records import get_or_create_candidate
from recruit_crm.services.compliance import consent
from recruit_crm.services.nurture import audience
from recruit_crm.services.pools import membership, system
from recruit_crm.services.portal import careers, tokens
from recruit_crm.services.portal.applications import (
	PortalInputError,
	check_resume,
	email_field,
	fill_attribution,
	person_name,
	referrer_employee,
	save_resume,
	text_field,
)
from recruit_crm.services.portal.deferred import after_response
from recruit_crm.services.portal.request_context import request_evidence

COMMUNITY_THANKS = "Almost there: check your inbox and confirm your email to join our talent community."


def join_community(form: dict, resume_upload) -> dict:
	"""Record a sign-up; the double opt-in email follows after the response.

	Every valid sign-up is stored the same way; whether this address signed up in the last day
	(and so gets no second email) is decided after the response, so the answer and its timing
	are the same for everyone. Nobody joins before confirming.
	"""
	if form.get("website"):
		return {"message": _(COMMUNITY_THANKS)}
	full_name = person_name(form, "full_name", _("Full name"))
	email = email_field(form)
	if not cint(form.get("consent")):
		frappe.throw(_("Please agree to join the talent community."), PortalInputError)
	allowed = set(careers.settings().interests)
	interests = [i for i in interests_from_form(form.get("interests")) if i in allowed]
	skills = short_list(text_field(form, "skills", 1000, label=_("Skills")), 30)
	locations = short_list(text_field(form, "preferred_locations", 500, label=_("Preferred locations")), 10)
	resume = check_resume(resume_upload, required=False)
	evidence = request_evidence()
	signup = frappe.get_doc(
		{
			"doctype": "RC Community Signup",
			"email": email,
			"full_name": full_name,
			"status": "Pending",
			"submitted_at": now_datetime(),
			"interests": "\n".join(interests),
			"skills": "\n".join(skills),
			"preferred_locations": "\n".join(locations),
			"attribution": json.dumps(clean_attribution(form)),
			"ip_address": evidence["ip_address"],
			"user_agent": evidence["user_agent"],
		}
	).insert(ignore_permissions=True)
	if resume:
		_file, url = save_resume(*resume, "RC Community Signup", signup.name, "resume")
		frappe.db.set_value("RC Community Signup", signup.name, "resume", url, update_modified=False)
	name = signup.name
	after_response(lambda: send_confirmation(name), title="recruit_crm: community confirmation not sent")
	return {"message": _(COMMUNITY_THANKS)}


def interests_from_form(value) -> list[str]:
	try:
		return as_list(value, split_commas=True)
	except NotAList:
		return []


def short_list(text: str, limit: int) -> list[str]:
	items = (web_input.plain_text(x, 140) for x in text.split(","))
	return [x for x in items if x][:limit]


def send_confirmation(signup: str) -> bool:
	"""Email the double opt-in link, unless this address already got one in the last day.

	A repeated sign-up within a day is dropped (with its file): one confirmation email a day
	per address is plenty.
	"""
	row = frappe.db.get_value(
		"RC Community Signup", signup, ["name", "email", "full_name", "submitted_at"], as_dict=True
	)
	if not row:
		return False
	earlier = frappe.db.exists(
		"RC Community Signup",
		{
			"email": row.email,
			"status": "Pending",
			"name": ("!=", row.name),
			"submitted_at": (">", add_days(row.submitted_at, -1)),
		},
	)
	if earlier:
		frappe.delete_doc("RC Community Signup", row.name, ignore_permissions=True, force=True)
		return False
	token = tokens.make_token(row.name, tokens.CONFIRM_COMMUNITY, ttl_days=7)
	frappe.sendmail(
		recipients=[row.email],
		subject=_("Confirm your place in our talent community"),
		template="rc_community_confirm",
		args={
			"full_name": row.full_name,
			"link": get_url(f"/careers/community-confirm?t={token}"),
			"conf": careers.settings(),
		},
		reference_doctype="RC Community Signup",
		reference_name=row.name,
		now=False,
	)
	return True


def confirm_community(token: str) -> bool:
	"""Turn a confirmed sign-up into a candidate in the Talent Community pool, with consent."""
	payload = tokens.read_token(token, tokens.CONFIRM_COMMUNITY)
	if not payload or not frappe.db.exists("RC Community Signup", payload["s"]):
		return False
	signup = frappe.get_doc("RC Community Signup", payload["s"])
	if signup.status == "Confirmed":
		return True
	attribution = json.loads(signup.attribution or "{}")
	candidate = get_or_create_candidate(
		signup.email, {"full_name": signup.full_name, "resume": signup.resume}
	)
	doc = frappe.get_doc("RC Candidate", candidate)
	doc.interests = _merge_lines(doc.interests, signup.interests)
	doc.preferred_locations = _merge_lines(doc.preferred_locations, signup.preferred_locations)
	known_skills = {row.skill for row in doc.skills}
	for skill in (signup.skills or "").splitlines():
		if skill and skill not in known_skills and frappe.db.exists("Skill", skill):
			doc.append("skills", {"skill": skill, "proficiency": "Intermediate"})
			known_skills.add(skill)
	doc.flags.ignore_permissions = True
	doc.save(ignore_permissions=True)
	fill_attribution(candidate, attribution, referrer_employee(attribution.get("ref")))
	evidence = {
		"form": "talent-community",
		**request_evidence(),
		"note": json.dumps(
			{
				"signup": signup.name,
				"signed_up_at": str(signup.submitted_at),
				"signup_ip_address": signup.ip_address,
				"signup_user_agent": signup.user_agent,
			}
		),
	}

	for purpose in ("Talent Pool", "Marketing Email"):
		consent.give(candidate, purpose, method="Web Form", evidence=evidence)
	membership.add_members(
		system.system_pool("Talent Community"), [candidate], reason=_("Joined the talent community")
	)
	signup.db_set(
		{
			"status": "Confirmed",
			"candidate": candidate,
			"confirmed_at": now_datetime(),
			"confirmed_ip_address": evidence.get("ip_address"),
			"confirmed_user_agent": evidence.get("user_agent"),
		}
	)
	welcome = frappe.db.get_single_value("RC Settings", "welcome_campaign")
	if welcome:
		audience.enroll(welcome, [candidate], enrolled_by="Guest")
	for hook in frappe.get_hooks("recruit_crm_on_community_join"):
		frappe.get_attr(hook)(candidate)
	return True


def _merge_lines(current: str | None, incoming: str | None) -> str:
	lines = [line for line in (current or "").splitlines() if line.strip()]
	for line in (incoming or "").splitlines():
		if line.strip() and line not in lines:
			lines.append(line)
	return "\n".join(lines)


def expire_stale_signups() -> None:
	"""Unconfirmed sign-ups older than 7 days are deleted with their files: no consent, no data."""
	stale = frappe.get_all(
		"RC Community Signup",
		filters={"status": "Pending", "submitted_at": ("<", add_days(now_datetime(), -7))},
		pluck="name",
		limit=5000,
	)
	for name in stale:
		frappe.delete_doc("RC Community Signup", name, ignore_permissions=True, force=True)
