"""Personal data kept out of logs: what an error message may say about a person."""

from __future__ import annotations

import re

_EMAIL = re.compile(
	r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+"
)
# Phone-like runs: 7+ digits, optionally with spaces, dots, dashes, parentheses and a leading +.
_PHONE = re.compile(r"(?<![\w.])\+?\(?\d[\d\s().-]{6,}\d(?![\w.])")
_IP = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")

EMAIL_MARK = "<email>"
PHONE_MARK = "<phone>"
IP_MARK = "<ip>"


def redact_personal_data(text: str | None) -> str:
	"""`text` with email addresses, phone-like numbers and IPv4 addresses replaced by markers."""
	if not text:
		return ""
	text = _EMAIL.sub(EMAIL_MARK, text)
	text = _IP.sub(IP_MARK, text)
	return _PHONE.sub(PHONE_MARK, text)
