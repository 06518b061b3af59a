"""Consent and retention rules: what the ledger allows, and when a person's data must go."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from recruit_crm.domain.types import ConsentPurpose, LawfulBasis


@dataclass(frozen=True)
class ConsentEntry:
	purpose: str
	given_at: datetime
	expires_on: date | None = None
	withdrawn_at: datetime | None = None


def is_valid(entry: ConsentEntry, today: date) -> bool:
	"""Given, not withdrawn, and not past its expiry date."""
	return entry.withdrawn_at is None and (entry.expires_on is None or entry.expires_on >= today)


@dataclass(frozen=True)
class ConsentFlags:
	has_pool_consent: bool
	has_marketing_consent: bool
	consent_expires_on: date | None


def flags_from_ledger(entries: list[ConsentEntry], today: date) -> ConsentFlags:
	"""The candidate flags the ledger implies: which purposes hold today and when the first one lapses."""
	valid = [e for e in entries if is_valid(e, today)]
	purposes = {e.purpose for e in valid}
	expiries = [e.expires_on for e in valid if e.expires_on is not None]
	return ConsentFlags(
		has_pool_consent=ConsentPurpose.TALENT_POOL.value in purposes,
		has_marketing_consent=ConsentPurpose.MARKETING_EMAIL.value in purposes,
		consent_expires_on=min(expiries) if expiries else None,
	)


def add_months(day: date, months: int) -> date:
	"""The same day `months` later, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
	month_index = day.month - 1 + months
	year, month = day.year + month_index // 12, month_index % 12 + 1
	for candidate_day in (day.day, 30, 29, 28):
		try:
			return date(year, month, min(day.day, candidate_day))
		except ValueError:
			continue
	raise ValueError(day)


def is_sendable(
	*,
	do_not_contact: bool,
	is_unsubscribed: bool,
	has_bounced: bool,
	has_marketing_consent: bool,
	is_anonymized: bool,
	legitimate_interest: bool = False,
	objected: bool = False,
) -> bool:
	"""May we send this person marketing email? (Same rule as the SQL filter other features use.)

	On consent (the default) the person must have opted in. On legitimate interest no opt-in is
	needed, but an objection (an unsubscribe, or a withdrawn consent) always wins."""
	allowed = has_marketing_consent or (legitimate_interest and not objected)
	return bool(
		not do_not_contact and not is_unsubscribed and not has_bounced and allowed and not is_anonymized
	)


def marketing_basis(
	*, has_valid_consent: bool, legitimate_interest: bool, objected: bool
) -> LawfulBasis | None:
	"""The basis a marketing email to this person relies on: their consent when they gave it (it
	is the stronger one), else the organisation's legitimate interest when the site chose it and
	they have not objected; None when neither holds."""
	if has_valid_consent:
		return LawfulBasis.CONSENT
	if legitimate_interest and not objected:
		return LawfulBasis.LEGITIMATE_INTEREST
	return None


# The same rules in SQL over `tabRC Candidate` aliased `c` (params: %(today)s). The site's choice
# is read inside the statement (an uncommitted subquery MariaDB evaluates once), so every query
# that filters on SENDABLE follows RC Settings without the caller passing anything.
MARKETING_LI_SQL = """exists (select 1 from `tabSingles` s where s.doctype = 'RC Settings'
	and s.field = 'marketing_basis' and s.value = 'Legitimate Interest')"""
POOL_LI_SQL = MARKETING_LI_SQL.replace("marketing_basis", "talent_pool_basis")
VALID_MARKETING_CONSENT_SQL = """(c.has_marketing_consent = 1
	and (c.consent_expires_on is null or c.consent_expires_on >= %(today)s))"""
MARKETING_ALLOWED_SQL = f"""({VALID_MARKETING_CONSENT_SQL}
	or (c.marketing_objection = 0 and {MARKETING_LI_SQL}))"""
BASIS_SQL = f"""case when {VALID_MARKETING_CONSENT_SQL} then '{LawfulBasis.CONSENT.value}'
	when c.marketing_objection = 0 and {MARKETING_LI_SQL} then '{LawfulBasis.LEGITIMATE_INTEREST.value}' end"""


@dataclass(frozen=True)
class RetentionFacts:
	has_valid_consent: bool  # talent pool or marketing, not withdrawn, not expired
	has_open_application: bool
	is_hired: bool
	is_anonymized: bool
	last_decision_at: datetime | None  # latest closed application, else last activity, else creation


def retention_due_on(facts: RetentionFacts, retention_months: int) -> tuple[date | None, str]:
	"""When this person's data falls due for anonymisation (None: not while things stay as they are), and why."""
	if facts.is_anonymized:
		return None, "already anonymised"
	if facts.is_hired:
		return None, "hired: employee records are kept under HR rules"
	if facts.has_open_application:
		return None, "has an application in progress or an accepted offer"
	if facts.has_valid_consent:
		return None, "has valid consent"
	if facts.last_decision_at is None:
		return None, "no decision recorded"
	due = add_months(facts.last_decision_at.date(), retention_months)
	return due, f"no valid consent and no open application; last decision on {facts.last_decision_at.date()}"


# SMTP replies that mean the address itself is refused (a hard bounce), as opposed to a server,
# network or configuration problem that says nothing about the person.
_HARD_BOUNCE = re.compile(
	r"SMTPRecipientsRefused|\b55[0-4]\b|\b5\.1\.[0-9]\b|user unknown|no such user|mailbox unavailable|"
	r"does not exist|address rejected",
	re.IGNORECASE,
)


def is_hard_bounce(error: str | None) -> bool:
	"""Whether a delivery error says the recipient address is refused."""
	return bool(error and _HARD_BOUNCE.search(error))


def ledger_status(withdrawn_at: datetime | None, expires_on: date | None, today: date) -> str:
	"""A ledger entry's state today: "Withdrawn", "Expired" or "Active"."""
	if withdrawn_at:
		return "Withdrawn"
	if expires_on and expires_on < today:
		return "Expired"
	return "Active"
