"""A real SMTP server on loopback that counts what it receives, by Message-ID.

Used by the delivery benchmark, the crash test and the integration tests. It speaks real SMTP
(aiosmtpd), so the sender's whole path runs: connection, EHLO, MAIL, RCPT, DATA.
"""

import re
import threading
from collections import Counter

_MESSAGE_ID = re.compile(rb"^Message-ID:\s*<([^>]+)>", re.IGNORECASE | re.MULTILINE)


def message_id_of(content: bytes) -> str | None:
	"""The Message-ID in a raw message's headers (without the angle brackets)."""
	header_end = content.find(b"\r\n\r\n")
	match = _MESSAGE_ID.search(content[: header_end if header_end > 0 else 8192])
	return match.group(1).decode() if match else None


class CountingHandler:
	def __init__(self, keep: bool = False):
		self.lock = threading.Lock()
		self.ids: Counter = Counter()
		self.messages = 0
		self.keep = keep
		self.kept: list[bytes] = []
		self.refuse: set[str] = set()

	async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
		if address.lower() in self.refuse:
			return "550 5.1.1 No such user here"
		envelope.rcpt_tos.append(address)
		return "250 OK"

	async def handle_DATA(self, server, session, envelope):
		content = envelope.content if isinstance(envelope.content, bytes) else envelope.content.encode()
		message_id = message_id_of(content)
		with self.lock:
			self.messages += 1
			self.ids[message_id] += 1
			if self.keep:
				self.kept.append(content)
		return "250 Message accepted for delivery"

	def duplicates(self) -> dict:
		with self.lock:
			return {k: v for k, v in self.ids.items() if v > 1}


class SmtpSink:
	"""`with SmtpSink(port) as sink: ...` runs the server in a thread for the block."""

	def __init__(self, port: int, keep: bool = False, host: str = "127.0.0.1"):
		from aiosmtpd.controller import Controller

		self.handler = CountingHandler(keep=keep)
		self.controller = Controller(self.handler, hostname=host, port=port, data_size_limit=None)

	def __enter__(self):
		self.controller.start()
		return self.handler

	def __exit__(self, *exc):
		self.controller.stop()


def upsert_loopback_account(name: str, port: int, sender: str, tested: bool = True, **extra) -> str:
	"""An outgoing Email Account named `name` that sends to the sink on 127.0.0.1:`port`.

	Campaigns launch only from an account whose last test send passed (services/nurture/readiness):
	a loopback account is recorded as tested now, with no error, unless `tested` is False."""
	import frappe
	from frappe.utils import now_datetime

	if tested and frappe.db.has_column("Email Account", "rc_last_test_ok_at"):
		extra = {
			"rc_last_test_ok_at": now_datetime(),
			"rc_last_error": None,
			"rc_last_error_at": None,
			**extra,
		}
	values = {
		"email_id": sender,
		"enable_outgoing": 1,
		"enable_incoming": 0,
		"smtp_server": "127.0.0.1",
		"smtp_port": port,
		"use_tls": 0,
		"use_ssl": 0,
		"no_smtp_authentication": 1,
		"awaiting_password": 0,
		**extra,
	}
	if frappe.db.exists("Email Account", name):
		frappe.db.set_value("Email Account", name, values)
	else:
		frappe.get_doc({"doctype": "Email Account", "email_account_name": name, **values}).insert(
			ignore_permissions=True
		)
	return name
