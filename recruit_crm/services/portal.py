"""What candidates do on the portal: apply, join the talent community, manage preferences.

Every function here answers the same way whether or not the email belongs to someone we
know; errors only ever describe the input itself.
"""

import json

import frappe
from frappe import _
from frappe.utils import add_days, cint, get_url, now_datetime, today

from recruit_crm.domain import web_input
from recruit_crm.domain.careers import clean_attribution
from recruit_crm.services import careers, portal_tokens
from recruit_crm.services.applications import (
	PortalInputError,
	check_resume,
	email_field,
	fill_attribution,
	person_name,
	receive_application,
	referrer_employee,
	save_resume,
	text_field,
)
from recruit_crm.services.candidates import get_or_create_candidate
from recruit_crm.services.deferred import after_response
from recruit_crm.services.request_context import request_evidence

APPLY_THANKS = "Thank you! Your application has been received. We will be in touch by email."
COMMUNITY_THANKS = "Almost there: check your inbox and confirm your email to join our talent community."

__all__ = ["PortalInputError"]


def apply(form: dict, resume_upload) -> dict:
	"""The careers apply form: validated in full, then answered the same way for everyone.

	Whether the person is new, known, or has applied before is only looked at after the
	response has been sent (`applications.process_application`).
	"""
	if form.get("website"):  # honeypot filled: a bot. Same answer, nothing stored.
		return {"message": _(APPLY_THANKS)}
	receive_application(form, resume_upload)
	return {"message": _(APPLY_THANKS)}


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
		from recruit_crm.services import touchpoints

		touchpoints.record(
			candidate, "Content Viewed", channel="Web", reference_doctype="RC Content", reference_name=content
		)


# ------------------------------------------------------------------ talent community


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
	interests = [i for i in _as_list(form.get("interests")) if i in allowed]
	skills = _short_list(text_field(form, "skills", 1000, label=_("Skills")), 30)
	locations = _short_list(text_field(form, "preferred_locations", 500, label=_("Preferred locations")), 10)
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


def _short_list(text: str, limit: int) -> list[str]:
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
	token = portal_tokens.make_token(row.name, portal_tokens.CONFIRM_COMMUNITY, ttl_days=7)
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


def _as_list(value) -> list[str]:
	if isinstance(value, list):
		return [str(v).strip() for v in value if str(v).strip()]
	if isinstance(value, str):
		try:
			parsed = json.loads(value)
			if isinstance(parsed, list):
				return _as_list(parsed)
		except ValueError:
			pass
		return [v.strip() for v in value.split(",") if v.strip()]
	return []


