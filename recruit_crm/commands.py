"""`bench --site SITE recruit-crm ...` commands: demo data, benchmarks, bulk import."""

import json

import click

import frappe
from frappe.commands import get_site, pass_context


def _connect(context) -> str:
	site = get_site(context)
	frappe.init(site=site)
	frappe.connect()
	frappe.set_user("Administrator")
	return site


@click.group("recruit-crm")
def recruit_crm():
	"""Recruit CRM: demo site, benchmarks and bulk imports."""


def _demo_options(command):
	for option in reversed(
		(
			click.option(
				"--candidates", default=2000, show_default=True, help="People to add in this batch."
			),
			click.option(
				"--seed", default=42, show_default=True, help="Random seed (same seed, same people)."
			),
			click.option("--months", default=18, show_default=True, help="How far back their histories go."),
			click.option(
				"--openings",
				default=30,
				hidden=True,
				help="Ignored: the demo has its own catalogue of openings.",
			),
		)
	):
		command = option(command)
	return pass_context(command)


def _run_demo(context, candidates: int, seed: int, months: int) -> None:
	from recruit_crm.services.candidates import demo

	_connect(context)
	try:
		result = demo.build_demo(candidates=candidates, seed=seed, months=months, progress=click.echo)
		click.echo(json.dumps(result, indent=1, default=str))
	except demo.NoCompany as e:
		raise click.ClickException(str(e)) from None
	finally:
		frappe.destroy()


@recruit_crm.command("demo")
@_demo_options
def demo_site(context, candidates: int, seed: int, months: int, openings: int):
	"""Make the site look lived-in: openings, recruiters, people with believable histories, consent,
	pools, campaigns and a "Join us" page. Run again to add another batch of people; no email is sent."""
	_run_demo(context, candidates, seed, months)


@recruit_crm.command("seed-demo")
@_demo_options
def seed_demo(context, candidates: int, seed: int, months: int, openings: int):
	"""The same as `demo` (its former name)."""
	_run_demo(context, candidates, seed, months)


@recruit_crm.command("benchmark")
@click.option("--only", multiple=True, help="Run only these benchmarks (repeatable), e.g. --only import.")
@click.option("--candidates", default=100_000, show_default=True, help="Rows / people per benchmark.")
@click.option(
	"--messages", default=0, help="Messages per nurture delivery run (0: each benchmark's default)."
)
@click.option("--workers", default="1,2,4", show_default=True, help="delivery_workers: process counts.")
@click.option("--kills", default=10, show_default=True, help="delivery_workers: SIGKILLs in the kill run.")
@click.option("--profile", default=None, help="Nurture delivery: write the worker's cProfile stats here.")
@pass_context
def benchmark(
	context,
	only: tuple[str, ...],
	candidates: int,
	messages: int,
	workers: str,
	kills: int,
	profile: str | None,
):
	"""Print each figure with its baseline measured in the same run, as a ratio."""
	from recruit_crm.benchmarks import run

	_connect(context)
	try:
		options = {"candidates": candidates, "messages": messages, "kills": kills, "profile": profile}
		options["workers"] = tuple(int(w) for w in workers.split(",") if w.strip())
		for figure in run(list(only), **options):
			click.echo(figure.line())
	finally:
		frappe.db.rollback()
		frappe.destroy()


@recruit_crm.command("import-candidates")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--source", default=None, help="Job Applicant Source for rows that name none.")
@pass_context
def import_candidates(context, path: str, source: str | None):
	"""Bulk-import candidates from a CSV file; prints counts and every rejected row."""
	from recruit_crm.services.candidates import bulk_import

	_connect(context)
	try:
		with open(path, encoding="utf-8-sig") as f:
			rows = bulk_import.read_csv(f.read())
		report = bulk_import.import_candidates(rows, source=source)
		frappe.db.commit()  # nosemgrep: CLI import
		click.echo(json.dumps(report.as_dict(), default=str, indent=1))
	finally:
		frappe.destroy()


def _say_ready() -> None:
	import sys

	click.echo("READY")
	sys.stdout.flush()


def _say_ready_and_wait() -> None:
	"""READY, then wait for a line on stdin: a benchmark starts several workers at once."""
	import sys

	_say_ready()
	sys.stdin.readline()


@recruit_crm.command("nurture-send")
@click.option("--until-empty", is_flag=True, help="Keep going until nothing is due (ignores --max-seconds).")
@click.option("--batch", default=200, show_default=True, help="Messages claimed per batch.")
@click.option("--max-seconds", default=240.0, show_default=True, help="Stop claiming after this long.")
@click.option("--profile", default=None, help="Write cProfile stats of the send to this path.")
@click.option("--wait-for-go", is_flag=True, help="Once READY, wait for a line on stdin before sending.")
@click.option("--batches", default=0, help="Stop after this many claimed batches (0: no limit).")
@click.option("--lease-seconds", default=0.0, help="Lease of each claim (0: the default, 10 minutes).")
@click.option("--smtp-patience", default=120.0, show_default=True, help="Seconds to wait for a mail server.")
@click.option("--db-port", default=0, help="Reach MariaDB on this loopback port instead (fault tests).")
@click.option("--campaign", default=None, help="Send only this nurture campaign's due messages.")
@pass_context
def nurture_send(
	context,
	until_empty: bool,
	batch: int,
	max_seconds: float,
	profile: str | None,
	wait_for_go: bool,
	batches: int,
	lease_seconds: float,
	smtp_patience: float,
	db_port: int,
	campaign: str | None,
):
	"""Run one nurture sending worker in this process; prints its counts and CPU time as JSON."""
	import cProfile
	import resource
	import time
	from datetime import timedelta

	from recruit_crm.services.nurture import delivery

	if db_port:  # the fault tests route this worker's database connection through their proxy
		frappe.init(site=get_site(context))
		frappe.local.conf.update(db_host="127.0.0.1", db_port=db_port, db_socket=None)
	_connect(context)
	try:
		profiler = cProfile.Profile() if profile else None
		start_cpu = resource.getrusage(resource.RUSAGE_SELF)
		start = time.perf_counter()
		if profiler:
			profiler.enable()
		result = delivery.send_due(
			batch_size=batch,
			max_seconds=max_seconds,
			until_empty=until_empty,
			on_ready=_say_ready_and_wait if wait_for_go else _say_ready,
			max_batches=batches or None,
			lease=timedelta(seconds=lease_seconds) if lease_seconds else None,
			smtp_patience=smtp_patience,
			campaign=campaign,
		)
		if profiler:
			profiler.disable()
			profiler.dump_stats(profile)
		end_cpu = resource.getrusage(resource.RUSAGE_SELF)
		result["wall_s"] = time.perf_counter() - start
		result["cpu_s"] = (end_cpu.ru_utime - start_cpu.ru_utime) + (end_cpu.ru_stime - start_cpu.ru_stime)
		click.echo(json.dumps(result))
	finally:
		frappe.destroy()


