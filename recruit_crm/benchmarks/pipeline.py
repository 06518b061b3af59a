"""The hiring pipeline at scale, each figure against a raw baseline of the same run.

`bench --site SITE recruit-crm benchmark --only pipeline [--candidates N]` writes N * 3
applications (300k for the default 100k) spread over 100 openings and every pipeline state, in
one transaction that is rolled back at the end. Figures:

- the SLA scan of every open application (target: under a second), against one raw UPDATE that
  flags the same rows by a fixed number of days;
- a bulk move of 1,000 applications with their emails queued (target: at most 5x), against a raw
  UPDATE of the same rows plus a raw INSERT of the same number of ledger rows;
- the board of an opening with 2,000 applications (target: under a second), against a raw SELECT
  of the same rows.
"""

import random

import frappe
from frappe.utils import add_to_date, now_datetime

from recruit_crm.benchmarks import Figure, register, timed
from recruit_crm.benchmarks.smtp_sink import SmtpSink, upsert_loopback_account
from recruit_crm.domain.naming import sortable_names
from recruit_crm.domain.pipeline import StageKind
from recruit_crm.services.pipeline import board, sla, transitions, workflow

OPENINGS = 100
BIG_OPENING_SIZE = 2000
BULK = 1000


@register("pipeline")
def bench_pipeline(candidates: int = 100_000, **_) -> list[Figure]:
	pipeline = workflow.require()
	applications = max(3 * int(candidates), BIG_OPENING_SIZE + BULK)
	figures: list[Figure] = []
	# DDL first: Frappe refuses it after a write in the transaction.
	# An ordinary table, not a temporary one: MariaDB keeps no redo log for temporary tables,
	# and the rows measured against it pay for theirs.
	frappe.db.sql("drop table if exists rc_bench_ledger")
	frappe.db.sql("create table rc_bench_ledger like `tabRC Nurture Message`")
	try:
		openings = _openings()
		_applications(applications, openings, pipeline)
		figures += _sla(applications)
		figures += _board(openings[0])
		figures += _bulk_move(openings[1])
	finally:
		frappe.db.rollback()
		frappe.db.sql("drop table if exists rc_bench_ledger")
	return figures


def _openings() -> list[str]:
	company = frappe.db.get_value("Company", {}, "name")
	designation = frappe.db.get_value("Designation", {}, "name")
	names = []
	for i in range(OPENINGS):
		doc = frappe.get_doc(
			{"doctype": "Job Opening", "job_title": f"Pipeline Bench {i:03d} {frappe.generate_hash(length=6)}",
				"designation": designation, "company": company, "status": "Open"}
		).insert(ignore_permissions=True)  # fmt: skip
		names.append(doc.name)
	return names


