"""Asking people without consent for it: one message with a signed confirm link.

A recruiter picks people (a list selection, Find Candidates) and asks; each person who may be
asked gets one email, at most once in `ASK_AGAIN_AFTER_DAYS`, and nothing is recorded as consent
until they press the button on the confirmation page (a GET shows it, so link scanners never
consent). The confirmation is written to the consent ledger with its evidence: the address and
browser it came from and when we asked.
"""

import frappe
from frappe import _
from frappe.utils import add_days, get_url, now_datetime

from recruit_crm.domain.types import ConsentMethod, ConsentPurpose, TouchpointType
from recruit_crm.services.compliance import consent
from recruit_crm.services.engagement import touchpoints
from recruit_crm.services.portal import tokens

CANDIDATE = "RC Candidate"
REQUEST = "rc-consent-request"
TTL_DAYS = 30
ASK_AGAIN_AFTER_DAYS = 90
BACKGROUND_ABOVE = 200  # ask this many or more in a background job, in chunks
CHUNK = 500
PURPOSES = (ConsentPurpose.TALENT_POOL.value, ConsentPurpose.MARKETING_EMAIL.value)


def request_url(candidate: str, purposes: list[str]) -> str:
	token = tokens.make_token(candidate, REQUEST, TTL_DAYS, {"p": sorted(purposes)})
	return get_url(f"/api/method/recruit_crm.api.portal.confirm_consent?t={token}")


def who_may_be_asked(candidates: list[str]) -> tuple[list[str], dict[str, int]]:
	"""The people among `candidates` we may ask (set-based), and how many are left out, by reason."""
	names = sorted({c for c in candidates if c})
	if not names:
		return [], {}
	rows = frappe.db.sql(
		f"""select name,
			case
				when is_anonymized = 1 then 'Anonymised'
				when do_not_contact = 1 then 'Do not contact'
				when is_unsubscribed = 1 then 'Unsubscribed'
				when has_bounced = 1 then 'Email bounced'
				when ifnull(email, '') = '' then 'No email address'
				when has_pool_consent = 1 and has_marketing_consent = 1 then 'Already gave permission'
				when consent_requested_at >= %(recent)s then 'Asked recently'
				else null end as reason
		from `tab{CANDIDATE}` where name in %(names)s""",
		{"names": names, "recent": add_days(now_datetime(), -ASK_AGAIN_AFTER_DAYS)},
		as_dict=True,
	)
	askable, left_out = [], {}
	for row in rows:
		if row.reason:
			left_out[row.reason] = left_out.get(row.reason, 0) + 1
		else:
			askable.append(row.name)
	missing = len(names) - len(rows)
	if missing:
		left_out["Not found"] = missing
	return askable, left_out


def ask(candidates: list[str]) -> dict:
	"""Ask the people who may be asked; a large selection is asked in the background.

	Returns {"asked": n (or queued), "queued": bool, "left_out": {reason: count}}.
	"""
	askable, left_out = who_may_be_asked(candidates)
	if len(askable) >= BACKGROUND_ABOVE:
		for start in range(0, len(askable), CHUNK):
			frappe.enqueue(
				"recruit_crm.tasks.compliance.ask_for_permission",
				queue="long",
				enqueue_after_commit=True,
				candidates=askable[start : start + CHUNK],
			)
		return {"asked": len(askable), "queued": True, "left_out": left_out}
	return {"asked": send_requests(askable), "queued": False, "left_out": left_out}


def send_requests(candidates: list[str]) -> int:
	"""Send one permission request to each of these people who may still be asked. Idempotent:
	a person asked in the last `ASK_AGAIN_AFTER_DAYS` is not asked again."""
	askable, _left_out = who_may_be_asked(candidates)
	if not askable:
		return 0
	people = frappe.get_all(
		CANDIDATE,
		filters={"name": ("in", askable)},
		fields=["name", "email", "full_name", "has_pool_consent", "has_marketing_consent"],
	)
	now = now_datetime()
	for person in people:
		purposes = [
			p
			for p, has in zip(PURPOSES, (person.has_pool_consent, person.has_marketing_consent), strict=True)
			if not has
		]
		frappe.sendmail(
			recipients=[person.email],
			subject=_("May we keep in touch about roles that suit you?"),
			message=frappe.render_template(
				"recruit_crm/templates/emails/consent_request.html",
				{
					"full_name": person.full_name,
					"url": request_url(person.name, purposes),
					"purposes": purposes,
				},
			),
			reference_doctype=CANDIDATE,
			reference_name=person.name,
			delayed=True,
		)
	frappe.db.set_value(
		CANDIDATE, {"name": ("in", askable)}, "consent_requested_at", now, update_modified=False
	)
	touchpoints.record_many(
		[
			{
				"candidate": person.name,
				"touchpoint_type": TouchpointType.EMAIL_SENT.value,
				"channel": "Email",
				"direction": "Outbound",
				"occurred_at": now,
				"details": "Asked for permission to keep in touch",
			}
			for person in people
		]
	)
	return len(people)


def confirm(token: str | None, evidence: dict) -> bool:
	"""Record the consent a genuine request token asks for; anything else does nothing."""
	payload = tokens.read_token(token, REQUEST)
	if not payload:
		return False
	candidate = payload["s"]
	if not frappe.db.exists(CANDIDATE, {"name": candidate, "is_anonymized": 0, "do_not_contact": 0}):
		return False
	asked_at = frappe.db.get_value(CANDIDATE, candidate, "consent_requested_at")
	for purpose in (payload.get("x") or {}).get("p") or []:
		consent.give(
			candidate,
			purpose,
			ConsentMethod.EMAIL_LINK.value,
			{**evidence, "form": "Permission request email", "note": f"Asked on {asked_at}"},
		)
	return True
