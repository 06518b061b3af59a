"""Consent ledger and contact flags.

The ledger (RC Consent) is the record; the RC Candidate flags (`has_pool_consent`,
`has_marketing_consent`, `consent_expires_on`, `marketing_objection`, `is_unsubscribed`,
`has_bounced`, `do_not_contact`) are kept in step with it in the same transaction, so every feature
can filter with plain SQL (`nurture.constants.SENDABLE_SQL`, built from `domain.consent`).

Lawful basis (RC Settings): nurture email relies on consent by default; a site may choose
legitimate interest instead, when no opt-in is needed but every message carries a notice and a
one-click objection, and an objection (withdrawing marketing consent, unsubscribing) always wins.
Talent pools likewise: on legitimate interest, people stay in pools when their consent lapses
(withdrawal still takes them out).
"""

from datetime import date

import frappe
from frappe import _
from frappe.utils import getdate, now_datetime, today

from recruit_crm.domain import web_input
from recruit_crm.domain.consent import add_months, ledger_status
from recruit_crm.domain.types import (
	ConsentMethod,
	ConsentPurpose,
	LawfulBasis,
	TouchpointChannel,
	TouchpointType,
)
from recruit_crm.services.engagement.touchpoints import record
from recruit_crm.services.pools.membership import remove_members

CANDIDATE = "RC Candidate"
CONSENT = "RC Consent"

# Queued mail about these documents is marketing: it stops the moment marketing consent goes.
MARKETING_REFERENCE_DOCTYPES = (
	"RC Nurture Campaign",
	"RC Nurture Enrollment",
	"RC Nurture Step",
	"Newsletter",
	"Email Campaign",
)

_PURPOSES = frozenset(p.value for p in ConsentPurpose)
_METHODS = frozenset(m.value for m in ConsentMethod)


def default_expiry(given_on: date | None = None) -> date | None:
	"""Consent lasts RC Settings `consent_validity_months` (0: until withdrawn)."""
	months = frappe.db.get_single_value("RC Settings", "consent_validity_months")
	if months is None:
		months = 12
	if not months:
		return None
	return add_months(getdate(given_on or today()), int(months))


def give(
	candidate: str,
	purpose: str,
	method: str,
	evidence: dict | None = None,
	expires_on: date | str | None = None,
) -> str:
	"""Record consent for `purpose`; returns the ledger entry's name.

	`evidence` may carry `form`, `ip_address`, `user_agent` and `note`. Giving marketing consent
	again also lifts an earlier unsubscribe (the person opted back in).
	"""
	purpose, method = _check(purpose, method)
	evidence = evidence or {}
	doc = frappe.get_doc(
		{
			"doctype": CONSENT,
			"candidate": candidate,
			"purpose": purpose,
			"method": method,
			"given_at": now_datetime(),
			"expires_on": expires_on or default_expiry(),
			# Evidence is stored in its proper shape only (see domain.web_input): a forged header
			# can neither carry script into the desk nor pose as an address.
			"evidence_form": web_input.plain_text(evidence.get("form"), 140),
			"ip_address": web_input.ip_address(evidence.get("ip_address")),
			"user_agent": web_input.user_agent(evidence.get("user_agent")),
			"evidence_note": web_input.text_without_markup(evidence.get("note"), 4000),
		}
	)
	doc.insert(ignore_permissions=True)  # after_insert keeps the flags in step
	if purpose == ConsentPurpose.MARKETING_EMAIL.value:
		frappe.db.set_value(
			CANDIDATE, candidate, {"is_unsubscribed": 0, "marketing_objection": 0}, update_modified=False
		)
	return doc.name


def withdraw(
	candidate: str,
	purpose: str,
	method: str,
	evidence: dict | None = None,
) -> int:
	"""Withdraw every current consent for `purpose`; it stops everywhere at once. Returns entries closed."""
	purpose, method = _check(purpose, method)
	now = now_datetime()
	consent = frappe.qb.DocType(CONSENT)
	(
		frappe.qb.update(consent)
		.set(consent.withdrawn_at, now)
		.set(consent.withdrawal_method, method)
		.set(consent.modified, now)
		.where(
			(consent.candidate == candidate) & (consent.purpose == purpose) & consent.withdrawn_at.isnull()
		)
	).run()
	closed = frappe.db.sql("select row_count()")[0][0]
	sync_flags([candidate])
	if purpose == ConsentPurpose.MARKETING_EMAIL.value:
		# A withdrawal is also an objection: legitimate interest can never bring them back.
		frappe.db.set_value(CANDIDATE, candidate, "marketing_objection", 1, update_modified=False)
		cancel_queued_mail(candidate, marketing_only=True)
	else:
		_leave_talent_pools(candidate, _("Talent-pool consent withdrawn ({0})").format(method))
	if evidence and evidence.get("note"):
		frappe.get_doc(CANDIDATE, candidate).add_comment(
			"Info", _("Consent withdrawn ({0}): {1}").format(purpose, evidence["note"])
		)
	return closed


