"""Signed, expiring tokens for links in emails (preference centre, confirmations).

Pure: the key and the current time are passed in. A token names a subject (a candidate), a
purpose and an expiry; it is worthless for any other purpose or after it expires.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json


class InvalidToken(ValueError):
	"""Tampered, expired, malformed or for another purpose. Callers treat all alike."""


def _b64(data: bytes) -> str:
	return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
	return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _is_canonical(text: str) -> bool:
	if not text or not _ALPHABET.issuperset(text):
		return False
	try:
		return _b64(_unb64(text)) == text
	except ValueError:
		return False


_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def sign(key: bytes, subject: str, purpose: str, expires_at: int, extra: dict | None = None) -> str:
	"""A token for `subject` and `purpose`, valid until the Unix time `expires_at`."""
	payload = {"s": subject, "p": purpose, "e": int(expires_at)}
	if extra:
		payload["x"] = extra
	body = _b64(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())
	mac = hmac.new(key, f"{purpose}.{body}".encode(), hashlib.sha256).digest()
	return f"{body}.{_b64(mac)}"


def verify(key: bytes, token: str, purpose: str, now: int) -> dict:
	"""The payload of a valid token for `purpose`; raises InvalidToken otherwise."""
	if not isinstance(token, str) or token.count(".") != 1 or len(token) > 2048:
		raise InvalidToken("malformed")
	body, mac = token.split(".")
	if not (_is_canonical(body) and _is_canonical(mac)):
		# One token, one spelling: padded or re-encoded variants of a genuine token are refused,
		# so a token can be revoked, logged or rate-limited by its text.
		raise InvalidToken("malformed")
	try:
		expected = hmac.new(key, f"{purpose}.{body}".encode(), hashlib.sha256).digest()
		if not hmac.compare_digest(expected, _unb64(mac)):
			raise InvalidToken("bad signature")
		payload = json.loads(_unb64(body))
	except (ValueError, TypeError) as e:
		raise InvalidToken("malformed") from e
	if payload.get("p") != purpose or not isinstance(payload.get("s"), str):
		raise InvalidToken("wrong purpose")
	if int(payload.get("e", 0)) < now:
		raise InvalidToken("expired")
	return payload
