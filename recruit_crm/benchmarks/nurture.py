"""Nurture campaign figures, each against a baseline measured in the same run.

- queue one email step for N enrolled people (the ledger rows) vs a raw `INSERT ... SELECT` of the
  same rows into a same-shaped table (target <= 2x; medians of three runs);
- deliver 10k messages end to end with one worker process to a real SMTP server on loopback vs
  Frappe's Newsletter sending the same 10k addresses from an Email Group through the same server
  (target >= 2x its messages/s, <= 5 ms of worker CPU per message);
- the same delivery vs two limit loops that send the bytes our worker sent over one session to
  the same server: bare smtplib, and smtplib plus one committed UPDATE per message on a
  same-shaped ledger table, the floor of the exactly-once guarantee (target >= 70% of it).

`--only nurture_queue` runs the first figure alone; `--only nurture_delivery` runs the last
figure alone (`--messages N`, `--profile PATH` to keep the worker's cProfile stats). The sink listens on RC_BENCH_SMTP_PORT (default 2650).
"""

import os
import pickle
import resource
import statistics
import subprocess
import sys
import tempfile
import time

import frappe
from frappe.utils import get_bench_path, now_datetime

from recruit_crm.benchmarks import Figure, register, timed
from recruit_crm.benchmarks import nurture_fixtures as fx
from recruit_crm.benchmarks.smtp_sink import SmtpSink, message_id_of
from recruit_crm.services.nurture import audience, constants, engine

DELIVERY_MESSAGES = 10_000
# The loopback SMTP sink; set RC_BENCH_SMTP_PORT to run two benchmarks side by side.
SINK_PORT = int(os.environ.get("RC_BENCH_SMTP_PORT") or 2650)
ROUND_MESSAGES = 1000  # ours and the limit loops take turns, this many messages at a time
ROUND_BATCHES = 2  # claims per round: 500 messages each, as in a continuous run
FLOOR_SHARE = 0.7  # target: one worker sends at >= 70% of the "smtplib + committed UPDATE" loop


@register("nurture")
def bench_nurture(
	candidates: int = 100_000, messages: int = 0, profile: str | None = None, **_
) -> list[Figure]:
	figures = [bench_queue_step(candidates)]
	figures.extend(bench_delivery(messages or min(DELIVERY_MESSAGES, candidates), profile=profile))
	return figures


@register("nurture_queue")
def bench_nurture_queue(candidates: int = 100_000, **_) -> list[Figure]:
	"""The queue-step figure alone."""
	return [bench_queue_step(candidates)]


@register("nurture_delivery")
def bench_nurture_delivery(messages: int = 0, profile: str | None = None, **_) -> list[Figure]:
	"""The one-worker delivery figure against its two limit loops only (no queue step, no
	Newsletter): the quick run to profile and tune the send loop with."""
	return bench_delivery(messages or DELIVERY_MESSAGES, profile=profile, newsletter=False)


def bench_queue_step(candidates: int, runs: int = 3) -> Figure:
	"""Everything inside one transaction that is rolled back. The baseline's copy of the ledger is
	an ordinary table, not a temporary one: MariaDB keeps no redo log for temporary tables, and
	the step's rows pay for theirs. Both sides run `runs` times in turn (the enrolments put back
	at their step and the ledger rows removed in between, untimed); medians are reported."""
	frappe.db.sql("drop table if exists `rc_bench_ledger`")
	frappe.db.sql(f"create table `rc_bench_ledger` like `tab{constants.MESSAGE}`")  # DDL before writes
	prefix = f"benchq{int(time.time())}"
	ours_times, baseline_times = [], []
	try:
		fx.ensure_template()
		people = fx.make_people(candidates, prefix)
		campaign = fx.make_campaign(fx.ACCOUNT, f"Queue bench {prefix}")
		audience.enroll(campaign, people, enrolled_by="Administrator")
		due_at = frappe.db.sql(
			f"select max(next_action_at) from `tab{constants.ENROLLMENT}` where nurture_campaign = %s",
			campaign,
		)[0][0]
		for run in range(runs):
			if run:
				_put_back(campaign, due_at)
			seconds, queued = timed(lambda: engine.queue_step(campaign, 1, now_datetime()))
			ours_times.append(seconds)
			baseline_times.append(
				timed(
					lambda: frappe.db.sql(
						f"insert into `rc_bench_ledger` select * from `tab{constants.MESSAGE}` where nurture_campaign = %s",
						campaign,
					)
				)[0]
			)
		waiting = frappe.db.count(constants.ENROLLMENT, {"nurture_campaign": campaign, "status": "Waiting"})
	finally:
		frappe.db.rollback()
		frappe.db.sql("drop table if exists `rc_bench_ledger`")
	ours_s = statistics.median(ours_times)
	return Figure(
		name=f"queue one email step for {candidates} enrolled people",
		ours_s=ours_s,
		baseline_s=statistics.median(baseline_times),
		baseline="raw INSERT ... SELECT of the same ledger rows",
		target_ratio=2,
		note=(
			f"medians of {runs}; {queued} ledger rows, {waiting} enrolments moved to Waiting, "
			f"{queued / ours_s:,.0f} rows/s; ours "
			+ ", ".join(f"{t:.2f}" for t in ours_times)
			+ " s, baseline "
			+ ", ".join(f"{t:.2f}" for t in baseline_times)
			+ " s"
		),
	)