def unsubscribe(
	candidate: str, method: str = ConsentMethod.UNSUBSCRIBE_LINK.value, evidence: dict | None = None
) -> None:
	"""Stop all marketing to this person: flag, ledger withdrawal, queued mail cancelled, touchpoint."""
	frappe.db.set_value(CANDIDATE, candidate, "is_unsubscribed", 1, update_modified=False)
	withdraw(candidate, ConsentPurpose.MARKETING_EMAIL.value, method, evidence)

	record(
		candidate,
		TouchpointType.UNSUBSCRIBED,
		channel=TouchpointChannel.EMAIL,
		direction="Inbound",
		details=_("Unsubscribed from marketing email ({0})").format(method),
	)


def mark_bounced(candidate: str, error: str | None = None) -> None:
	"""The address hard-bounced: no more marketing mail until someone fixes it."""
	frappe.db.set_value(CANDIDATE, candidate, "has_bounced", 1, update_modified=False)
	cancel_queued_mail(candidate, marketing_only=True)


def set_do_not_contact(candidate: str, value: bool, reason: str | None = None) -> None:
	"""Set or lift Do Not Contact; setting it withdraws every consent and stops all queued mail."""
	frappe.db.set_value(CANDIDATE, candidate, "do_not_contact", 1 if value else 0)
	apply_do_not_contact(candidate, bool(value), reason)


def apply_do_not_contact(candidate: str, value: bool, reason: str | None = None) -> None:
	"""Side effects of the Do Not Contact flag, whichever way it was set (form, API, merge)."""
	emails = candidate_emails(candidate)
	if value:
		for purpose in _PURPOSES:
			withdraw(candidate, purpose, ConsentMethod.RECRUITER.value)
		cancel_queued_mail(candidate, marketing_only=False)
		# Frappe itself then drops these addresses from every outgoing mail, desk replies included.
		for email in emails:
			if not frappe.db.exists(
				"Email Unsubscribe",
				{
					"email": email,
					"global_unsubscribe": 1,
					"reference_doctype": CANDIDATE,
					"reference_name": candidate,
				},
			):
				frappe.get_doc(
					{
						"doctype": "Email Unsubscribe",
						"email": email,
						"global_unsubscribe": 1,
						"reference_doctype": CANDIDATE,
						"reference_name": candidate,
					}
				).insert(ignore_permissions=True)
	else:
		frappe.db.delete(
			"Email Unsubscribe",
			{"reference_doctype": CANDIDATE, "reference_name": candidate, "global_unsubscribe": 1},
		)
	if reason:
		frappe.get_doc(CANDIDATE, candidate).add_comment(
			"Info",
			(_("Marked Do Not Contact: {0}") if value else _("Do Not Contact lifted: {0}")).format(reason),
		)


def sync_flags(candidates: list[str]) -> None:
	"""Re-derive the consent flags of these candidates from the ledger (set-based)."""
	names = sorted({c for c in candidates if c})
	if not names:
		return
	frappe.db.sql(
		f"""update `tab{CANDIDATE}` c
		left join (
			select candidate,
				max(purpose = %(pool)s) as pool, max(purpose = %(marketing)s) as marketing,
				min(expires_on) as expires_on
			from `tab{CONSENT}`
			where candidate in %(names)s and withdrawn_at is null
				and (expires_on is null or expires_on >= %(today)s)
			group by candidate
		) s on s.candidate = c.name
		set c.has_pool_consent = coalesce(s.pool, 0),
			c.has_marketing_consent = coalesce(s.marketing, 0),
			c.consent_expires_on = s.expires_on
		where c.name in %(names)s""",
		{
			"names": names,
			"pool": ConsentPurpose.TALENT_POOL.value,
			"marketing": ConsentPurpose.MARKETING_EMAIL.value,
			"today": today(),
		},
	)


def expire_lapsed_consents() -> int:
	"""Daily: consent past its expiry stops counting (flags re-derived). Returns candidates affected."""
	lapsed = frappe.db.sql(
		f"""select name from `tab{CANDIDATE}`
		where (has_pool_consent = 1 or has_marketing_consent = 1) and consent_expires_on < %s""",
		today(),
		pluck=True,
	)
	pools_need_consent = pool_basis() == LawfulBasis.CONSENT
	for start in range(0, len(lapsed), 5000):
		chunk = lapsed[start : start + 5000]
		sync_flags(chunk)
		if pools_need_consent:
			_leave_pools_without_consent(chunk)
	return len(lapsed)


