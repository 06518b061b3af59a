"""Consent renewal (re-permission): a signed, expiring link emailed before consent lapses."""

import frappe
from frappe import _
from frappe.utils import add_days, cint, getdate, now_datetime, today

from recruit_crm.domain.types import ConsentMethod
from recruit_crm.services.compliance import consent
from recruit_crm.services.compliance.footprint import CANDIDATE
from recruit_crm.services.portal import tokens

RENEWAL = "rc-consent-renewal"


def renewal_url(candidate: str, purposes: list[str], ttl_days: int) -> str:
	token = tokens.make_token(candidate, RENEWAL, ttl_days, {"p": sorted(purposes)})
	return frappe.utils.get_url(f"/api/method/recruit_crm.api.portal.confirm_consent?t={token}")


def send_renewal_request(candidate: str) -> bool:
	"""Email the candidate a signed, expiring link to renew the consent that is about to lapse."""
	row = frappe.db.get_value(
		CANDIDATE,
		candidate,
		["email", "full_name", "do_not_contact", "has_bounced", "is_anonymized"],
		as_dict=True,
	)
	if not row or row.do_not_contact or row.has_bounced or row.is_anonymized:
		return False
	consents = frappe.get_all(
		"RC Consent",
		filters={"candidate": candidate, "withdrawn_at": ("is", "not set"), "expires_on": (">=", today())},
		fields=["name", "purpose", "expires_on"],
		order_by=None,
	)
	if not consents:
		return False
	expires_on = min(getdate(c.expires_on) for c in consents)
	ttl = max(7, (expires_on - getdate(today())).days + 30)
	url = renewal_url(candidate, sorted({c.purpose for c in consents}), ttl)
	frappe.sendmail(
		recipients=[row.email],
		subject=_("Shall we keep in touch?"),
		message=frappe.render_template(
			"recruit_crm/templates/emails/consent_renewal.html",
			{
				"full_name": row.full_name,
				"url": url,
				"expires_on": expires_on,
				"purposes": sorted({c.purpose for c in consents}),
			},
		),
		reference_doctype=CANDIDATE,
		reference_name=candidate,
		delayed=True,
	)
	frappe.db.set_value(
		"RC Consent",
		{"name": ("in", [c.name for c in consents])},
		"repermission_requested_at",
		now_datetime(),
		update_modified=False,
	)
	return True


def send_due_renewal_requests(limit: int = 5000) -> int:
	"""Ask everyone whose consent lapses within the configured days, once per consent."""
	days = cint(frappe.db.get_single_value("RC Settings", "repermission_days_before_expiry") or 30)
	candidates = frappe.db.sql(
		"""select distinct rc.candidate from `tabRC Consent` rc
		join `tabRC Candidate` c on c.name = rc.candidate
		where rc.withdrawn_at is null and rc.repermission_requested_at is null
			and rc.expires_on between %s and %s
			and c.do_not_contact = 0 and c.has_bounced = 0 and c.is_anonymized = 0
		limit %s""",
		(today(), add_days(today(), days), limit),
		pluck=True,
	)
	sent = 0
	for candidate in candidates:
		sent += bool(send_renewal_request(candidate))
	return sent


def confirm_renewal(token: str | None, evidence: dict) -> bool:
	"""Renew each purpose named in a genuine renewal token; anything else does nothing."""
	payload = tokens.read_token(token, RENEWAL)
	if not payload:
		return False
	candidate = payload["s"]
	if not frappe.db.exists(CANDIDATE, {"name": candidate, "is_anonymized": 0, "do_not_contact": 0}):
		return False
	for purpose in (payload.get("x") or {}).get("p") or []:
		consent.give(
			candidate, purpose, ConsentMethod.WEB_FORM.value, {**evidence, "form": "Consent renewal email"}
		)
	return True
