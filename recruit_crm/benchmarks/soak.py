"""Soak: minutes of mixed traffic, and nothing grows that should not.

`bench --site SITE recruit-crm soak [--minutes 10] [--clients 8]` starts gunicorn and one RQ
worker (queues short, default, long), a loopback SMTP sink and a running campaign, then for the
given time:

- `clients` threads browse the career site (list, a job page, the visit beacon, a tracking pixel)
  and now and then apply with a resume, each client from its own forwarded address;
- every minute the app's scheduled work runs as its jobs would (the nurture tick, the pipeline
  SLA scan, delivery sync, pending applications, audience sync, interview reminders), and a sender
  process sends the campaign to the sink.

Every 30 s it samples MariaDB's open connections, the resident memory of the web and worker
processes and the number of Error Log rows. It reports the first sample after a minute of warm-up
against the last: a healthy run ends with no growth in connections, no steady memory growth and
no new Error Log rows. A command, not a CI test. It cleans up what it created.
"""

import os
import random
import subprocess
import sys
import threading
import time

import frappe
from frappe.utils import get_bench_path

from recruit_crm.benchmarks import apply_load
from recruit_crm.benchmarks import nurture_fixtures as fx
from recruit_crm.benchmarks.smtp_sink import SmtpSink
from recruit_crm.services.portal.careers import job_path

SINK_PORT = 2697
TICK_S = 60
SAMPLE_S = 30
WARM_UP_S = 60
TASKS = (
	"recruit_crm.tasks.nurture.run_every_minute",
	"recruit_crm.tasks.pipeline.scan_waiting_applications",
	"recruit_crm.tasks.engagement.sync_email_delivery",
	"recruit_crm.tasks.candidates.process_pending_applications",
	"recruit_crm.tasks.nurture.sync_audiences",
	"recruit_crm.tasks.pipeline_reminders.queue_interview_reminders",
)


def run(minutes: float = 10, clients: int = 8, campaign_size: int = 5000, progress=print) -> dict:
	import psutil
	import requests

	site = frappe.local.site
	stamp = time.strftime("%Y%m%d%H%M%S")
	prefix = f"soak{stamp}"
	opening = apply_load._opening(stamp)
	job_page = job_path(frappe.db.get_value("Job Opening", opening, "route"))
	proxies_before = frappe.db.get_single_value("RC Settings", "trusted_proxies")
	frappe.db.set_single_value("RC Settings", "trusted_proxies", "127.0.0.1")
	campaign = None
	server = worker = sender = None
	samples: list[dict] = []
	counts = {"requests": 0, "errors": 0, "applications": 0, "ticks": 0}
	lock = threading.Lock()
	with SmtpSink(SINK_PORT) as sink:
		try:
			account = fx.ensure_sink_account(SINK_PORT)
			people = fx.make_people(campaign_size, prefix)
			campaign = fx.make_campaign(account, f"Soak {prefix}")
			fx.queue_for(campaign, people)
			frappe.db.commit()  # nosemgrep: the server and the worker read these
			server, url = apply_load._start_gunicorn(workers=2)
			worker = subprocess.Popen(
				[
					sys.executable,
					"-m",
					"frappe.utils.bench_helper",
					"frappe",
					"worker",
					"--queue",
					"short,default,long",
				],
				cwd=os.path.join(get_bench_path(), "sites"),
				stdout=subprocess.DEVNULL,
				stderr=subprocess.DEVNULL,
			)
			# The campaign's sender: the same claim-and-send loop as a production sender job, as its
			# own process (a shared bench's RQ queues may hold other sites' backlog).
			sender = subprocess.Popen(
				fx.worker_command(batch=100, max_seconds=minutes * 60, campaign=campaign),
				cwd=os.path.join(get_bench_path(), "sites"),
				stdout=subprocess.DEVNULL,
				stderr=subprocess.DEVNULL,
			)
			progress(
				f"soak for {minutes:g} min: {clients} clients on {url}, a {campaign_size}-message campaign"
			)
			deadline = time.monotonic() + minutes * 60
			threads = [
				threading.Thread(
					target=_browse,
					args=(requests, url, site, opening, job_page, stamp, n, deadline, counts, lock),
					daemon=True,
				)
				for n in range(clients)
			]
			for t in threads:
				t.start()
			started = time.monotonic()
			next_tick = next_sample = started
			while time.monotonic() < deadline:
				now = time.monotonic()
				if now >= next_tick:
					_tick(counts)
					next_tick = now + TICK_S
				if now >= next_sample:
					samples.append(_sample(psutil, server, worker, sender, now - started, sink.messages))
					progress(_line(samples[-1]))
					next_sample = now + SAMPLE_S
				time.sleep(1)
			for t in threads:
				t.join(timeout=60)
			samples.append(_sample(psutil, server, worker, sender, time.monotonic() - started, sink.messages))
			progress(_line(samples[-1]))
		finally:
			for proc in (server, worker, sender):
				if proc:
					proc.terminate()
					try:
						proc.wait(timeout=30)
					except subprocess.TimeoutExpired:
						proc.kill()
			frappe.db.set_single_value("RC Settings", "trusted_proxies", proxies_before)
			frappe.db.commit()  # nosemgrep
			duplicates = len(sink.duplicates())
			ledger = (
				dict(
					frappe.db.sql(
						"""select status, count(*) from `tabRC Nurture Message`
						where nurture_campaign = %s group by status""",
						campaign,
					)
				)
				if campaign
				else {}
			)
			fx.cleanup(campaign, prefix)
			apply_load._erase(opening)
	return {**_summary(samples, counts, duplicates), "campaign_ledger": ledger}


