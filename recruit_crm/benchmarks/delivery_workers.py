"""Nurture delivery across worker processes: one campaign of 20k messages (`--messages N` for a
quick run) sent by 1, 2 and 4 sending workers (`--workers 1,2,4`) to a counting SMTP server on
loopback, then once more by the largest count while random workers are SIGKILLed and restarted
(`--kills K`).

Each worker is a real `recruit-crm nurture-send` process running the production claim code
(named lock per claim token, `SELECT ... FOR UPDATE SKIP LOCKED`). Per run: messages/s at the
server (first to last message received), duplicates (Message-IDs received more than once) and
lost (ledger rows neither Sent nor Unknown, or Sent but never received); the kill run must also
leave at most one Unknown per kill. The sink listens on RC_BENCH_SMTP_PORT (default 2651).

Each run also reads how busy the machine's cores were while it sent (`/proc/stat`): when one
worker, MariaDB and the SMTP server already keep a share `b` of all cores busy, no number of
workers can send faster than `1 / b` times one worker on this machine, so the scaling figure
says that ceiling beside the target.
"""

import os
import random
import time

import frappe

from recruit_crm.benchmarks import Figure, register
from recruit_crm.benchmarks import nurture_fixtures as fx
from recruit_crm.benchmarks.nurture_crash import account_for, settle
from recruit_crm.benchmarks.smtp_sink import SmtpSink
from recruit_crm.services.nurture import constants

MESSAGES = 20_000
SINK_PORT = int(os.environ.get("RC_BENCH_SMTP_PORT") or 2651)
BATCH = 500
SCALING_TARGET = 1.6  # 2 workers send at >= 1.6x the rate of one


@register("delivery_workers")
def bench_delivery_workers(
	messages: int = 0, workers: tuple[int, ...] = (1, 2, 4), kills: int = 10, **_
) -> list[Figure]:
	messages = messages or MESSAGES
	prefix = f"benchw{int(time.time())}"
	runs: dict[int, dict] = {}
	killed = None
	with SmtpSink(SINK_PORT) as sink:
		try:
			account = fx.ensure_sink_account(SINK_PORT)
			people = fx.make_people(messages, prefix)
			frappe.db.commit()  # nosemgrep: the worker processes read these rows
			for count in workers:
				runs[count] = send_campaign(sink, account, people, prefix, count)
			if kills:
				killed = send_campaign(sink, account, people, prefix, max(workers), kills=kills)
		finally:
			fx.cleanup(None, prefix)
	return _figures(messages, runs, killed)


def send_campaign(
	sink, account: str, people: list[str], prefix: str, count: int, kills: int = 0, seed: int = 7,
	batch: int = BATCH,
) -> dict:  # fmt: skip
	"""Queue one campaign for `people`, send it with `count` worker processes (killing and
	restarting random ones `kills` times), account for every message, remove the campaign."""
	campaign = fx.make_campaign(account, f"Workers bench {prefix} x{count}{' killed' if kills else ''}")
	try:
		queued = fx.queue_for(campaign, people)
		frappe.db.commit()  # nosemgrep: the worker processes read these rows
		report = send_with_workers(campaign, sink, count, kills=kills, seed=seed, batch=batch)
		report["queued"] = queued
		return report
	finally:
		fx.cleanup(campaign, prefix, people=False)


def send_with_workers(
	campaign: str, sink, count: int, kills: int = 0, seed: int = 7, batch: int = BATCH,
	timeout: float = 3600,
) -> dict:  # fmt: skip
	"""Send the queued `campaign` with `count` concurrent worker processes and account for it.

	With `kills`, a random running worker is SIGKILLed each time the server has received one more
	of `kills` random shares of the campaign, and a fresh worker takes its place (its start-up
	recovery resolves the dead claim). Returns the crash test's accounting plus `rate` (msg/s at
	the server), `send_s`, `kills` and the workers' own counts."""
	rnd = random.Random(seed)
	total = frappe.db.count(constants.MESSAGE, {"nurture_campaign": campaign, "status": "Queued"})
	thresholds = sorted(int(total * rnd.uniform(0.05, 0.9)) for _ in range(kills))
	with sink.lock:
		sink.ids.clear()
		sink.messages = 0
		sink.kept.clear()
	procs = [fx.start_worker(batch, wait_for_go=True, campaign=campaign) for _ in range(count)]
	cpu_at_first = None
	for proc in procs:
		if not fx.wait_ready(proc):
			for p in procs:
				fx.kill(p)
			raise RuntimeError("worker did not start: " + (proc.stderr.read() or "")[-2000:])
	for proc in procs:  # all at once, so every count is timed from the same start
		fx.go(proc)
	finished: list[dict] = []
	done_kills = 0
	first = last = None
	seen = 0
	deadline = time.monotonic() + timeout
	try:
		while procs and time.monotonic() < deadline:
			received = sink.messages
			if received != seen:
				now = time.perf_counter()
				if first is None:
					cpu_at_first = _cpu_times()
				first = first or now
				last = now
				seen = received
			if thresholds and received >= thresholds[0]:
				thresholds.pop(0)
				running = [p for p in procs if p.poll() is None]
				if running:
					victim = rnd.choice(running)
					fx.kill(victim)
					procs.remove(victim)
					done_kills += 1
					procs.append(fx.start_worker(batch, campaign=campaign))  # takes the dead worker's place
			for proc in [p for p in procs if p.poll() is not None]:
				procs.remove(proc)
				finished.append(fx.finish(proc))
			time.sleep(0.002)
	finally:
		for proc in procs:
			fx.kill(proc)
	if sink.messages != seen:
		last = time.perf_counter()
	busy = _busy_share(cpu_at_first, _cpu_times())
	frappe.db.commit()  # nosemgrep: see the workers' writes
	settle(campaign)
	report = account_for(campaign, sink)
	send_s = (last - first) if first and last and last > first else 0.0
	report.update(
		workers=count,
		kills=done_kills,
		send_s=round(send_s, 3),
		rate=round(sink.messages / send_s, 1) if send_s else 0.0,
		worker_counts=_summed(finished),
		cpu_busy=busy,
	)
	return report


