"""Committed fixtures for delivery benchmarks and crash tests: N sendable people, a one-email
campaign queued for all of them, an Email Account pointing at a loopback SMTP sink, a worker
process to send, and a clean-up that removes every row these created."""

import json
import os
import signal
import subprocess
import sys
import time

import frappe
from frappe.utils import get_bench_path, now_datetime

from recruit_crm.benchmarks.smtp_sink import upsert_loopback_account
from recruit_crm.domain.naming import sortable_names
from recruit_crm.services._sql import multi_row_insert
from recruit_crm.services.nurture import audience, constants, engine

ACCOUNT = "RC Nurture Bench Sink"
TEMPLATE = "RC Nurture Bench Template"
BODY = (
	"<p>Hi {{ candidate.first_name }},</p><p>We are growing the team behind our data platform and your "
	"experience as {{ candidate.current_title or 'an engineer' }} stood out. Here is what our engineers "
	"say about working here, and the roles we open next quarter.</p>"
	'<p><a href="https://example.org/careers/platform">See the platform roles</a> or '
	'<a href="https://example.org/careers/stories/data-team">read the data team story</a>.</p>'
	"<p>No need to apply now: reply to this email if you'd like a 20-minute chat.</p>"
	"<p>Best,<br>Talent Team</p>"
)


def ensure_sink_account(port: int, sender: str = "talent@bench.localhost") -> str:
	"""An outgoing Email Account for the sink on `port` (the sink must be running)."""
	upsert_loopback_account(ACCOUNT, port, sender, track_email_status=1)
	ensure_template()
	return ACCOUNT


def ensure_template() -> str:
	if not frappe.db.exists("Email Template", TEMPLATE):
		frappe.get_doc(
			{
				"doctype": "Email Template",
				"name": TEMPLATE,
				"subject": "{{ candidate.first_name }}, a note from our engineering team",
				"response": BODY,
			}
		).insert(ignore_permissions=True)
	return TEMPLATE


def make_people(count: int, prefix: str) -> list[str]:
	"""`count` sendable candidates with addresses `<prefix>.<i>@bench.example`, bulk-inserted."""
	now = now_datetime()
	names = sortable_names(count, int(time.time() * 1000))
	zones = ("Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC", None)
	rows = [
		(name, f"{prefix}.{i}@bench.example", f"Bench Person {i}", "Data Engineer", zones[i % 5], 1, 0, "Prospect",
			now, now, "Administrator", "Administrator")
		for i, name in enumerate(names)
	]  # fmt: skip
	multi_row_insert(
		"RC Candidate",
		("name", "email", "full_name", "current_title", "timezone", "has_marketing_consent", "do_not_contact",
			"crm_stage", "creation", "modified", "owner", "modified_by"),
		rows,
	)  # fmt: skip
	return names


def make_campaign(account: str, label: str, always_open: bool = True) -> str:
	doc = frappe.get_doc(
		{
			"doctype": constants.CAMPAIGN,
			"campaign_name": label,
			"email_account": account,
			"send_on_weekends": 1 if always_open else 0,
			"send_start_time": "00:00:00" if always_open else "09:00:00",
			"send_end_time": "23:59:59" if always_open else "17:00:00",
			"exit_on_reply": 1,
			"steps": [{"step_type": "Send Email", "email_template": TEMPLATE, "label": "First touch"}],
		}
	)
	doc.flags.ignore_links = True
	doc.insert(ignore_permissions=True)
	doc.db_set("status", "Active")
	return doc.name


def queue_for(campaign: str, people: list[str]) -> int:
	audience.enroll(campaign, people, enrolled_by="Administrator")
	return engine.queue_step(campaign, 1, now_datetime())


def worker_command(
	batch: int = 500,
	max_seconds: float = 3600,
	profile: str | None = None,
	wait_for_go: bool = False,
	batches: int = 0,
	campaign: str | None = None,
) -> list[str]:
	"""`nurture-send` for the benchmarks, limited to their own `campaign` when given: a seeded
	site's own due mail (other accounts, other servers) must not slow them down."""
	return [
		sys.executable, "-m", "frappe.utils.bench_helper", "frappe", "--site", frappe.local.site,
		"recruit-crm", "nurture-send", "--until-empty", "--batch", str(batch), "--max-seconds", str(max_seconds),
		"--batches", str(batches), *(["--profile", profile] if profile else []),
		*(["--wait-for-go"] if wait_for_go else []), *(["--campaign", campaign] if campaign else []),
	]  # fmt: skip