def confirm_community(token: str) -> bool:
	"""Turn a confirmed sign-up into a candidate in the Talent Community pool, with consent."""
	payload = portal_tokens.read_token(token, portal_tokens.CONFIRM_COMMUNITY)
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
	from recruit_crm.services import consent, pools

	for purpose in ("Talent Pool", "Marketing Email"):
		consent.give(candidate, purpose, method="Web Form", evidence=evidence)
	pools.add_members(
		pools.system_pool("Talent Community"), [candidate], reason=_("Joined the talent community")
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
		from recruit_crm.services import nurture

		nurture.enroll(welcome, [candidate], enrolled_by="Guest")
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


# ------------------------------------------------------------------ preference centre


def candidate_from_request(token: str | None) -> str | None:
	"""The candidate a preference-centre request is about: from a signed link, or the logged-in user."""
	if token:
		payload = portal_tokens.read_token(token, portal_tokens.PREFERENCES)
		return payload["s"] if payload and _is_live_candidate(payload["s"]) else None
	user = frappe.session.user
	if user and user != "Guest":
		return frappe.db.get_value("RC Candidate", {"email": user.lower(), "is_anonymized": 0}, "name")
	return None


def candidate_from_unsubscribe_token(token: str | None) -> str | None:
	"""The candidate named by an unsubscribe link (or a preferences link), if genuine."""
	for purpose in (portal_tokens.UNSUBSCRIBE, portal_tokens.PREFERENCES):
		payload = portal_tokens.read_token(token, purpose)
		if payload and _is_live_candidate(payload["s"]):
			return payload["s"]
	return None


def _is_live_candidate(candidate: str) -> bool:
	"""Links in old emails die with the person: erased (gone) or anonymised candidates open nothing."""
	return bool(frappe.db.exists("RC Candidate", {"name": candidate, "is_anonymized": 0}))


PREFERENCE_FIELDS = ("full_name", "phone", "current_title", "location")
FREQUENCIES = ("Any", "Weekly", "Monthly", "Important Only")


def preferences_context(candidate: str) -> dict:
	doc = frappe.get_doc("RC Candidate", candidate)
	return {
		"full_name": doc.full_name,
		"email": doc.email,
		"phone": doc.phone,
		"current_title": doc.current_title,
		"location": doc.location,
		"interests": [i for i in (doc.interests or "").splitlines() if i],
		"preferred_locations": ", ".join(i for i in (doc.preferred_locations or "").splitlines() if i),
		"email_frequency": doc.email_frequency or "Any",
		"emails_paused_until": doc.emails_paused_until,
		"is_unsubscribed": doc.is_unsubscribed,
		"options": careers.settings().interests,
		"frequencies": FREQUENCIES,
	}


def update_preferences(candidate: str, form: dict) -> dict:
	"""Apply the preference-centre form: profile basics, interests, frequency, pause."""
	updates = {
		f: web_input.plain_text(text_field(form, f, 140 if f != "phone" else 40), 140) or ""
		for f in PREFERENCE_FIELDS
		if f in form and f != "full_name"
	}
	if "full_name" in form:
		updates["full_name"] = person_name(form, "full_name", _("Full name"))
	allowed = set(careers.settings().interests)
	if "interests" in form:
		updates["interests"] = "\n".join(i for i in _as_list(form.get("interests")) if i in allowed)
	if "preferred_locations" in form:
		updates["preferred_locations"] = "\n".join(
			s for s in _short_list(text_field(form, "preferred_locations", 500), 50)
		)
	if "email_frequency" in form:
		if form["email_frequency"] not in FREQUENCIES:
			frappe.throw(_("Unknown email frequency."), PortalInputError)
		updates["email_frequency"] = form["email_frequency"]
	if "pause_weeks" in form:
		weeks = cint(form.get("pause_weeks"))
		if weeks < 0 or weeks > 52:
			frappe.throw(_("Pause for 0 to 52 weeks."), PortalInputError)
		updates["emails_paused_until"] = add_days(today(), weeks * 7) if weeks else None
	doc = frappe.get_doc("RC Candidate", candidate)
	doc.update(updates)
	doc.flags.ignore_permissions = True
	doc.save(ignore_permissions=True)
	return {"message": _("Your preferences are saved.")}


def unsubscribe_everything(candidate: str, method: str) -> dict:
	from recruit_crm.services import consent

	consent.unsubscribe(candidate, method=method, evidence=request_evidence())
	return {"message": _("You are unsubscribed from all our emails.")}


def export_my_data(candidate: str) -> dict:
	from recruit_crm.services import privacy

	return privacy.export_candidate(candidate)


def request_erasure(candidate: str) -> dict:
	"""Record an erasure request for HR (answered within a month) and stop all contact now."""
	frappe.db.set_value("RC Candidate", candidate, "do_not_contact", 1)
	doc = frappe.get_doc("RC Candidate", candidate)
	doc.add_comment("Info", _("The candidate asked for erasure of their data from the preference centre."))
	for user in _hr_managers():
		frappe.get_doc(
			{
				"doctype": "ToDo",
				"allocated_to": user,
				"reference_type": "RC Candidate",
				"reference_name": candidate,
				"description": _(
					"Erasure requested by the candidate: erase their data (Actions → Erase) within one month."
				),
				"priority": "High",
				"date": add_days(today(), 30),
			}
		).insert(ignore_permissions=True)
	return {"message": _("We have received your request and will erase your data within one month.")}


def _hr_managers() -> list[str]:
	return frappe.get_all(
		"Has Role",
		filters={
			"role": "HR Manager",
			"parenttype": "User",
			"parent": ("not in", ("Administrator", "Guest")),
		},
		pluck="parent",
		distinct=True,
	) or ["Administrator"]
