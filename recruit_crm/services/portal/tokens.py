"""Signed, expiring links for candidates who have no password."""

import time

import frappe

from recruit_crm.domain.tokens import InvalidToken, sign, verify

PREFERENCES = "preferences"
CONFIRM_COMMUNITY = "confirm-community"
UNSUBSCRIBE = "unsubscribe"
REFERRAL = "referral"  # an employee's share links credit them
APPLICATIONS = "applications"  # "My applications": every pipeline email links it


def _key() -> bytes:
	secret = frappe.local.conf.get("secret") or frappe.local.conf.get("encryption_key")
	if not secret:
		secret = frappe.utils.password.get_encryption_key()
	return f"recruit_crm:{secret}".encode()


def make_token(candidate: str, purpose: str, ttl_days: float = 30, extra: dict | None = None) -> str:
	"""A token naming `candidate` for `purpose`, valid for `ttl_days`."""
	return sign(_key(), candidate, purpose, int(time.time() + ttl_days * 86400), extra)


def read_token(token: str | None, purpose: str) -> dict | None:
	"""The payload (`s` = candidate) of a valid token, or None for any invalid one."""
	try:
		return verify(_key(), token or "", purpose, int(time.time()))
	except InvalidToken:
		return None


def preferences_url(candidate: str, ttl_days: float = 30) -> str:
	return frappe.utils.get_url(f"/careers/preferences?t={make_token(candidate, PREFERENCES, ttl_days)}")


def applications_url(candidate: str, ttl_days: float = 90) -> str:
	"""The candidate's "My applications" page, for pipeline emails (no login needed)."""
	return frappe.utils.get_url(f"/careers/applications?t={make_token(candidate, APPLICATIONS, ttl_days)}")


def unsubscribe_url(candidate: str) -> str:
	"""RFC 8058 one-click target (POST) and plain link for emails."""
	token = make_token(candidate, UNSUBSCRIBE, ttl_days=365)
	return frappe.utils.get_url(f"/api/method/recruit_crm.api.portal.unsubscribe?t={token}")


def unsubscribe_page_url(candidate: str) -> str:
	return frappe.utils.get_url(f"/careers/unsubscribe?t={make_token(candidate, UNSUBSCRIBE, ttl_days=365)}")
