"""Fault tests of nurture delivery: the mail server goes away mid-campaign, or the sending
worker's database connection is cut mid-batch. Either way no message may be sent twice and none
lost; every message ends Sent, or Unknown (shown to an operator) only where a cut fell inside an
SMTP transaction or between a send and its recorded outcome.

A loopback `FaultProxy` sits between the worker and the faulty server: the worker's Email
Account points at it (`run_smtp_outage`), or the worker reaches MariaDB through it
(`run_db_cuts`, `nurture-send --db-port`). The SMTP server is the counting sink, so a duplicate
send shows as a Message-ID received twice. Run with `recruit-crm fault-test --kind ...`.
"""

import os
import random
import subprocess
import time

import frappe
from frappe.utils import get_bench_path

from recruit_crm.benchmarks import nurture_fixtures as fx
from recruit_crm.benchmarks.fault_proxy import FaultProxy
from recruit_crm.benchmarks.nurture_crash import account_for, settle
from recruit_crm.benchmarks.smtp_sink import SmtpSink, upsert_loopback_account
from recruit_crm.services.nurture import delivery

PROXY_ACCOUNT = "RC Nurture Fault Proxy"


def start_worker(batch: int, lease: float, *options: str) -> subprocess.Popen:
	"""A real sending worker (`nurture-send --until-empty`) with a claim lease of `lease` seconds."""
	return subprocess.Popen(
		[*fx.worker_command(batch), "--lease-seconds", str(lease), *options],
		cwd=os.path.join(get_bench_path(), "sites"),
		stdin=subprocess.DEVNULL,
		stdout=subprocess.PIPE,
		stderr=subprocess.PIPE,
		text=True,
		start_new_session=True,
	)


def _ready(proc: subprocess.Popen) -> subprocess.Popen:
	if not fx.wait_ready(proc):
		fx.kill(proc)
		raise RuntimeError("worker did not start: " + (proc.stderr.read() or "")[-2000:])
	return proc


def _queue(account: str, messages: int, prefix: str, label: str) -> tuple[str, int]:
	people = fx.make_people(messages, prefix)
	campaign = fx.make_campaign(account, f"{label} {prefix}")
	queued = fx.queue_for(campaign, people)
	frappe.db.commit()  # nosemgrep: the worker processes read these rows
	return campaign, queued


def run_smtp_outage(
	messages: int = 10_000, outage: float = 60.0, sink_port: int = 2662, lease: float = 20.0,
	batch: int = 200, at: float = 0.3, progress=print, keep: bool = False,
) -> dict:  # fmt: skip
	"""One worker sends a campaign to the sink through the proxy; once `at` of it has arrived, the
	server goes away for `outage` seconds (live sessions reset, new ones closed at accept).

	Meanwhile recovery runs every half second, as a starting worker would: the waiting worker
	renews its lease, so recovery must take nothing from it. Returns the crash test's accounting
	plus the connection attempts refused during the outage (the worker's backoff)."""
	prefix = f"smtpout{int(time.time())}"
	campaign = None
	with SmtpSink(sink_port) as sink, FaultProxy(sink_port) as proxy:
		try:
			fx.ensure_template()
			account = upsert_loopback_account(PROXY_ACCOUNT, proxy.port, "faults@bench.localhost")
			proxy.cut()  # a new account's validation leaves a session of its own open
			earlier_cuts = proxy.cut_count
			campaign, queued = _queue(account, messages, prefix, "SMTP outage")
			progress(f"queued {queued} messages; the mail server goes away for {outage:g} s after {at:.0%}")
			started = time.monotonic()
			proc = _ready(
				start_worker(
					batch, lease, "--campaign", campaign, "--smtp-patience", str(max(3 * outage, 30))
				)
			)
			while sink.messages < messages * at and proc.poll() is None:
				time.sleep(0.005)
			refused_before = proxy.stats()["refused"]
			received_before = sink.messages
			cut = proxy.outage(outage)
			taken = {"unknown": 0, "released": 0}
			while proxy.refusing:
				for key, value in delivery.recover().items():
					taken[key] = taken.get(key, 0) + value
				frappe.db.commit()  # nosemgrep: a fresh snapshot for the next look
				time.sleep(0.5)
			received_during = sink.messages - received_before
			refused = proxy.stats()["refused"] - refused_before
			progress(f"outage over: {cut} session(s) cut, {refused} connection attempts refused")
			worker = fx.finish(proc)
			elapsed = time.monotonic() - started
			frappe.db.commit()  # nosemgrep: see the worker's writes
			settle(campaign)
			report = account_for(campaign, sink)
			report.update(
				queued=queued,
				outage_s=outage,
				sessions_cut=proxy.cut_count - earlier_cuts,
				connect_attempts_refused=refused,
				received_during_outage=received_during,
				recovery_took_during_outage=taken["unknown"] + taken["released"],
				elapsed_s=round(elapsed, 1),
				worker=worker,
				proxy=proxy.stats(),
			)
			report["ok"] = _ok(report) and not received_during and not report["recovery_took_during_outage"]
			return report
		finally:
			if not keep:
				fx.cleanup(campaign, prefix)


