"""What candidates do on the portal: apply, join the talent community, manage preferences.

Every function here answers the same way whether or not the email belongs to someone we
know; errors only ever describe the input itself.
"""

import json

import frappe
from frappe import _
from frappe.utils import add_days, cint, get_url, now_datetime, today

from recruit_crm.domain.candidates import InvalidEmail, normalize_email
from recruit_crm.domain.careers import clean_attribution
from recruit_crm.domain.uploads import RejectedUpload, sniff_resume
from recruit_crm.services import careers, portal_tokens
from recruit_crm.services.candidates import get_or_create_candidate

APPLY_THANKS = "Thank you! Your application has been received. We will be in touch by email."
COMMUNITY_THANKS = "Almost there: check your inbox and confirm your email to join our talent community."
REFERRAL = "referral"


class PortalInputError(frappe.ValidationError):
	"""Bad input from a visitor; the message is safe to show and says nothing about anyone."""


def _text(form: dict, key: str, max_length: int, required: bool = False, label: str | None = None) -> str:
	value = form.get(key)
	value = value.strip() if isinstance(value, str) else ""
	if required and not value:
		frappe.throw(_("{0} is required.").format(label or key), PortalInputError)
	if len(value) > max_length:
		frappe.throw(
			_("{0} is too long (at most {1} characters).").format(label or key, max_length), PortalInputError
		)
	return value


def _email(form: dict) -> str:
	try:
		return normalize_email(form.get("email"))
	except InvalidEmail:
		frappe.throw(_("Please enter a valid email address."), PortalInputError)


def _request_evidence() -> dict:
	request = getattr(frappe.local, "request", None)
	user_agent = request.headers.get("User-Agent", "")[:500] if request else ""
	return {"ip_address": getattr(frappe.local, "request_ip", None), "user_agent": user_agent}


def _check_resume(upload, required: bool) -> tuple[bytes, str] | None:
	if upload is None or not getattr(upload, "filename", None):
		if required:
			frappe.throw(_("Please attach your resume."), PortalInputError)
		return None
	limit = careers.settings().max_resume_mb * 1024 * 1024
	content = upload.stream.read(limit + 1)
	try:
		kind = sniff_resume(content, limit)
	except RejectedUpload as e:
		frappe.throw(_(str(e)), PortalInputError)
	return content, kind


def _save_resume(content: bytes, kind: str, doctype: str, name: str, fieldname: str | None) -> str:
	"""Store a checked resume as a private file; its name never comes from the visitor."""
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"resume-{frappe.generate_hash(length=8)}.{kind}",
			"attached_to_doctype": doctype,
			"attached_to_name": name,
			"attached_to_field": fieldname,
			"is_private": 1,
			"content": content,
		}
	)
	file.flags.ignore_permissions = True
	file.insert(ignore_permissions=True)
	return file.file_url


def referrer_employee(ref: str | None) -> str | None:
	"""The Employee behind a referral token from a share link, if the token is genuine."""
	payload = portal_tokens.read_token(ref, REFERRAL) if ref else None
	if payload and frappe.db.exists("Employee", payload["s"]):
		return payload["s"]
	return None


def apply(form: dict, resume_upload) -> dict:
	"""Create an HRMS Job Applicant from the careers apply form."""
	if form.get("website"):  # honeypot filled: a bot. Same answer, nothing stored.
		return {"message": _(APPLY_THANKS)}
	opening_name = _text(form, "job_opening", 140, required=True, label=_("Job opening"))
	opening = frappe.db.get_value(
		"Job Opening",
		{"name": opening_name, "status": "Open", "publish": 1},
		["name", "company"],
		as_dict=True,
	)
	if not opening:
		frappe.throw(_("This position is no longer open."), PortalInputError)
	full_name = _text(form, "applicant_name", 140, required=True, label=_("Full name"))
	email = _email(form)
	phone = _text(form, "phone", 40, label=_("Phone"))
	cover_letter = _text(form, "cover_letter", 10000, label=_("Cover letter"))
	resume = _check_resume(resume_upload, required=True)
	attribution = clean_attribution(form)
	referrer = referrer_employee(attribution.get("ref"))

	existing = frappe.db.get_value("Job Applicant", {"email_id": email, "job_title": opening.name}, "name")
	if existing:
		# Applying twice changes nothing and looks exactly like the first time.
		return {"message": _(APPLY_THANKS)}
	source = "Employee Referral" if referrer else _pick_source(attribution)
	applicant = frappe.get_doc(
		{
			"doctype": "Job Applicant",
			"applicant_name": full_name,
			"email_id": email,
			"phone_number": phone,
			"job_title": opening.name,
			"status": "Open",
			"cover_letter": cover_letter,
			"source": source,
			"source_name": referrer,
			"rc_utm_source": attribution.get("utm_source"),
			"rc_utm_medium": attribution.get("utm_medium"),
			"rc_utm_campaign": attribution.get("utm_campaign"),
		}
	)
	applicant.flags.ignore_permissions = True
	applicant.insert(ignore_permissions=True)
	if resume:
		url = _save_resume(*resume, "Job Applicant", applicant.name, "resume_attachment")
		applicant.db_set("resume_attachment", url, update_modified=False)
	candidate = applicant.get("rc_candidate")
	if candidate:
		_fill_attribution(candidate, attribution, referrer, resume_url=applicant.resume_attachment)
		if cint(form.get("consent_talent_pool")):
			_give_consent(candidate, "Talent Pool", "careers-apply", extra={"job_opening": opening.name})
	return {"message": _(APPLY_THANKS)}