def _browse(requests, url, site, opening, job_page, stamp, number, deadline, counts, lock) -> None:
	"""A visitor: the career list, a job page, the visit beacon, a pixel; now and then an application."""
	session = requests.Session()
	address = f"10.{(int(stamp) + 7) % 251}.{number // 250}.{1 + number % 250}"
	headers = {"Host": site, "X-Forwarded-For": address}
	api = f"{url}/api/method/recruit_crm.api.portal"
	rnd = random.Random(number)
	applied = 0
	while time.monotonic() < deadline:
		calls = [
			("page", lambda: session.get(f"{url}/careers", headers=headers, timeout=60)),
			("page", lambda: session.get(f"{url}{job_page}", headers=headers, timeout=60)),
			("beacon", lambda: session.post(f"{api}.track_visit", headers=headers, data={"utm_source": "soak"}, timeout=60)),
			("pixel", lambda: session.get(f"{api}.email_open", params={"t": "x"}, headers=headers, timeout=60)),
		]  # fmt: skip
		if applied < 4 and rnd.random() < 0.05:
			applied += 1
			email = f"soak.{stamp}.{number}.{applied}@{apply_load.EMAIL_DOMAIN}"
			calls.append(
				(
					"apply",
					lambda email=email: session.post(
						f"{api}.apply",
						headers={**headers, "Accept": "application/json"},
						data={
							"job_opening": opening,
							"applicant_name": f"Soak Visitor {number}",
							"email": email,
						},
						files={"resume": ("cv.pdf", apply_load.PDF, "application/pdf")},
						timeout=120,
					),
				)
			)
		for kind, call in calls:
			try:
				status = call().status_code
			except requests.RequestException:
				status = 0
			with lock:
				counts["requests"] += 1
				if status >= 500 or status == 0:
					counts["errors"] += 1
				if kind == "apply" and status == 200:
					counts["applications"] += 1
			time.sleep(0.05)


def _tick(counts: dict) -> None:
	"""What the scheduler runs every minute or few, run here as its jobs would run."""
	for method in TASKS:
		try:
			frappe.get_attr(method)()
			frappe.db.commit()  # nosemgrep: each scheduled job commits
		except Exception:
			frappe.db.rollback()
			frappe.log_error(title=f"recruit_crm soak: {method} failed")
			counts["task_errors"] = counts.get("task_errors", 0) + 1
	counts["ticks"] += 1


def _rss_mb(psutil, proc, children: bool = True) -> float:
	"""Resident memory of `proc`, with its children's (gunicorn's workers) or without them.

	The RQ worker is measured without: it forks a short-lived work-horse per job, whose pages
	are mostly the parent's, counted a second time while the job runs. Its jobs' memory is
	reported apart (`_job_rss_mb`)."""
	try:
		parent = psutil.Process(proc.pid)
		family = [parent, *parent.children(recursive=True)] if children else [parent]
		return sum(p.memory_info().rss for p in family) / 2**20
	except psutil.Error:
		return 0.0


def _job_rss_mb(psutil, proc) -> float:
	"""Resident memory of the RQ worker's running work-horses (0 between jobs)."""
	try:
		return sum(p.memory_info().rss for p in psutil.Process(proc.pid).children(recursive=True)) / 2**20
	except psutil.Error:
		return 0.0


def _sample(psutil, server, worker, sender, elapsed: float, sent: int) -> dict:
	frappe.db.commit()  # nosemgrep: a fresh snapshot
	connections = int(frappe.db.sql("show global status like 'Threads_connected'")[0][1])
	return {
		"t_s": round(elapsed),
		"db_connections": connections,
		"web_rss_mb": round(_rss_mb(psutil, server), 1),
		"worker_rss_mb": round(_rss_mb(psutil, worker, children=False), 1),
		"job_rss_mb": round(_job_rss_mb(psutil, worker), 1),
		"sender_rss_mb": round(_rss_mb(psutil, sender), 1) if sender.poll() is None else 0.0,
		"error_logs": frappe.db.count("Error Log"),
		"emails_received": sent,
	}


def _line(s: dict) -> str:
	return (
		f"t={s['t_s']:>4}s connections={s['db_connections']} web={s['web_rss_mb']} MB "
		f"worker={s['worker_rss_mb']} MB (job {s['job_rss_mb']} MB) sender={s['sender_rss_mb']} MB "
		f"error_logs={s['error_logs']} emails={s['emails_received']}"
	)


def _summary(samples: list[dict], counts: dict, duplicates: int) -> dict:
	warm = [s for s in samples if s["t_s"] >= WARM_UP_S] or samples
	first, last = warm[0], samples[-1]
	return {
		**counts,
		"samples": samples,
		"after_warm_up": first,
		"end": last,
		"growth": {
			"db_connections": last["db_connections"] - first["db_connections"],
			"web_rss_mb": round(last["web_rss_mb"] - first["web_rss_mb"], 1),
			"worker_rss_mb": round(last["worker_rss_mb"] - first["worker_rss_mb"], 1),
			"error_logs": last["error_logs"] - first["error_logs"],
		},
		"emails_sent": last["emails_received"],
		"duplicate_emails": duplicates,
	}
