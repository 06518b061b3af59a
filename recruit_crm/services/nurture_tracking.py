"""Opens and clicks of campaign email, from signed per-message tokens (guests, rate-limited)."""

import hashlib
import hmac
import time

import frappe
from frappe.utils import get_url

from recruit_crm.domain.tokens import InvalidToken, verify
from recruit_crm.services import nurture
from recruit_crm.services.nurture_delivery import TRACK_PURPOSE
from recruit_crm.services.portal_tokens import _key


def _message(token: str | None) -> str | None:
	try:
		payload = verify(_key(), token or "", TRACK_PURPOSE, int(time.time()))
	except InvalidToken:
		return None
	return payload["s"]


def track_open(token: str | None) -> None:
	message = _message(token)
	if message and nurture.on_engagement(message, "open"):
		frappe.db.commit()  # nosemgrep: GET requests are not committed by Frappe


def track_click(token: str | None, url: str | None, sig: str | None) -> str:
	"""Where to send the browser: the signed target, or the careers home for anything else."""
	fallback = get_url("/careers")
	message = _message(token)
	if not message or not url or not sig or not url.startswith(("http://", "https://")):
		return fallback
	expected = hmac.new(_key(), f"{message}|{url}".encode(), hashlib.sha256).hexdigest()[:20]
	if not hmac.compare_digest(expected, sig):
		return fallback
	if nurture.on_engagement(message, "click"):
		frappe.db.commit()  # nosemgrep: GET requests are not committed by Frappe
	return url