def _put_back(campaign: str, due_at) -> None:
	"""Undo a queued step (untimed): the enrolments due at step 1 again, no ledger rows."""
	frappe.db.sql(f"delete from `tab{constants.MESSAGE}` where nurture_campaign = %s", campaign)
	frappe.db.sql("delete from `rc_bench_ledger`")
	frappe.db.sql(
		f"""update `tab{constants.ENROLLMENT}` set status = 'Active', current_step = 1, next_action_at = %s
		where nurture_campaign = %s and status = 'Waiting'""",
		(due_at, campaign),
	)


def bench_delivery(messages: int, profile: str | None = None, newsletter: bool = True) -> list[Figure]:
	"""Both sides commit (a separate worker process sends), and clean up after themselves.

	After our worker, the two limit loops send the very bytes it sent, over one session to the
	same sink, from a process of their own: bare smtplib, and smtplib plus one committed UPDATE
	per message on a same-shaped ledger table (the floor of the exactly-once guarantee)."""
	prefix = f"benchd{int(time.time())}"
	campaign = newsletter_name = group = None
	with SmtpSink(SINK_PORT, keep=True) as sink:
		try:
			account = fx.ensure_sink_account(SINK_PORT)
			people = fx.make_people(messages, prefix)
			campaign = fx.make_campaign(account, f"Delivery bench {prefix}")
			fx.queue_for(campaign, people)
			frappe.db.commit()  # nosemgrep: the worker process reads these rows

			ours, bare, floor = _interleaved(sink, account, campaign, prefix, messages, profile)
			ours["bytes"] = _our_bytes(campaign)
			domain = frappe.local.site
			ours["distinct_ids"] = len(
				{k for k in sink.ids if k and k.startswith("rcn.") and k.endswith(domain)}
			)

			theirs = None
			if newsletter:
				emails = [f"{prefix}.{i}@bench.example" for i in range(messages)]
				group, newsletter_name = _make_newsletter(prefix, emails, account)
				frappe.db.commit()  # nosemgrep
				before_ids = set(sink.ids)
				jobs = _capture_newsletter_jobs(newsletter_name)
				try:
					theirs = _run_worker(_job_runner_command(jobs), sink)
				finally:
					os.unlink(jobs)
				theirs["bytes"] = _newsletter_bytes(newsletter_name)
				theirs["distinct_ids"] = len(set(sink.ids) - before_ids)
		finally:
			fx.cleanup(campaign, prefix)
			_cleanup_newsletter(newsletter_name, group)

	our_rate, bare_rate, floor_rate = _rate(ours), _rate(bare), _rate(floor)
	our_cpu_ms = ours["cpu_s"] * 1000 / max(ours["received"], 1)
	figures = [
		Figure(
			name=f"deliver {messages} messages, one worker, loopback SMTP, vs the exactly-once floor",
			ours_s=ours["send_s"] * floor["received"] / max(ours["received"], 1),
			baseline_s=floor["send_s"],
			baseline="smtplib over one session + one committed UPDATE per message, same bytes",
			target_ratio=round(1 / FLOOR_SHARE, 2),
			note=(
				f"ours {our_rate:.0f} msg/s = {our_rate / floor_rate if floor_rate else 0:.0%} of the floor loop "
				f"({floor_rate:.0f} msg/s, target >= {FLOOR_SHARE:.0%}); bare smtplib loop {bare_rate:.0f} msg/s "
				f"(ours {our_rate / bare_rate if bare_rate else 0:.0%}); worker CPU {our_cpu_ms:.2f} ms/msg vs "
				f"floor loop {floor['cpu_s'] * 1000 / max(floor['received'], 1):.2f} ms/msg; "
				f"received {ours['received']}, distinct Message-IDs {ours['distinct_ids']}"
				+ (f"; profile in {profile}" if profile else "")
			),
		)
	]
	if theirs is None:
		return figures
	their_rate = _rate(theirs)
	their_cpu_ms = theirs["cpu_s"] * 1000 / max(theirs["received"], 1)
	figures.append(
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
	)
	return figures


