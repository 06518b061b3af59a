"""Scheduler entry points for nurture campaigns: thin, each calls services."""

import frappe
from frappe.utils import now_datetime

from recruit_crm.services import nurture

SEND_JOB = "recruit_crm_nurture_send"


def run_every_minute() -> None:
	"""Move due sequences (set-based), then make sure sending workers are running."""
	nurture.run_tick()
	frappe.db.commit()  # nosemgrep: the queued ledger rows must be visible to the senders
	start_senders()


def start_senders() -> None:
	"""One RQ job per configured sender (`recruit_crm_nurture_workers`, default 1); each runs
	until nothing is due or four minutes pass. Job ids keep one instance per slot."""
	due = frappe.db.sql(
		"select 1 from `tabRC Nurture Message` where status = 'Queued' and due_at <= %s limit 1",
		now_datetime(),
	)
	stuck = frappe.db.sql("select 1 from `tabRC Nurture Message` where status = 'Sending' limit 1")
	if not due and not stuck:  # a sender also runs recovery for claims of dead workers
		return
	for slot in range(int(frappe.conf.get("recruit_crm_nurture_workers") or 1)):
		frappe.enqueue(
			"recruit_crm.services.nurture_delivery.send_due",
			queue="long",
			job_id=f"{SEND_JOB}_{slot}",
			deduplicate=True,
			max_seconds=240,
			timeout=600,
		)


def sync_audiences() -> None:
	"""New pool members and rule matches join auto-enrolling campaigns; out-of-office pauses end."""
	nurture.sync_audiences()
	nurture.resume_auto_paused()
	from recruit_crm.services import nurture_reports

	for campaign in frappe.get_all(
		nurture.CAMPAIGN, filters={"status": ["in", ["Active", "Paused"]]}, pluck="name"
	):
		nurture_reports.refresh_counters(campaign)
