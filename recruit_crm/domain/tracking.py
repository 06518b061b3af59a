"""Signed, expiring tokens for tracking pixels, click redirects and consent links.

A token is base64url(JSON payload) "." base64url(HMAC-SHA256). Payload keys are short to keep URLs
short; `exp` is a Unix timestamp. Verification is constant-time and returns None for anything
wrong (bad shape, bad signature, expired), so callers cannot tell one failure from another.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from urllib.parse import urlsplit


def _b64(data: bytes) -> str:
	return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
	return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(payload: dict, key: bytes, purpose: str) -> str:
	"""A token carrying `payload`, valid only for `purpose` (a pixel token is not a click token)."""
	body = _b64(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())
	mac = hmac.new(key, f"{purpose}.{body}".encode(), hashlib.sha256).digest()
	return f"{body}.{_b64(mac)}"


def verify(token: str | None, key: bytes, purpose: str, now_ts: float) -> dict | None:
	"""The payload of a genuine, unexpired token for `purpose`, else None."""
	if not token or not isinstance(token, str) or token.count(".") != 1 or len(token) > 4096:
		return None
	body, mac = token.split(".")
	try:
		given = _unb64(mac)
		expected = hmac.new(key, f"{purpose}.{body}".encode(), hashlib.sha256).digest()
		if not hmac.compare_digest(given, expected):
			return None
		payload = json.loads(_unb64(body))
	except (ValueError, TypeError):
		return None
	if not isinstance(payload, dict):
		return None
	exp = payload.get("exp")
	if exp is not None and (not isinstance(exp, int | float) or exp < now_ts):
		return None
	return payload


def is_safe_redirect(url: str | None) -> bool:
	"""Only absolute http(s) URLs or site-relative paths; never scheme-relative or script URLs."""
	if not url or not isinstance(url, str) or any(c in url for c in "\r\n\t\\"):
		return False
	if url.startswith("/"):
		return not url.startswith("//")
	parts = urlsplit(url)
	return parts.scheme in ("http", "https") and bool(parts.netloc)