def start_worker(
	batch: int = 500, wait_for_go: bool = False, campaign: str | None = None
) -> subprocess.Popen:
	"""A real sending worker process (the CLI), which prints READY once it holds its claim lock;
	with `wait_for_go` it then waits for `go(proc)` before it claims anything."""
	return subprocess.Popen(
		worker_command(batch, wait_for_go=wait_for_go, campaign=campaign),
		cwd=os.path.join(get_bench_path(), "sites"),
		stdin=subprocess.PIPE if wait_for_go else subprocess.DEVNULL,
		stdout=subprocess.PIPE,
		stderr=subprocess.PIPE,
		text=True,
		start_new_session=True,
	)


def go(proc: subprocess.Popen) -> None:
	"""Let a worker started with `wait_for_go` (and READY) start sending."""
	proc.stdin.write("go\n")
	proc.stdin.flush()


def wait_ready(proc: subprocess.Popen, timeout: float = 60) -> bool:
	deadline = time.monotonic() + timeout
	while time.monotonic() < deadline:
		line = proc.stdout.readline()
		if not line:
			return False
		if line.startswith("READY"):
			return True
	return False


def finish(proc: subprocess.Popen, timeout: float = 3600) -> dict:
	out, err = proc.communicate(timeout=timeout)
	for line in reversed(out.splitlines()):
		if line.startswith("{"):
			return json.loads(line)
	raise RuntimeError(f"worker failed ({proc.returncode}): {err[-2000:]}")


def kill(proc: subprocess.Popen) -> None:
	os.kill(proc.pid, signal.SIGKILL)
	proc.wait()


def stored_bytes(table: str, where: str, params: dict) -> int:
	"""Logical bytes held by the matching rows: the summed length of every column."""
	columns = frappe.db.sql(
		"select column_name from information_schema.columns where table_schema = database() and table_name = %s",
		table,
		pluck=True,
	)
	expr = " + ".join(f"ifnull(length(`{c}`), 0)" for c in columns)
	return int(frappe.db.sql(f"select sum({expr}) from `{table}` where {where}", params)[0][0] or 0)


def cleanup(campaign: str | None, prefix: str, people: bool = True) -> None:
	"""Remove every row a run created (it committed them so a separate worker could see them);
	`people=False` keeps the candidates for another campaign."""
	if campaign:
		names = frappe.db.sql(
			f"select name from `tab{constants.MESSAGE}` where nurture_campaign = %s", campaign, pluck=True
		)
		for start in range(0, len(names), 5000):
			chunk = names[start : start + 5000]
			frappe.db.sql("delete from `tabCommunication` where name in %(n)s", {"n": chunk})
			frappe.db.sql("delete from `tabEmail Queue Recipient` where parent in %(n)s", {"n": chunk})
			frappe.db.sql("delete from `tabEmail Queue` where name in %(n)s", {"n": chunk})
			frappe.db.sql(
				"delete from `tabRC Touchpoint` where reference_doctype = 'Communication' and reference_name in %(n)s",
				{"n": chunk},
			)
		frappe.db.sql(f"delete from `tab{constants.MESSAGE}` where nurture_campaign = %s", campaign)
		frappe.db.sql(f"delete from `tab{constants.ENROLLMENT}` where nurture_campaign = %s", campaign)
		frappe.db.sql("delete from `tabRC Nurture Step` where parent = %s", campaign)
		frappe.db.sql(f"delete from `tab{constants.CAMPAIGN}` where name = %s", campaign)
	if people:
		frappe.db.sql(
			"delete from `tabRC Touchpoint` where candidate in (select name from `tabRC Candidate` where email like %s)",
			f"{prefix}.%",
		)
		frappe.db.sql("delete from `tabRC Candidate` where email like %s", f"{prefix}.%")
	frappe.db.commit()  # nosemgrep: benchmark clean-up
