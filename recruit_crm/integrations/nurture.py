"""Doc events that feed nurture campaigns: a reply to a campaign email stops (or pauses) it."""

import frappe

from recruit_crm.services import nurture


def communication_after_insert(doc, method=None) -> None:
	"""A received email threaded to a campaign email (In-Reply-To -> its Communication)."""
	if doc.sent_or_received != "Received" or not doc.in_reply_to or doc.communication_medium != "Email":
		return
	message = frappe.db.get_value(nurture.MESSAGE, {"communication": doc.in_reply_to}, "name")
	if not message:
		return
	try:
		nurture.on_reply(message, doc.subject or "", headers=getattr(doc.flags, "mail_headers", None))
	except Exception:
		# A reply must never fail to arrive because of a campaign; the next tick retries via goals.
		frappe.log_error(
			title="Nurture: could not process a reply",
			reference_doctype="Communication",
			reference_name=doc.name,
		)