def marketing_basis() -> LawfulBasis:
	"""What nurture email relies on for people who have not consented (RC Settings)."""
	return _basis("marketing_basis")


def pool_basis() -> LawfulBasis:
	"""What keeping people in talent pools relies on (RC Settings)."""
	return _basis("talent_pool_basis")


def _basis(field: str) -> LawfulBasis:
	value = frappe.db.get_single_value("RC Settings", field)
	return (
		LawfulBasis.LEGITIMATE_INTEREST
		if value == LawfulBasis.LEGITIMATE_INTEREST.value
		else LawfulBasis.CONSENT
	)


DEFAULT_NOTICE = (
	"You hear from us because of your earlier contact with our recruiting team: we think our "
	"openings may interest you (our legitimate interest). You can object at any time, and we will "
	"not write to you about openings again."
)


def legitimate_interest_notice() -> str:
	"""The notice every message sent on legitimate interest carries (plain text)."""
	text = frappe.db.get_single_value("RC Settings", "legitimate_interest_notice") or ""
	return web_input.text_without_markup(text, 1000) or _(DEFAULT_NOTICE)


def _leave_pools_without_consent(candidates: list[str]) -> None:
	for candidate in frappe.get_all(
		CANDIDATE, filters={"name": ("in", candidates), "has_pool_consent": 0}, pluck="name"
	):
		_leave_talent_pools(candidate, _("Talent-pool consent expired"))


def _leave_talent_pools(candidate: str, reason: str) -> None:
	"""Active talent-pool memberships end when pool consent goes."""
	for pool in frappe.get_all(
		"RC Talent Pool Member",
		filters={"candidate": candidate, "removed_at": ("is", "not set")},
		pluck="talent_pool",
	):
		remove_members(pool, [candidate], reason)


def ledger(candidate: str) -> list[dict]:
	"""The candidate's consent ledger, newest first, each entry with its state today."""
	rows = frappe.get_all(
		CONSENT,
		filters={"candidate": candidate},
		fields=[
			"name",
			"purpose",
			"method",
			"given_at",
			"expires_on",
			"withdrawn_at",
			"withdrawal_method",
			"evidence_form",
			"ip_address",
			"recorded_by",
		],
		order_by="given_at desc",
	)
	day = getdate(today())
	for row in rows:
		row.status = ledger_status(row.withdrawn_at, getdate(row.expires_on) if row.expires_on else None, day)
	return rows


def candidate_emails(candidate: str) -> list[str]:
	"""Primary and alternate addresses of the candidate."""
	primary = frappe.db.get_value(CANDIDATE, candidate, "email")
	alternates = frappe.get_all(
		"RC Candidate Email", filters={"parent": candidate, "parenttype": CANDIDATE}, pluck="email"
	)
	return [e for e in dict.fromkeys([primary, *alternates]) if e]


def cancel_queued_mail(candidate: str, marketing_only: bool) -> int:
	"""Mark not-yet-sent Email Queue rows to this person as errors so they are never sent."""
	emails = candidate_emails(candidate)
	if not emails:
		return 0
	marketing = ""
	params: dict = {"emails": emails, "msg": "Cancelled: recipient withdrew consent / do not contact"}
	if marketing_only:
		marketing = "and q.reference_doctype in %(marketing)s"
		params["marketing"] = MARKETING_REFERENCE_DOCTYPES
	frappe.db.sql(
		f"""update `tabEmail Queue` q
		join `tabEmail Queue Recipient` r on r.parent = q.name
		set q.status = 'Error', q.error = %(msg)s, r.status = 'Not Sent'
		where q.status in ('Not Sent', 'Partially Sent') and r.recipient in %(emails)s {marketing}
			and not exists (select 1 from `tabEmail Queue Recipient` o
				where o.parent = q.name and o.recipient not in %(emails)s)""",
		params,
	)
	return frappe.db.sql("select row_count()")[0][0]


def _check(purpose: str, method: str) -> tuple[str, str]:
	purpose = getattr(purpose, "value", purpose)
	method = getattr(method, "value", method)
	if purpose not in _PURPOSES:
		frappe.throw(_("Unknown consent purpose: {0}").format(purpose))
	if method not in _METHODS:
		frappe.throw(_("Unknown consent method: {0}").format(method))
	return purpose, method
