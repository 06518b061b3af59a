"""Background work for pipeline automations: interview reminders."""

import frappe

from recruit_crm.services.pipeline import automations


def queue_interview_reminders() -> None:
	"""Every 5 minutes: queue the "Before Interview" reminders now due (the nurture sender, which
	runs every minute, delivers them)."""
	automations.queue_reminders()
	frappe.db.commit()  # nosemgrep: the queued ledger rows must be visible to the senders