def _cpu_times() -> tuple[int, int] | None:
	"""(busy, total) jiffies of all cores since boot, or None where there is no /proc/stat."""
	try:
		with open("/proc/stat") as f:
			fields = [int(v) for v in f.readline().split()[1:]]
	except (OSError, ValueError):
		return None
	idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
	return sum(fields[:8]) - idle, sum(fields[:8])


def _busy_share(before: tuple[int, int] | None, after: tuple[int, int] | None) -> float | None:
	"""The share (0-1) of all cores' time spent busy between two `_cpu_times()` readings."""
	if not before or not after or after[1] <= before[1]:
		return None
	return round((after[0] - before[0]) / (after[1] - before[1]), 3)


def _summed(results: list[dict]) -> dict:
	out: dict[str, float] = {}
	for result in results:
		for key, value in result.items():
			if isinstance(value, int | float):
				out[key] = round(out.get(key, 0) + value, 3)
	return out


def _verdict(report: dict) -> str:
	ok = report["duplicates"] == 0 and report["lost"] == 0 and report["accounted_for"]
	if report.get("kills"):
		ok = ok and report["unknown"] <= report["kills"]
	return "ok" if ok else "FAILED"


def _summary(report: dict) -> str:
	return (
		f"{report['workers']} worker(s): {report['rate']:.0f} msg/s, {report['received_by_server']} received, "
		+ (f"cores {report['cpu_busy']:.0%} busy, " if report.get("cpu_busy") is not None else "")
		+ f"duplicates {report['duplicates']}, lost {report['lost']}, unknown {report['unknown']}, "
		f"kills {report['kills']}: {_verdict(report)}"
	)


def _ceiling(one: dict) -> str:
	"""The most any number of workers can gain on this machine's cores, from one worker's run."""
	busy = one.get("cpu_busy")
	if not busy:
		return ""
	return f"; with one worker the cores were {busy:.0%} busy, so this machine allows at most {1 / busy:.2f}x"


def _figures(messages: int, runs: dict[int, dict], killed: dict | None) -> list[Figure]:
	figures = []
	one = runs.get(1)
	all_runs = "; ".join(_summary(r) for r in runs.values())
	for count, report in runs.items():
		if count == 1 or not one:
			continue
		speedup = report["rate"] / one["rate"] if one["rate"] else 0
		target = SCALING_TARGET if count == 2 else None
		figures.append(
			Figure(
				name=f"deliver {messages} messages with {count} worker processes",
				ours_s=report["send_s"],
				baseline_s=one["send_s"],
				baseline="the same campaign with one worker process",
				target_ratio=round(1 / target, 3) if target else None,
				note=f"{speedup:.2f}x one worker's msg/s"
				+ (f" (target >= {target}x)" if target else "")
				+ _ceiling(one)
				+ f"; {all_runs}",
			)
		)
	if not figures and runs:
		report = next(iter(runs.values()))
		figures.append(
			Figure(
				name=f"deliver {messages} messages with {report['workers']} worker process(es)",
				ours_s=report["send_s"],
				baseline_s=report["send_s"],
				baseline="itself (run --workers 1,2 for a scaling figure)",
				note=all_runs,
			)
		)
	if killed:
		plain = runs.get(killed["workers"])
		figures.append(
			Figure(
				name=f"deliver {messages} messages with {killed['workers']} workers and {killed['kills']} random SIGKILLs",
				ours_s=killed["send_s"],
				baseline_s=plain["send_s"] if plain else killed["send_s"],
				baseline=f"{killed['workers']} workers, no kills",
				note=f"{_summary(killed)}; unknown <= kills required; by status {killed['by_status']}",
			)
		)
	return figures