def _pick_source(attribution: dict) -> str | None:
	source = "Campaign" if attribution.get("utm_campaign") else "Website Listing"
	return source if frappe.db.exists("Job Applicant Source", source) else None


def _fill_attribution(
	candidate: str, attribution: dict, referrer: str | None, resume_url: str | None = None
) -> None:
	values = frappe.db.get_value(
		"RC Candidate",
		candidate,
		["source_campaign", "source_medium", "source_referrer", "referred_by", "resume"],
		as_dict=True,
	)
	updates = {}
	for field, value in (
		("source_campaign", attribution.get("utm_campaign")),
		("source_medium", attribution.get("utm_medium") or attribution.get("utm_source")),
		("source_referrer", attribution.get("utm_source")),
		("referred_by", referrer),
		("resume", resume_url),
	):
		if value and not values.get(field):
			updates[field] = value
	if updates:
		frappe.db.set_value("RC Candidate", candidate, updates)


def _give_consent(candidate: str, purpose: str, form_name: str, extra: dict | None = None) -> None:
	from recruit_crm.services import consent

	evidence = {"form": form_name, **_request_evidence()}
	if extra:
		evidence["note"] = json.dumps(extra, default=str)
	consent.give(candidate, purpose, method="Web Form", evidence=evidence)


def track_visit(form: dict) -> None:
	"""Count an anonymous visit from a tracked link against its channel, campaign and sharer."""
	attribution = clean_attribution(form)
	if not attribution.get("utm_source") and not attribution.get("ref"):
		return
	landing = form.get("landing") if isinstance(form.get("landing"), str) else ""
	landing = landing[:140] if landing.startswith("/careers") else ""
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
	"""Record a sign-up and send the double opt-in email; nobody joins before confirming."""
	if form.get("website"):
		return {"message": _(COMMUNITY_THANKS)}
	full_name = _text(form, "full_name", 140, required=True, label=_("Full name"))
	email = _email(form)
	if not cint(form.get("consent")):
		frappe.throw(_("Please agree to join the talent community."), PortalInputError)
	allowed = set(careers.settings().interests)
	interests = [i for i in _as_list(form.get("interests")) if i in allowed]
	skills = [s for s in (x.strip() for x in _text(form, "skills", 1000, label=_("Skills")).split(",")) if s][
		:30
	]
	locations = [s for s in (x.strip() for x in _text(form, "preferred_locations", 500).split(",")) if s][:10]
	resume = _check_resume(resume_upload, required=False)
	evidence = _request_evidence()
	pending = frappe.db.get_value("RC Community Signup", {"email": email, "status": "Pending"}, "name")
	if pending and frappe.db.get_value("RC Community Signup", pending, "submitted_at") > add_days(
		now_datetime(), -1
	):
		# One confirmation email a day per address is plenty; the answer stays the same.
		return {"message": _(COMMUNITY_THANKS)}
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
		signup.db_set("resume", _save_resume(*resume, "RC Community Signup", signup.name, "resume"))
	token = portal_tokens.make_token(signup.name, portal_tokens.CONFIRM_COMMUNITY, ttl_days=7)
	link = get_url(f"/careers/community-confirm?t={token}")
	frappe.sendmail(
		recipients=[email],
		subject=_("Confirm your place in our talent community"),
		template="rc_community_confirm",
		args={"full_name": full_name, "link": link, "conf": careers.settings()},
		reference_doctype="RC Community Signup",
		reference_name=signup.name,
		now=False,
	)
	return {"message": _(COMMUNITY_THANKS)}


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
	_fill_attribution(candidate, attribution, referrer_employee(attribution.get("ref")))
	evidence = {
		"form": "talent-community",
		**_request_evidence(),
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
		return payload["s"] if payload and frappe.db.exists("RC Candidate", payload["s"]) else None
	user = frappe.session.user
	if user and user != "Guest":
		return frappe.db.get_value("RC Candidate", {"email": user.lower(), "is_anonymized": 0}, "name")
	return None


def candidate_from_unsubscribe_token(token: str | None) -> str | None:
	"""The candidate named by an unsubscribe link (or a preferences link), if genuine."""
	for purpose in (portal_tokens.UNSUBSCRIBE, portal_tokens.PREFERENCES):
		payload = portal_tokens.read_token(token, purpose)
		if payload and frappe.db.exists("RC Candidate", payload["s"]):
			return payload["s"]
	return None


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
	updates = {f: _text(form, f, 140 if f != "phone" else 40) for f in PREFERENCE_FIELDS if f in form}
	if "full_name" in updates and not updates["full_name"]:
		frappe.throw(_("Full name is required."), PortalInputError)
	allowed = set(careers.settings().interests)
	if "interests" in form:
		updates["interests"] = "\n".join(i for i in _as_list(form.get("interests")) if i in allowed)
	if "preferred_locations" in form:
		updates["preferred_locations"] = "\n".join(
			s for s in (x.strip() for x in _text(form, "preferred_locations", 500).split(",")) if s
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

	consent.unsubscribe(candidate, method=method, evidence=_request_evidence())
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