def run_db_cuts(
	messages: int = 10_000, cuts: int = 5, sink_port: int = 2662, lease: float = 20.0, batch: int = 200,
	seed: int = 7, progress=print, keep: bool = False,
) -> dict:  # fmt: skip
	"""Workers reach MariaDB through the proxy; `cuts` times, at random points of the campaign
	(once the current worker has sent something, then 0 to 50 ms later), every live database
	connection is reset and a new worker takes over (its start-up recovery resolves the claim of
	the one that died). Then recovery and a clean worker finish the campaign."""
	rnd = random.Random(seed)
	prefix = f"dbcut{int(time.time())}"
	campaign = None
	conf = frappe.conf
	with (
		SmtpSink(sink_port) as sink,
		FaultProxy(int(conf.db_port or 3306), conf.db_host or "127.0.0.1") as proxy,
	):
		try:
			account = fx.ensure_sink_account(sink_port)
			campaign, queued = _queue(account, messages, prefix, "DB cuts")
			progress(f"queued {queued} messages; cutting the workers' database connection {cuts} times")
			thresholds = sorted(int(messages * rnd.uniform(0.05, 0.9)) for _ in range(cuts))
			started = time.monotonic()
			cut_sessions, died, finished = 0, 0, []
			proc = _ready(start_worker(batch, lease, "--campaign", campaign, "--db-port", str(proxy.port)))
			while thresholds:
				sent_before = sink.messages
				while proc.poll() is None and (sink.messages < thresholds[0] or sink.messages == sent_before):
					time.sleep(0.002)
				if proc.poll() is not None:  # it sent everything before the cut
					break
				time.sleep(rnd.uniform(0, 0.05))
				thresholds.pop(0)
				cut_sessions += proxy.cut()
				try:
					proc.wait(timeout=60)
					died += 1
				except subprocess.TimeoutExpired:  # it kept going on a new connection: let it finish
					finished.append(fx.finish(proc))
				progress(f"cut {cut_sessions} connection(s); {sink.messages} messages received so far")
				proc = _ready(
					start_worker(batch, lease, "--campaign", campaign, "--db-port", str(proxy.port))
				)
			if proc.poll() is None or proc.returncode == 0:
				finished.append(fx.finish(proc))
			elapsed = time.monotonic() - started
			frappe.db.commit()  # nosemgrep: see the workers' writes
			settle(campaign)
			report = account_for(campaign, sink)
			report.update(
				queued=queued,
				sessions_cut=cut_sessions,
				workers_died=died,
				elapsed_s=round(elapsed, 1),
				workers=finished,
				proxy=proxy.stats(),
			)
			report["ok"] = _ok(report)
			return report
		finally:
			if not keep:
				fx.cleanup(campaign, prefix)


def _ok(report: dict) -> bool:
	return (
		report["duplicates"] == 0
		and report["lost"] == 0
		and report["accounted_for"]
		and report["unknown"] <= report["sessions_cut"]
	)
