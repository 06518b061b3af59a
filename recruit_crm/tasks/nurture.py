"""Background work for nurture campaigns: the minute tick, sending workers, audience upkeep."""

import frappe
from frappe.utils import now_datetime

from recruit_crm.services.nurture import audience, constants, delivery, engine, operator, reports

SEND_JOB = "recruit_crm_nurture_send"


def run_every_minute() -> None:
	"""Move due sequences (set-based), then make sure sending workers are running."""
	engine.run_tick()
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
			"recruit_crm.tasks.nurture.send_due",
			queue="long",
			job_id=f"{SEND_JOB}_{slot}",
			deduplicate=True,
			max_seconds=240,
			timeout=600,
		)


def sync_audiences() -> None:
	"""New pool members and rule matches join auto-enrolling campaigns; out-of-office pauses end."""
	audience.sync_audiences()
	operator.resume_auto_paused()

	for campaign in frappe.get_all(
		constants.CAMPAIGN, filters={"status": ["in", ["Active", "Paused"]]}, pluck="name"
	):
		reports.refresh_counters(campaign)


def send_due(**options) -> dict:
	"""Queued job: one sending worker; claims and sends due messages until none is left or its
	time is up (options as `delivery.send_due`)."""
	return delivery.send_due(**options)
