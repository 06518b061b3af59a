"""Apply under load: many applicants at once, each with a resume, through a trusted proxy.

`bench --site SITE recruit-crm load-apply [--clients 50] [--seconds 60] [--workers 2]` starts
gunicorn on a free loopback port (or uses `--url` of a running server), lists 127.0.0.1 as a
trusted proxy for the run, and has `clients` threads post applications to one open, published
Job Opening for `seconds`, each client with its own forwarded address (so each has its own rate
limit, as real applicants do). Then it checks what the site stored:

- every application answered 200 became exactly one Job Applicant for that address and opening,
  with its resume attached and a candidate linked (or is still a pending submission, reported);
- every application answered 429 (the per-address limit) left nothing behind, and no answer was
  anything else (5xx) without being counted.

It reports answers by status, p50/p95/max latency and throughput. A command, not a CI test:
the site keeps the load's applicants (under the opening "Apply load <stamp>") unless
`--clean` is given, which erases them through the app's own erasure.
"""

import os
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

import frappe
from frappe.utils import get_bench_path

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"%" + b"x" * 20_000 + b"\n"
APPLY_PATH = "/api/method/recruit_crm.api.portal.apply"
EMAIL_DOMAIN = "apply-load.example.com"
PAUSE_S = 0.2


@dataclass
class Answer:
	email: str
	status: int
	seconds: float
	body: str = ""


@dataclass
class Run:
	answers: list[Answer] = field(default_factory=list)
	lock: threading.Lock = field(default_factory=threading.Lock)

	def add(self, answer: Answer) -> None:
		with self.lock:
			self.answers.append(answer)


def run(
	clients: int = 50,
	seconds: float = 60,
	workers: int = 2,
	url: str | None = None,
	clean: bool = False,
	progress=print,
) -> dict:
	import requests  # the bench env has it (Frappe depends on it)

	site = frappe.local.site
	stamp = time.strftime("%Y%m%d%H%M%S")
	opening = _opening(stamp)
	proxies_before = frappe.db.get_single_value("RC Settings", "trusted_proxies")
	frappe.db.set_single_value("RC Settings", "trusted_proxies", "127.0.0.1")
	frappe.db.commit()  # nosemgrep: the server process reads these
	server = None
	try:
		if not url:
			server, url = _start_gunicorn(workers)
		progress(f"{clients} clients for {seconds:.0f} s against {url}, opening {opening}")
		result = Run()
		deadline = time.monotonic() + seconds
		threads = [
			threading.Thread(
				target=_client,
				args=(requests, url, site, opening, stamp, number, deadline, result),
				daemon=True,
			)
			for number in range(clients)
		]
		started = time.monotonic()
		for t in threads:
			t.start()
		for t in threads:
			t.join()
		elapsed = time.monotonic() - started
	finally:
		if server:
			server.terminate()
			try:
				server.wait(timeout=30)
			except subprocess.TimeoutExpired:
				server.kill()
		frappe.db.set_single_value("RC Settings", "trusted_proxies", proxies_before)
		frappe.db.commit()  # nosemgrep
	report = _report(result.answers, elapsed)
	report.update(_verify(result.answers, opening))
	report["opening"] = opening
	if clean:
		report["erased"] = _erase(opening)
	return report


def _opening(stamp: str) -> str:
	company = frappe.db.get_value("Company", {}, "name")
	designation = frappe.db.get_value("Designation", {}, "name")
	doc = frappe.get_doc(
		{
			"doctype": "Job Opening",
			"job_title": f"Apply load {stamp}",
			"designation": designation,
			"company": company,
			"status": "Open",
			"publish": 1,
		}
	).insert(ignore_permissions=True)
	return doc.name


def _free_port() -> int:
	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


def _start_gunicorn(workers: int) -> tuple[subprocess.Popen, str]:
	bench = get_bench_path()
	gunicorn = os.path.join(bench, "env", "bin", "gunicorn")
	if not os.path.exists(gunicorn):
		gunicorn = shutil.which("gunicorn") or gunicorn
	port = _free_port()
	server = subprocess.Popen(
		[
			gunicorn,
			"-b",
			f"127.0.0.1:{port}",
			"-w",
			str(workers),
			"-t",
			"120",
			"--preload",
			"frappe.app:application",
		],
		cwd=os.path.join(bench, "sites"),
		stdout=subprocess.DEVNULL,
		stderr=subprocess.DEVNULL,
	)
	url = f"http://127.0.0.1:{port}"
	for _ in range(600):
		try:
			with socket.create_connection(("127.0.0.1", port), timeout=0.2):
				return server, url
		except OSError:
			if server.poll() is not None:
				raise RuntimeError("gunicorn did not start; is it installed in the bench env?") from None
			time.sleep(0.1)
	server.kill()
	raise RuntimeError("gunicorn did not answer within 60 s")


