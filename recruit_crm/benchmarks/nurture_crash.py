"""Crash test: SIGKILL the sending worker at random moments during a send and prove that no
message is sent twice and none is lost; every message ends Sent or Unknown (shown to an operator).

The SMTP server is real (aiosmtpd on loopback) and counts Message-IDs; each message's ID is
derived from its ledger row, so a duplicate send would show as a count of 2.
"""

import random
import time

import frappe

from recruit_crm.benchmarks import nurture_fixtures as fx
from recruit_crm.benchmarks.smtp_sink import SmtpSink
from recruit_crm.services.nurture import constants, delivery


def run_crash_test(
	messages: int = 10_000, kills: int = 100, port: int = 2660, seed: int = 7, progress=print,
	kill_window: tuple[float, float] = (0.0, 0.4), batch: int = 200, keep: bool = False,
) -> dict:  # fmt: skip
	"""Returns counts: sent, unknown (and how many of those the server did receive), duplicates, lost."""
	rnd = random.Random(seed)
	prefix = f"crash{int(time.time())}"
	campaign = None
	with SmtpSink(port) as sink:
		try:
			account = fx.ensure_sink_account(port)
			people = fx.make_people(messages, prefix)
			campaign = fx.make_campaign(account, f"Crash test {prefix}")
			queued = fx.queue_for(campaign, people)
			frappe.db.commit()  # nosemgrep: the worker processes read these rows
			progress(f"queued {queued} messages; killing the worker {kills} times")
			done_kills = 0
			started = time.monotonic()
			while done_kills < kills:
				proc = fx.start_worker(batch, campaign=campaign)
				if not fx.wait_ready(proc):
					fx.kill(proc)
					raise RuntimeError("worker did not start: " + (proc.stderr.read() or "")[-2000:])
				# kill at a random moment once this worker is sending (not while it starts up)
				before = sink.messages
				deadline = time.monotonic() + 20
				while sink.messages == before and proc.poll() is None and time.monotonic() < deadline:
					time.sleep(0.002)
				time.sleep(rnd.uniform(*kill_window))
				if proc.poll() is not None:  # finished everything before the kill
					break
				fx.kill(proc)
				done_kills += 1
				if done_kills % 10 == 0:
					progress(f"{done_kills} kills, {sink.messages} messages received so far")
			final = fx.finish(fx.start_worker(batch, campaign=campaign))  # recover and send the rest
			elapsed = time.monotonic() - started
			frappe.db.commit()  # nosemgrep: see the workers' writes
			settle(campaign)
			report = account_for(campaign, sink)
			report.update(kills=done_kills, seconds=round(elapsed, 1), final_worker=final, queued=queued)
			return report
		finally:
			if not keep:
				fx.cleanup(campaign, prefix)


def account_for(campaign: str, sink) -> dict:
	domain = frappe.local.site
	rows = frappe.db.sql(
		f"select name, status from `tab{constants.MESSAGE}` where nurture_campaign = %s",
		campaign,
		as_dict=True,
	)
	received = sink.ids
	by_status: dict[str, int] = {}
	lost, unknown_received, unknown_not_received, stray = [], 0, 0, []
	for r in rows:
		by_status[r.status] = by_status.get(r.status, 0) + 1
		count = received.get(f"rcn.{r.name}@{domain}", 0)
		if r.status == "Sent" and count == 0:
			lost.append(r.name)  # recorded as sent but never reached the server
		elif r.status == "Unknown":
			if count:
				unknown_received += 1
			else:
				unknown_not_received += 1
		elif r.status not in ("Sent", "Unknown"):
			lost.append(r.name)  # neither sent nor shown to an operator
			if count:
				stray.append(r.name)
	duplicates = {k: v for k, v in received.items() if v > 1}
	return {
		"messages": len(rows),
		"by_status": by_status,
		"received_by_server": sink.messages,
		"distinct_message_ids": len(received),
		"duplicates": len(duplicates),
		"lost": len(lost),
		"unknown": by_status.get("Unknown", 0),
		"unknown_that_server_received": unknown_received,
		"unknown_that_server_never_saw": unknown_not_received,
		"received_but_not_recorded_sent_or_unknown": len(stray),
		"accounted_for": by_status.get("Sent", 0) + by_status.get("Unknown", 0) == len(rows),
	}


def settle(campaign: str, timeout: float = 30) -> None:
	"""Let recovery resolve the last killed worker's claim (its lock goes when MariaDB notices)."""
	deadline = time.monotonic() + timeout
	while time.monotonic() < deadline:
		delivery.recover()
		frappe.db.commit()  # nosemgrep
		if not frappe.db.sql(
			f"select 1 from `tab{constants.MESSAGE}` where nurture_campaign = %s and status in ('Sending', 'Queued') limit 1",
			campaign,
		):
			return
		if frappe.db.sql(
			f"select 1 from `tab{constants.MESSAGE}` where nurture_campaign = %s and status = 'Queued' limit 1",
			campaign,
		):
			fx.finish(fx.start_worker(campaign=campaign))
		time.sleep(0.5)
