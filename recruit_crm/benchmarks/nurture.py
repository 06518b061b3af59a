"""Nurture campaign figures, each against a baseline measured in the same run.

- queue one email step for N enrolled people (the ledger rows) vs a raw `INSERT ... SELECT` of the
  same rows into a same-shaped table (target <= 5x);
- deliver 10k messages end to end with one worker process to a real SMTP server on loopback vs
  Frappe's Newsletter sending the same 10k addresses from an Email Group through the same server
  (target >= 2x its messages/s, <= 5 ms of worker CPU per message).
"""

import os
import pickle
import resource
import subprocess
import sys
import tempfile
import time

import frappe
from frappe.utils import get_bench_path, now_datetime

from recruit_crm.benchmarks import Figure, register, timed
from recruit_crm.benchmarks import nurture_fixtures as fx
from recruit_crm.benchmarks.smtp_sink import SmtpSink
from recruit_crm.services.nurture import audience, constants, engine

DELIVERY_MESSAGES = 10_000
SINK_PORT = 2650


@register("nurture")
def bench_nurture(candidates: int = 100_000, **_) -> list[Figure]:
	figures = [bench_queue_step(candidates)]
	figures.extend(bench_delivery(min(DELIVERY_MESSAGES, candidates)))
	return figures


def bench_queue_step(candidates: int) -> Figure:
	"""Everything inside one transaction that is rolled back."""
	frappe.db.sql(
		f"create temporary table `rc_bench_ledger` like `tab{constants.MESSAGE}`"
	)  # DDL before writes
	prefix = f"benchq{int(time.time())}"
	try:
		fx.ensure_template()
		people = fx.make_people(candidates, prefix)
		campaign = fx.make_campaign(fx.ACCOUNT, f"Queue bench {prefix}")
		audience.enroll(campaign, people, enrolled_by="Administrator")
		ours_s, queued = timed(lambda: engine.queue_step(campaign, 1, now_datetime()))
		baseline_s, _ = timed(
			lambda: frappe.db.sql(
				f"insert into `rc_bench_ledger` select * from `tab{constants.MESSAGE}` where nurture_campaign = %s",
				campaign,
			)
		)
		waiting = frappe.db.count(constants.ENROLLMENT, {"nurture_campaign": campaign, "status": "Waiting"})
	finally:
		frappe.db.rollback()
	return Figure(
		name=f"queue one email step for {candidates} enrolled people",
		ours_s=ours_s,
		baseline_s=baseline_s,
		baseline="raw INSERT ... SELECT of the same ledger rows",
		target_ratio=5,
		note=f"{queued} ledger rows, {waiting} enrolments moved to Waiting, {queued / ours_s:,.0f} rows/s",
	)