def _client(requests, url, site, opening, stamp, number, deadline, result: Run) -> None:
	"""One applicant's machine: its own address, one application after another."""
	session = requests.Session()
	# Rate limits last ten minutes: each run takes its own block of addresses.
	address = f"10.{int(stamp) % 251}.{number // 250}.{1 + number % 250}"
	attempt = 0
	while time.monotonic() < deadline:
		email = f"load.{stamp}.{number}.{attempt}@{EMAIL_DOMAIN}"
		attempt += 1
		started = time.perf_counter()
		try:
			response = session.post(
				url + APPLY_PATH,
				headers={"Host": site, "X-Forwarded-For": address, "Accept": "application/json"},
				data={
					"job_opening": opening,
					"applicant_name": f"Load Applicant {number} {attempt}",
					"email": email,
				},
				files={"resume": ("cv.pdf", PDF, "application/pdf")},
				timeout=120,
			)
			status, body = response.status_code, response.text[:300]
		except requests.RequestException as e:
			status, body = 0, str(e)[:300]  # no answer at all
		result.add(Answer(email, status, time.perf_counter() - started, "" if status in (200, 429) else body))
		time.sleep(PAUSE_S)  # a person does not resubmit in the same millisecond


def _report(answers: list[Answer], elapsed: float) -> dict:
	by_status: dict[int, int] = {}
	for a in answers:
		by_status[a.status] = by_status.get(a.status, 0) + 1
	accepted = [a.seconds for a in answers if a.status == 200]
	times = sorted(a.seconds for a in answers)

	def pct(values: list[float], p: float) -> float:
		if not values:
			return 0.0
		return values[min(len(values) - 1, round(p * (len(values) - 1)))]

	return {
		"requests": len(answers),
		"by_status": by_status,
		"seconds": round(elapsed, 1),
		"requests_per_s": round(len(answers) / elapsed, 1) if elapsed else 0,
		"accepted_p50_s": round(statistics.median(accepted), 3) if accepted else None,
		"accepted_p95_s": round(pct(sorted(accepted), 0.95), 3),
		"all_p95_s": round(pct(times, 0.95), 3),
		"max_s": round(times[-1], 3) if times else None,
	}


def _verify(answers: list[Answer], opening: str) -> dict:
	"""What the site stored for each answer: accepted -> one applicant with resume and candidate;
	refused -> nothing."""
	frappe.db.commit()  # nosemgrep: a fresh snapshot, to see what the server committed
	emails = [a.email for a in answers]
	stored: dict[str, list] = {}
	for start in range(0, len(emails), 1000):
		for row in frappe.db.sql(
			"""select ja.email_id, ja.name, ja.resume_attachment, ja.rc_candidate,
				(select count(*) from `tabFile` f where f.attached_to_doctype = 'Job Applicant'
					and f.attached_to_name = ja.name) as files
			from `tabJob Applicant` ja where ja.job_title = %(opening)s and ja.email_id in %(emails)s""",
			{"opening": opening, "emails": emails[start : start + 1000]},
			as_dict=True,
		):
			stored.setdefault(row.email_id, []).append(row)
	pending = set(
		frappe.db.sql(
			"select email from `tabRC Application Submission` where job_opening = %s", opening, pluck=True
		)
	)
	accepted = [a for a in answers if a.status == 200]
	refused = [a for a in answers if a.status == 429]
	complete = [
		a
		for a in accepted
		if len(stored.get(a.email, [])) == 1
		and stored[a.email][0].resume_attachment
		and stored[a.email][0].files >= 1
		and stored[a.email][0].rc_candidate
	]
	still_pending = [a for a in accepted if a.email in pending and a.email not in stored]
	duplicated = [a for a in accepted if len(stored.get(a.email, [])) > 1]
	lost = [a for a in accepted if a.email not in stored and a.email not in pending]
	refused_but_stored = [a for a in refused if a.email in stored or a.email in pending]
	other = [a for a in answers if a.status not in (200, 429)]
	return {
		"accepted": len(accepted),
		"stored_complete": len(complete),
		"stored_pending": len(still_pending),
		"stored_twice": len(duplicated),
		"lost": len(lost),
		"refused_429": len(refused),
		"refused_but_stored": len(refused_but_stored),
		"other_answers": len(other),
		"other_sample": sorted({a.body for a in other})[:3],
		"ok": not duplicated
		and not lost
		and not refused_but_stored
		and len(complete) + len(still_pending) == len(accepted),
	}


def _erase(opening: str) -> int:
	"""Erase the load's people through the app's erasure (nothing of them is kept)."""
	from recruit_crm.services.compliance import erasure

	people = frappe.db.sql(
		"""select distinct rc_candidate from `tabJob Applicant`
		where job_title = %s and rc_candidate is not null""",
		opening,
		pluck=True,
	)
	for name in people:
		erasure.erase_candidate(name)
	frappe.db.sql("delete from `tabRC Application Submission` where job_opening = %s", opening)
	frappe.db.set_value("Job Opening", opening, "status", "Closed")
	frappe.db.commit()  # nosemgrep
	return len(people)


if __name__ == "__main__":  # pragma: no cover
	sys.exit("Run through bench: bench --site SITE recruit-crm load-apply")