@recruit_crm.command("crash-test")
@click.option("--messages", default=10_000, show_default=True, help="Messages to send.")
@click.option("--kills", default=100, show_default=True, help="SIGKILLs of the sending worker.")
@click.option("--port", default=2660, show_default=True, help="Loopback port of the counting SMTP server.")
@click.option("--seed", default=7, show_default=True, help="Random seed for the kill moments.")
@pass_context
def crash_test(context, messages: int, kills: int, port: int, seed: int):
	"""Kill the nurture sending worker at random moments during a send to a loopback SMTP server
	that counts Message-IDs; report duplicates, losses and how every message is accounted for."""
	from recruit_crm.benchmarks.nurture_crash import run_crash_test

	_connect(context)
	try:
		report = run_crash_test(messages=messages, kills=kills, port=port, seed=seed, progress=click.echo)
		click.echo(json.dumps(report, indent=1, default=str))
		if report["duplicates"] or report["lost"]:
			raise SystemExit(1)
	finally:
		frappe.destroy()


@recruit_crm.command("fault-test")
@click.option("--kind", type=click.Choice(["smtp-outage", "db-cut"]), required=True)
@click.option("--messages", default=10_000, show_default=True, help="Messages to send.")
@click.option("--outage", default=60.0, show_default=True, help="smtp-outage: seconds the server is down.")
@click.option("--cuts", default=5, show_default=True, help="db-cut: times the worker's DB connection is cut.")
@click.option("--lease", default=20.0, show_default=True, help="Claim lease of the workers, in seconds.")
@click.option("--port", default=2662, show_default=True, help="Loopback port of the counting SMTP server.")
@pass_context
def fault_test(context, kind: str, messages: int, outage: float, cuts: int, lease: float, port: int):
	"""Send a campaign through a fault-injecting proxy (the mail server goes away, or the worker's
	database connection is cut) and report sent, duplicates, lost, unknown and sessions cut."""
	from recruit_crm.benchmarks import nurture_faults

	_connect(context)
	try:
		if kind == "smtp-outage":
			report = nurture_faults.run_smtp_outage(
				messages=messages, outage=outage, sink_port=port, lease=lease, progress=click.echo
			)
		else:
			report = nurture_faults.run_db_cuts(
				messages=messages, cuts=cuts, sink_port=port, lease=lease, progress=click.echo
			)
		click.echo(json.dumps(report, indent=1, default=str))
		if not report["ok"]:
			raise SystemExit(1)
	finally:
		frappe.destroy()


@recruit_crm.command("load-apply")
@click.option("--clients", default=50, show_default=True, help="Concurrent applicants.")
@click.option("--seconds", default=60.0, show_default=True, help="How long they keep applying.")
@click.option("--workers", default=2, show_default=True, help="gunicorn workers to start.")
@click.option("--url", default=None, help="Use this running server instead of starting gunicorn.")
@click.option("--clean", is_flag=True, help="Erase the run's applicants afterwards.")
@pass_context
def load_apply(context, clients: int, seconds: float, workers: int, url: str | None, clean: bool):
	"""Many applicants with resumes at once; checks each answer against what was stored."""
	from recruit_crm.benchmarks import apply_load

	_connect(context)
	try:
		report = apply_load.run(clients=clients, seconds=seconds, workers=workers, url=url, clean=clean)
		click.echo(json.dumps(report, default=str, indent=1))
		if not report["ok"]:
			raise SystemExit(1)
	finally:
		frappe.destroy()


@recruit_crm.command("soak")
@click.option("--minutes", default=10.0, show_default=True)
@click.option("--clients", default=8, show_default=True, help="Concurrent career-site visitors.")
@click.option("--campaign-size", default=5000, show_default=True, help="Messages in the running campaign.")
@pass_context
def soak(context, minutes: float, clients: int, campaign_size: int):
	"""Mixed traffic, scheduled work and a running campaign; reports growth of connections, memory
	and Error Log rows."""
	from recruit_crm.benchmarks import soak as soak_run

	_connect(context)
	try:
		report = soak_run.run(
			minutes=minutes, clients=clients, campaign_size=campaign_size, progress=click.echo
		)
		report.pop("samples", None)
		click.echo(json.dumps(report, default=str, indent=1))
	finally:
		frappe.destroy()


commands = [recruit_crm]