def bench_delivery(messages: int) -> list[Figure]:
	"""Both sides commit (a separate worker process sends), and clean up after themselves."""
	prefix = f"benchd{int(time.time())}"
	campaign = newsletter = group = None
	with SmtpSink(SINK_PORT) as sink:
		try:
			account = fx.ensure_sink_account(SINK_PORT)
			people = fx.make_people(messages, prefix)
			campaign = fx.make_campaign(account, f"Delivery bench {prefix}")
			fx.queue_for(campaign, people)
			frappe.db.commit()  # nosemgrep: the worker process reads these rows

			ours = _run_worker(fx.worker_command(batch=500), sink)
			ours["bytes"] = _our_bytes(campaign)
			domain = frappe.local.site
			ours["distinct_ids"] = len(
				{k for k in sink.ids if k and k.startswith("rcn.") and k.endswith(domain)}
			)

			emails = [f"{prefix}.{i}@bench.example" for i in range(messages)]
			group, newsletter = _make_newsletter(prefix, emails, account)
			frappe.db.commit()  # nosemgrep
			before_ids = set(sink.ids)
			jobs = _capture_newsletter_jobs(newsletter)
			try:
				theirs = _run_worker(_job_runner_command(jobs), sink)
			finally:
				os.unlink(jobs)
			theirs["bytes"] = _newsletter_bytes(newsletter)
			theirs["distinct_ids"] = len(set(sink.ids) - before_ids)
			if sink.duplicates():
				theirs["note"] = f"{len(sink.duplicates())} Message-IDs received more than once"
		finally:
			fx.cleanup(campaign, prefix)
			_cleanup_newsletter(newsletter, group)

	def rate(r):
		return r["received"] / r["send_s"] if r["send_s"] else 0

	our_rate, their_rate = rate(ours), rate(theirs)
	our_cpu_ms = ours["cpu_s"] * 1000 / max(ours["received"], 1)
	their_cpu_ms = theirs["cpu_s"] * 1000 / max(theirs["received"], 1)
	return [
		Figure(
			name=f"deliver {messages} messages, one worker, loopback SMTP",
			ours_s=ours["send_s"],
			baseline_s=theirs["send_s"],
			baseline="Frappe Newsletter, same addresses, same server",
			target_ratio=0.5,
			note=(
				f"ours {our_rate:.0f} msg/s vs Newsletter {their_rate:.0f} msg/s ({our_rate / their_rate if their_rate else 0:.2f}x); "
				f"worker CPU {our_cpu_ms:.2f} ms/msg (target <= 5) vs {their_cpu_ms:.2f} ms/msg; "
				f"stored {ours['bytes'] / max(ours['received'], 1) / 1024:.2f} KB/msg vs {theirs['bytes'] / max(theirs['received'], 1) / 1024:.2f} KB/msg; "
				f"distinct Message-IDs {ours['distinct_ids']} of {ours['received']} vs {theirs['distinct_ids']} of {theirs['received']}; "
				f"process wall incl. start-up {ours['wall_s']:.1f} s vs {theirs['wall_s']:.1f} s"
			),
		)
	]


def _run_worker(command: list[str], sink) -> dict:
	"""Run one worker process to completion; send time is first-to-last message at the server."""
	start_count = sink.messages
	first = last = None
	before = resource.getrusage(resource.RUSAGE_CHILDREN)
	started = time.perf_counter()
	proc = subprocess.Popen(
		command,
		cwd=os.path.join(get_bench_path(), "sites"),
		stdout=subprocess.PIPE,
		stderr=subprocess.PIPE,
		text=True,
	)
	seen = start_count
	while proc.poll() is None:
		if sink.messages != seen:
			now = time.perf_counter()
			first = first or now
			last = now
			seen = sink.messages
		time.sleep(0.005)
	out, err = proc.communicate()
	if sink.messages != seen:
		last = time.perf_counter()
		first = first or last
	wall = time.perf_counter() - started
	after = resource.getrusage(resource.RUSAGE_CHILDREN)
	if proc.returncode:
		raise RuntimeError(f"worker failed: {err[-3000:]}")
	cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
	reported = {}
	for line in reversed(out.splitlines()):
		if line.startswith("{"):
			reported = frappe.parse_json(line)
			break
	return {
		"received": sink.messages - start_count,
		"send_s": (last - first) if first else wall,
		"wall_s": wall,
		# the whole process, start-up included, unless it measured its send phase itself
		"cpu_s": reported.get("cpu_s", cpu),
		"process_cpu_s": cpu,
	}


def _our_bytes(campaign: str) -> int:
	names = {"n": campaign}
	total = fx.stored_bytes(f"tab{constants.MESSAGE}", "nurture_campaign = %(n)s", names)
	where_children = f"name in (select name from `tab{constants.MESSAGE}` where nurture_campaign = %(n)s)"
	total += fx.stored_bytes("tabCommunication", where_children, names)
	total += fx.stored_bytes("tabEmail Queue", where_children, names)
	total += fx.stored_bytes(
		"tabEmail Queue Recipient",
		f"parent in (select name from `tab{constants.MESSAGE}` where nurture_campaign = %(n)s)",
		names,
	)
	total += fx.stored_bytes("tabRC Touchpoint", "nurture_campaign = %(n)s", names)
	return total