def _applications(count: int, openings: list[str], pipeline) -> None:
	"""`count` applications: the first 2,000 on the first opening, the next 1,000 in Applied on the
	second, the rest spread; entered their state 0-30 days ago; about three per candidate."""
	rnd = random.Random(7)
	now = now_datetime()
	people = _people(count // 3, now)
	open_states = [s.name for s in pipeline.open_states()]
	all_states = pipeline.names()
	rows = []
	names = sortable_names(count, int(now.timestamp() * 1000), rnd)
	for i, name in enumerate(names):
		if i < BIG_OPENING_SIZE:
			opening, state = openings[0], rnd.choice(open_states)
		elif i < BIG_OPENING_SIZE + BULK:
			opening, state = openings[1], pipeline.first.name
		else:
			opening, state = openings[2 + i % (len(openings) - 2)], rnd.choice(all_states)
		status = pipeline.state(state).status or "Open"
		entered = add_to_date(now, seconds=-rnd.randint(0, 30 * 86400))
		rows.append((f"bench-{name}", f"Bench Person {i}", f"bench.{name}@bench.invalid", status, opening,
			state, entered, "", people[i % len(people)], now, now, "Administrator", "Administrator"))  # fmt: skip
	columns = ("name, applicant_name, email_id, status, job_title, workflow_state, rc_stage_entered_at, "
		"rc_sla_status, rc_candidate, creation, modified, owner, modified_by")  # fmt: skip
	for start in range(0, len(rows), 5000):
		chunk = rows[start : start + 5000]
		frappe.db.sql(
			f"insert into `tabJob Applicant` ({columns}) values {', '.join(['(' + ', '.join(['%s'] * 13) + ')'] * len(chunk))}",
			[v for row in chunk for v in row],
		)


def _people(wanted: int, now) -> list[str]:
	"""`wanted` candidates to link the applications to (about three applications each, as on a
	real site): the site's own, topped up with bench candidates in this rolled-back transaction,
	so a site with few people does not pile thousands of applications on each."""
	people = frappe.db.sql("select name from `tabRC Candidate` limit %s", wanted, pluck=True)
	missing = wanted - len(people)
	for start in range(0, max(missing, 0), 5000):
		names = [f"bench-c{i:07d}" for i in range(start, min(start + 5000, missing))]
		frappe.db.sql(
			f"""insert into `tabRC Candidate` (name, full_name, email, creation, modified, owner, modified_by)
			values {", ".join(["(%s, %s, %s, %s, %s, 'Administrator', 'Administrator')"] * len(names))}""",
			[v for n in names for v in (n, f"Bench {n}", f"{n}@bench.invalid", now, now)],
		)
		people += names
	return people


def _sla(applications: int) -> list[Figure]:
	open_rows = frappe.db.sql(
		"select count(*) from `tabJob Applicant` where status in ('Open', 'Replied', 'Hold')"
	)[0][0]
	now = now_datetime()
	first, _ = timed(lambda: sla.scan(now=now, full=True))
	steady, quarter = timed(lambda: sla.scan(now=add_to_date(now, minutes=15)))
	late, day = timed(lambda: sla.scan(now=add_to_date(now, days=1)))
	baseline, _ = timed(
		lambda: frappe.db.sql(
			"""update `tabJob Applicant` set rc_sla_status = if(rc_stage_entered_at < now() - interval 5 day,
				'Past Ideal', 'On Track') where status in ('Open', 'Replied', 'Hold')"""
		)
	)
	note = f"{applications:,} applications, {open_rows:,} open; target < 1 s"
	return [
		Figure(
			"SLA scan, full recompute (daily; here every flag changes)",
			first,
			baseline,
			"raw UPDATE of the open rows",
			note=note,
		),
		Figure(
			f"SLA scan, every 15 minutes ({quarter['refreshed']:,} flags due)",
			steady,
			baseline,
			"raw UPDATE of the open rows",
			note=note,
		),
		Figure(
			f"SLA scan after a day without one ({day['refreshed']:,} flags due)",
			late,
			baseline,
			"raw UPDATE of the open rows",
			note=note,
		),
	]


def _board(opening: str) -> list[Figure]:
	ours, data = timed(lambda: board.board(opening))
	baseline, _ = timed(
		lambda: frappe.db.sql(
			"""select name, applicant_name, workflow_state, rc_sla_status, rc_stage_entered_at, rc_candidate
			from `tabJob Applicant` where job_title = %s""",
			opening,
		)
	)
	return [
		Figure(
			f"board of an opening with {len(data['cards']):,} applications",
			ours,
			baseline,
			"raw SELECT of its rows",
			note="target < 1 s",
		)
	]


def _bulk_move(opening: str) -> list[Figure]:
	names = frappe.db.sql(
		"select name from `tabJob Applicant` where job_title = %s order by name limit %s",
		(opening, BULK),
		pluck=True,
	)
	target = workflow.require().of_kind(StageKind.REJECTED).name
	# The stage emails need a sender: a loopback account, for this (rolled back) run only.
	with SmtpSink(2699):  # saving an account checks that its server answers
		sender = upsert_loopback_account("RC Pipeline Bench Sink", 2699, "talent@pipeline-bench.localhost")
	frappe.db.sql("update `tabRC Pipeline Automation` set email_account = %s", sender)
	ours, result = timed(lambda: transitions.move(names, target, notify=True))
	queued = (
		frappe.db.count("RC Nurture Message", {"job_applicant": ("in", names)})
		if frappe.db.has_column("RC Nurture Message", "job_applicant")
		else 0
	)
	now = now_datetime()

	def raw():
		frappe.db.sql(
			"""update `tabJob Applicant` set workflow_state = 'Screening', status = 'Replied', modified = %s
			where name in %s""",
			(now, names),
		)
		ids = sortable_names(len(names), int(now.timestamp() * 1000) + 1)
		frappe.db.sql(
			f"""insert into rc_bench_ledger (name, candidate, status, due_at, creation, modified, owner, modified_by)
			values {", ".join(["(%s, %s, 'Queued', %s, %s, %s, 'Administrator', 'Administrator')"] * len(names))}""",
			[v for i, n in zip(ids, names, strict=True) for v in (i, n, now, now, now)],
		)

	baseline, _ = timed(raw)
	return [
		Figure(
			f"bulk move of {len(result.moved):,} applications to {target}, {queued:,} emails queued",
			ours,
			baseline,
			"raw UPDATE of the rows + raw INSERT of as many ledger rows",
			target_ratio=5.0,
		)
	]