def _interleaved(sink, account: str, campaign: str, prefix: str, messages: int, profile: str | None):
	"""Ours, then the two limit loops on the bytes ours just sent, in rounds of ROUND_MESSAGES
	(ROUND_BATCHES claims each), so a change in the machine's load hits all three alike.
	Returns the three runs' summed figures."""
	rounds = max(1, round(messages / ROUND_MESSAGES))
	per_batch = max(1, -(-messages // (ROUND_BATCHES * rounds)))
	sender = frappe.db.get_value("Email Account", account, "email_id")
	table = f"rc_bench_floor_{prefix}"
	frappe.db.sql(f"create table `{table}` like `tab{constants.MESSAGE}`")
	try:
		frappe.db.sql(
			f"insert into `{table}` select * from `tab{constants.MESSAGE}` where nurture_campaign = %s",
			campaign,
		)
		frappe.db.sql(f"update `{table}` set status = 'Sending', claimed_by = 'bench'")
		frappe.db.commit()  # nosemgrep: the loop process updates these rows
		totals: list[dict] = [{}, {}, {}]
		for i in range(rounds):
			command = fx.worker_command(
				batch=per_batch, batches=ROUND_BATCHES, profile=profile if i == 0 else None, campaign=campaign
			)
			ours = _run_worker(command, sink)
			# the worker's whole send phase (recovery, every claim, the last side rows), which is
			# longer than first-to-last message at the server
			ours["send_s"] = max(ours["send_s"], ours.get("reported_wall_s") or 0)
			sent = _sent_messages(sink, campaign)
			for total, run in zip(
				totals,
				(ours, _limit_loop(sink, sender, sent, None), _limit_loop(sink, sender, sent, table)),
				strict=True,
			):
				for key in ("received", "send_s", "wall_s", "cpu_s"):
					total[key] = total.get(key, 0) + run[key]
			with sink.lock:
				sink.kept.clear()  # the loops' copies
	finally:
		with sink.lock:
			sink.keep = False
		frappe.db.sql(f"drop table if exists `{table}`")
	return totals


def _rate(r: dict) -> float:
	return r["received"] / r["send_s"] if r["send_s"] else 0


def _sent_messages(sink, campaign: str) -> list[tuple]:
	"""(ledger name, recipient, Message-ID, subject, raw bytes) of what our worker sent since the
	last call, in send order."""
	with sink.lock:
		kept, sink.kept = sink.kept, []
	frappe.db.commit()  # nosemgrep: a fresh snapshot, to see the rows the worker just sent
	rows = {
		r.message_id: r
		for r in frappe.db.sql(
			f"""select name, recipient, message_id, subject from `tab{constants.MESSAGE}`
			where nurture_campaign = %s and status = 'Sent'""",
			campaign,
			as_dict=True,
		)
	}
	out = []
	for raw in kept:
		row = rows.get(message_id_of(raw))
		if row:
			out.append((row.name, row.recipient, row.message_id, row.subject, raw))
	return out


_LIMIT_LOOP = """
import datetime, json, pickle, resource, smtplib, sys
site, path, port, table = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
sender, messages = pickle.load(open(path, "rb"))
conn = None
if table:
    import frappe
    frappe.init(site=site, sites_path=".")
    frappe.connect()
    frappe.db.connect()
    conn = frappe.db._conn
    cursor = conn.cursor()
    update = (f"update `{table}` set status = 'Sent', sent_at = %s, message_id = %s, subject = %s, "
        "error = null, attempt_count = attempt_count + 1, modified = %s "
        "where name = %s and claimed_by = %s and status = 'Sending'")
session = smtplib.SMTP("127.0.0.1", port)
session.ehlo()
r0 = resource.getrusage(resource.RUSAGE_SELF)
for name, recipient, message_id, subject, raw in messages:
    session.sendmail(sender, [recipient], raw)
    if conn is not None:
        now = datetime.datetime.now()
        cursor.execute(update, (now, message_id, subject, now, name, "bench"))
        conn.commit()
r1 = resource.getrusage(resource.RUSAGE_SELF)
session.quit()
print(json.dumps({"cpu_s": (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)}))
"""


def _limit_loop(sink, sender: str, sent: list[tuple], table: str | None) -> dict:
	"""Send `sent` again in a bare loop process; with `table`, also commit one UPDATE per message
	to a same-shaped copy of the ledger rows (claimed, as ours were)."""
	fd, path = tempfile.mkstemp(prefix="rc-limit-loop-", suffix=".pkl")
	try:
		with os.fdopen(fd, "wb") as f:
			pickle.dump((sender, sent), f)
		command = [sys.executable, "-c", _LIMIT_LOOP, frappe.local.site, path, str(SINK_PORT), table or ""]
		return _run_worker(command, sink)
	finally:
		os.unlink(path)


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
		"reported_wall_s": reported.get("wall_s"),
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
