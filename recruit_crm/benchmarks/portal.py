"""Guest latency of the career site under load, against HRMS's job pages and the framework floor.

Starts gunicorn (2 sync workers, as in production) on a loopback port for this site, drives it
with 50 concurrent guest clients, and reports p95 latency of our careers list and job page
against HRMS's `/jobs` and job page, and against `/api/method/ping`, all in the same run.
"""

import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import frappe

from recruit_crm.benchmarks import Figure, register
from recruit_crm.services.portal import careers

CLIENTS = 50


@register("portal")
def bench_portal(requests_per_url: int = 1500, seconds_cap: float = 25.0, **_) -> list[Figure]:
	if frappe.conf.developer_mode:
		raise RuntimeError("developer_mode disables the page cache; benchmark a production-like site")
	opening = frappe.get_all(
		"Job Opening",
		filters={"status": "Open", "publish": 1},
		fields=["name", "route"],
		limit=1,
		order_by="creation asc",
	)
	if not opening:
		raise RuntimeError("no open, published Job Opening: run `recruit-crm seed-demo` first")
	open_jobs = frappe.db.count("Job Opening", {"status": "Open", "publish": 1})
	site = frappe.local.site
	frappe.db.commit()  # nosemgrep: the server reads what this process wrote
	urls = {
		"ping": "/api/method/ping",
		"careers": "/careers",
		"careers_job": careers.job_path(opening[0].route),
		"hrms_jobs": "/jobs",
		"hrms_job": "/" + opening[0].route.strip("/"),
	}
	port = _free_port()
	server = _start_gunicorn(port)
	try:
		_wait_until_up(port, site)
		results = {}
		for key, path in urls.items():
			results[key] = asyncio.run(_load(port, site, path, requests_per_url, seconds_cap))
	finally:
		server.terminate()
		try:
			server.wait(timeout=10)
		except subprocess.TimeoutExpired:
			server.kill()
	for key, stats in results.items():
		print(
			f"  {key:12s} {urls[key]:55s} p50 {stats['p50'] * 1000:7.1f} ms  p95 {stats['p95'] * 1000:7.1f} ms  "
			f"{stats['rps']:7.1f} req/s  n={stats['n']} errors={stats['errors']}"
		)
	note = f"gunicorn 2 workers, {CLIENTS} concurrent guests, {open_jobs} open jobs"
	return [
		Figure(
			"careers list p95",
			results["careers"]["p95"],
			results["hrms_jobs"]["p95"],
			"HRMS /jobs p95",
			0.1,
			note,
		),
		Figure(
			"job page p95",
			results["careers_job"]["p95"],
			results["hrms_job"]["p95"],
			"HRMS job page p95",
			0.1,
			note,
		),
		Figure(
			"careers list p95",
			results["careers"]["p95"],
			results["ping"]["p95"],
			"/api/method/ping p95",
			2.0,
			note,
		),
		Figure(
			"job page p95",
			results["careers_job"]["p95"],
			results["ping"]["p95"],
			"/api/method/ping p95",
			2.0,
			note,
		),
	]


def _free_port() -> int:
	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


def _start_gunicorn(port: int) -> subprocess.Popen:
	gunicorn = Path(sys.executable).parent / "gunicorn"
	sites_path = os.path.abspath(frappe.local.sites_path)
	return subprocess.Popen(
		[
			str(gunicorn),
			"-b",
			f"127.0.0.1:{port}",
			"-w",
			"2",
			"-t",
			"120",
			"--preload",
			"frappe.app:application",
		],
		cwd=sites_path,
		stdout=subprocess.DEVNULL,
		stderr=subprocess.DEVNULL,
	)


def _wait_until_up(port: int, site: str, timeout: float = 60) -> None:
	deadline = time.time() + timeout
	while time.time() < deadline:
		try:
			status, _ = asyncio.run(_get(port, site, "/api/method/ping"))
			if status == 200:
				return
		except OSError:
			pass
		time.sleep(0.5)
	raise RuntimeError("gunicorn did not start")


async def _get(port: int, site: str, path: str) -> tuple[int, int]:
	reader, writer = await asyncio.open_connection("127.0.0.1", port)
	try:
		writer.write(
			f"GET {path} HTTP/1.1\r\nHost: {site}\r\nUser-Agent: rc-bench\r\nAccept: text/html\r\nConnection: close\r\n\r\n".encode()
		)
		await writer.drain()
		data = await reader.read()
	finally:
		writer.close()
	status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
	return status, len(data)


async def _load(port: int, site: str, path: str, total: int, seconds_cap: float) -> dict:
	for _ in range(3):  # warm the page cache and the workers
		await _get(port, site, path)
	latencies: list[float] = []
	errors = 0
	issued = 0
	start = time.perf_counter()

	async def client():
		nonlocal issued, errors
		while issued < total and time.perf_counter() - start < seconds_cap:
			issued += 1
			t0 = time.perf_counter()
			try:
				status, _ = await _get(port, site, path)
				if status != 200:
					errors += 1
			except OSError:
				errors += 1
			latencies.append(time.perf_counter() - t0)

	await asyncio.gather(*(client() for _ in range(CLIENTS)))
	elapsed = time.perf_counter() - start
	latencies.sort()
	return {
		"n": len(latencies),
		"errors": errors,
		"rps": len(latencies) / elapsed if elapsed else 0,
		"p50": latencies[len(latencies) // 2],
		"p95": latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))],
	}