def _make_newsletter(prefix: str, emails: list[str], account: str):
	from recruit_crm.domain.naming import sortable_names
	from recruit_crm.services._sql import multi_row_insert

	group = frappe.get_doc({"doctype": "Email Group", "title": f"RC Bench {prefix}"}).insert(
		ignore_permissions=True
	)
	now = now_datetime()
	names = sortable_names(len(emails), int(time.time() * 1000))
	multi_row_insert(
		"Email Group Member",
		("name", "email_group", "email", "unsubscribed", "creation", "modified", "owner", "modified_by"),
		[
			(n, group.name, e, 0, now, now, "Administrator", "Administrator")
			for n, e in zip(names, emails, strict=True)
		],
	)
	sender = frappe.db.get_value("Email Account", account, "email_id")
	newsletter = frappe.get_doc(
		{
			"doctype": "Newsletter",
			"subject": "A note from our engineering team",
			"sender_email": sender,
			"sender_name": "Talent Team",
			"content_type": "Rich Text",
			"message": fx.BODY.replace("{{ candidate.first_name }}", "there").replace(
				"{{ candidate.current_title or 'an engineer' }}", "an engineer"
			),
			"send_unsubscribe_link": 1,
			"email_group": [{"email_group": group.name}],
		}
	).insert(ignore_permissions=True)
	return group.name, newsletter.name


def _capture_newsletter_jobs(newsletter: str) -> str:
	"""Run Newsletter.send_emails() and keep the background jobs it enqueues (instead of putting
	them on the bench's shared Redis queue); a worker process runs them exactly as RQ would."""
	captured = []
	original = frappe.enqueue

	def capture(method, **kwargs):
		if "queue_data" not in kwargs:
			return original(method, **kwargs)
		captured.append(
			(method, {k: v for k, v in kwargs.items() if k in ("queue_data", "final_recipients")})
		)

	frappe.enqueue = capture
	try:
		frappe.get_doc("Newsletter", newsletter).send_emails()
	finally:
		frappe.enqueue = original
	frappe.db.commit()  # nosemgrep
	fd, path = tempfile.mkstemp(prefix="rc-newsletter-jobs-", suffix=".pkl")
	with os.fdopen(fd, "wb") as f:
		pickle.dump(captured, f)
	return path


_JOB_RUNNER = """
import pickle, resource, sys, json
import frappe
frappe.init(site=sys.argv[1], sites_path='.')
frappe.connect()
frappe.set_user('Administrator')
jobs = pickle.load(open(sys.argv[2], 'rb'))
r0 = resource.getrusage(resource.RUSAGE_SELF)
for method, kwargs in jobs:
    method(**kwargs)
    frappe.db.commit()
r1 = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"cpu_s": (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime), "jobs": len(jobs)}))
frappe.destroy()
"""


def _job_runner_command(path: str) -> list[str]:
	return [sys.executable, "-c", _JOB_RUNNER, frappe.local.site, path]


def _newsletter_bytes(newsletter: str) -> int:
	names = {"n": newsletter}
	total = fx.stored_bytes(
		"tabEmail Queue", "reference_doctype = 'Newsletter' and reference_name = %(n)s", names
	)
	total += fx.stored_bytes(
		"tabEmail Queue Recipient",
		"parent in (select name from `tabEmail Queue` where reference_doctype = 'Newsletter' and reference_name = %(n)s)",
		names,
	)
	return total


def _cleanup_newsletter(newsletter: str | None, group: str | None) -> None:
	if newsletter:
		frappe.db.sql(
			"""delete r from `tabEmail Queue Recipient` r join `tabEmail Queue` q on q.name = r.parent
			where q.reference_doctype = 'Newsletter' and q.reference_name = %s""",
			newsletter,
		)
		frappe.db.sql(
			"delete from `tabEmail Queue` where reference_doctype = 'Newsletter' and reference_name = %s",
			newsletter,
		)
		frappe.db.sql("delete from `tabNewsletter Email Group` where parent = %s", newsletter)
		frappe.db.sql("delete from `tabNewsletter` where name = %s", newsletter)
	if group:
		frappe.db.sql("delete from `tabEmail Group Member` where email_group = %s", group)
		frappe.db.sql("delete from `tabEmail Group` where name = %s", group)
	frappe.db.commit()  # nosemgrep: benchmark clean-up
