"""Communication events: emails to and from candidates are touchpoints, and a reply to a
campaign email stops (or pauses) its sequence."""

import frappe

from recruit_crm.services.engagement.capture import capture_document
from recruit_crm.services.nurture import constants, operator


def after_insert(doc, method=None) -> None:
	"""A received email threaded to a campaign email (In-Reply-To -> its Communication)."""
	if doc.sent_or_received != "Received" or not doc.in_reply_to or doc.communication_medium != "Email":
		return
	message = frappe.db.get_value(constants.MESSAGE, {"communication": doc.in_reply_to}, "name")
	if not message:
		return
	try:
		operator.on_reply(message, doc.subject or "", headers=getattr(doc.flags, "mail_headers", None))
	except Exception:
		# A reply must never fail to arrive because of a campaign; the next tick retries via goals.
		frappe.log_error(
			title="Nurture: could not process a reply",
			reference_doctype="Communication",
			reference_name=doc.name,
		)


def on_update(doc, method=None) -> None:
	capture_document(doc)
