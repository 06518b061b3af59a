"""SMTP sessions of the nurture sender: one reused session per outgoing Email Account, and one
message's SMTP transaction in two parts that tell "certainly not sent" (the connection failed
before DATA, in `open_transaction`: `NotSent`, safe to retry) from "maybe sent" (it failed from
DATA on, in `send_data` or its verdict).
"""

import contextlib
import re
import smtplib
from collections.abc import Callable

import frappe

# A line starting with a dot gets a second one (RFC 5321 4.5.2), as `smtplib` quotes it.
_LEADING_DOT = re.compile(rb"(?m)^\.")


class Accounts:
	"""One SMTP session per outgoing Email Account, reused across messages."""

	def __init__(self):
		self.sessions: dict[str, smtplib.SMTP] = {}
		self.info: dict[str, frappe._dict] = {}

	def sender(self, name: str) -> frappe._dict:
		"""The account's address and display name (no network)."""
		if name not in self.info:
			account = frappe.get_doc("Email Account", name)
			self.info[name] = frappe._dict(
				email=account.email_id,
				sender_name=account.email_account_name,
				account=account,
			)
		return self.info[name]

	def session(self, name: str) -> smtplib.SMTP:
		"""The account's open session, connecting if there is none; a failure to connect raises
		`NotSent` (no message can have gone out on a session that never opened)."""
		if name not in self.sessions:
			try:
				self.sessions[name] = self.sender(name).account.get_smtp_server().session
			except (
				smtplib.SMTPException,
				OSError,
				frappe.ValidationError,
				frappe.OutgoingEmailError,
				frappe.AuthenticationError,  # the account's password is missing
			) as e:
				raise NotSent(f"Could not connect to the mail server: {e}") from e
		return self.sessions[name]

	def drop(self, name: str) -> None:
		session = self.sessions.pop(name, None)
		if session:
			with contextlib.suppress(Exception):
				session.quit()
			with contextlib.suppress(Exception):
				session.close()

	def close(self) -> None:
		for name in list(self.sessions):
			self.drop(name)


class NotSent(Exception):
	"""The SMTP session failed before the message's DATA command: the server cannot have it."""


class SmtpUnavailable(Exception):
	"""The mail server stayed unreachable for longer than the worker waits (`smtp_patience`).
	Its args: the last error, then (once the batch has given its rest back) the batch's counts."""


def open_transaction(session: smtplib.SMTP, sender: str, recipient: str, size: int) -> None:
	"""MAIL and RCPT of one message (nothing is delivered until its DATA). A connection lost here
	raises `NotSent`, as does a 421; any other refusal raises as `sendmail` does."""
	try:
		session.ehlo_or_helo_if_needed()
		options = [f"size={size}"] if session.does_esmtp and session.has_extn("size") else []
		code, reply = session.mail(sender, options)
		if code != 250:
			_reset_after_refusal(session, code)
			raise smtplib.SMTPSenderRefused(code, reply, sender)
		code, reply = session.rcpt(recipient)
		if code not in (250, 251):
			_reset_after_refusal(session, code)
			raise smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
	except (smtplib.SMTPSenderRefused, smtplib.SMTPRecipientsRefused) as e:
		if _reply_code(e) == 421:  # the server is closing the session: come back later
			raise NotSent(f"The mail server is closing the session: {e}") from e
		raise
	except OSError as e:  # smtplib's errors are OSErrors too: disconnected, HELO refused
		raise NotSent(f"Connection lost before the message was sent: {e}") from e


def send_data(session: smtplib.SMTP, raw: bytes) -> Callable[[], None]:
	"""DATA and the message, as `session.data` sends them, without waiting for the server's verdict:
	returns the function that reads it, for a caller with work to do while the server takes the
	message in. That function raises `SMTPDataError` on a refusal, and the session's error when
	the connection is lost (the server may have accepted the message). Nothing else may use the
	session until it has been called."""
	code, reply = session.docmd("data")
	if code != 354:
		_reset_after_refusal(session, code)
		raise smtplib.SMTPDataError(code, reply)
	content = _LEADING_DOT.sub(b"..", raw)
	if not content.endswith(b"\r\n"):
		content += b"\r\n"
	session.send(content + b".\r\n")

	def verdict() -> None:
		code, reply = session.getreply()
		if code != 250:
			_reset_after_refusal(session, code)
			raise smtplib.SMTPDataError(code, reply)

	return verdict


def _reply_code(e: smtplib.SMTPException) -> int | None:
	if isinstance(e, smtplib.SMTPRecipientsRefused):
		return next(iter(e.recipients.values()))[0] if e.recipients else None
	return getattr(e, "smtp_code", None)


def _reset_after_refusal(session: smtplib.SMTP, code: int) -> None:
	"""As `sendmail` does: a 421 closes the session, any other refusal resets the transaction."""
	with contextlib.suppress(smtplib.SMTPException, OSError):
		if code == 421:
			session.close()
		else:
			session.rset()
