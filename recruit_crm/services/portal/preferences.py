"""The preference centre, reached by a signed link or a website login: profile basics,
interests, frequency, pause, unsubscribe, download my data, erasure request. Links of erased
or anonymised people open nothing.
"""

import frappe
from frappe import _
from frappe.utils import add_days, cint, today

from recruit_crm.domain import web_input
from recruit_crm.domain.roles import HR_MANAGER
from recruit_crm.domain.types import EmailFrequency
from recruit_crm.services.compliance import consent, export
from recruit_crm.services.portal import careers, tokens
from recruit_crm.services.portal.applications import PortalInputError, person_name, text_field
from recruit_crm.services.portal.community import interests_from_form, short_list
from recruit_crm.services.portal.request_context import request_evidence


def candidate_from_request(token: str | None) -> str | None:
	"""The candidate a preference-centre request is about: from a signed link, or the logged-in user."""
	if token:
		payload = tokens.read_token(token, tokens.PREFERENCES)
		return payload["s"] if payload and _is_live_candidate(payload["s"]) else None
	user = frappe.session.user
	if user and user != "Guest":
		return frappe.db.get_value("RC Candidate", {"email": user.lower(), "is_anonymized": 0}, "name")
	return None


def candidate_from_unsubscribe_token(token: str | None) -> str | None:
	"""The candidate named by an unsubscribe link (or a preferences link), if genuine."""
	for purpose in (tokens.UNSUBSCRIBE, tokens.PREFERENCES):
		payload = tokens.read_token(token, purpose)
		if payload and _is_live_candidate(payload["s"]):
			return payload["s"]
	return None


def _is_live_candidate(candidate: str) -> bool:
	"""Links in old emails die with the person: erased (gone) or anonymised candidates open nothing."""
	return bool(frappe.db.exists("RC Candidate", {"name": candidate, "is_anonymized": 0}))


PREFERENCE_FIELDS = ("full_name", "phone", "current_title", "location")
FREQUENCIES = tuple(f.value for f in EmailFrequency)


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
		updates["interests"] = "\n".join(
			i for i in interests_from_form(form.get("interests")) if i in allowed
		)
	if "preferred_locations" in form:
		updates["preferred_locations"] = "\n".join(
			s for s in short_list(text_field(form, "preferred_locations", 500), 50)
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
	consent.unsubscribe(candidate, method=method, evidence=request_evidence())
	return {"message": _("You are unsubscribed from all our emails.")}


def export_my_data(candidate: str) -> dict:
	return export.export_candidate(candidate)


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
			"role": HR_MANAGER,
			"parenttype": "User",
			"parent": ("not in", ("Administrator", "Guest")),
		},
		pluck="parent",
		distinct=True,
	) or ["Administrator"]
