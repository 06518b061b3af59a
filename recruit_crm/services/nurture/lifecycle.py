"""A campaign's lifecycle: launch (enrol the audience), pause, resume, complete."""

import frappe
from frappe import _
from frappe.utils import now_datetime

from recruit_crm.domain.nurture import ExitReason
from recruit_crm.services.nurture.audience import enroll_audience
from recruit_crm.services.nurture.campaigns import campaign_cache
from recruit_crm.services.nurture.constants import CAMPAIGN, ENROLLMENT, MESSAGE


def launch(campaign: str) -> dict:
	"""Start a campaign: validate it, enrol its audience and run the first steps."""
	doc = frappe.get_doc(CAMPAIGN, campaign)
	if not doc.steps:
		frappe.throw(_("Add at least one step before launching."))
	doc.validate()
	doc.db_set({"status": "Active", "launched_at": doc.launched_at or now_datetime()})
	enrolled = enroll_audience(campaign)
	return {"enrolled": enrolled}


def pause(campaign: str) -> None:
	"""Hold every enrolment and queued message of a campaign until it is resumed."""
	campaign_cache.pop(campaign, None)
	frappe.db.set_value(CAMPAIGN, campaign, "status", "Paused")


def resume(campaign: str) -> None:
	"""Carry on: queued messages become due now (the send rules still apply)."""
	campaign_cache.pop(campaign, None)
	frappe.db.set_value(CAMPAIGN, campaign, "status", "Active")
	frappe.db.sql(
		f"""update `tab{MESSAGE}` set due_at = %(now)s where nurture_campaign = %(c)s and status = 'Queued'""",
		{"c": campaign, "now": now_datetime()},
	)


def complete(campaign: str) -> None:
	"""Stop a campaign for good: enrolments exit, unsent messages are cancelled."""
	campaign_cache.pop(campaign, None)
	now = now_datetime()
	frappe.db.set_value(CAMPAIGN, campaign, "status", "Completed")
	frappe.db.sql(
		f"""update `tab{ENROLLMENT}` set status = 'Exited', exit_reason = %(reason)s, ended_at = %(now)s,
			modified = %(now)s where nurture_campaign = %(c)s and status in ('Active', 'Waiting', 'Paused')""",
		{"c": campaign, "now": now, "reason": ExitReason.CAMPAIGN_STOPPED.value},
	)
	frappe.db.sql(
		f"""update `tab{MESSAGE}` set status = 'Cancelled', modified = %(now)s
		where nurture_campaign = %(c)s and status = 'Queued'""",
		{"c": campaign, "now": now},
	)
