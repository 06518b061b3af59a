"""Talent pools: membership, smart-pool upkeep and rebuilds, system pools, insights and export.

Membership lives in `RC Talent Pool Member` (one row per pool and person; `removed_at IS NULL`
means active) and every join or leave is logged in `RC Talent Pool Change`. All writes are
set-based: a fixed number of statements per batch of people, whatever the batch size.

Smart pools compile their rules (`recruit_crm.domain.pool_rules`) to a parameterised SQL
condition and sync membership with `INSERT ... SELECT` over a range or a set of candidates:
the rule is evaluated once per batch, into the change log; the membership rows are then
upserted from that log. A sync is idempotent: running it twice changes nothing the second time.
"""

import csv
import io
import json
import time
from collections.abc import Iterable
from datetime import datetime

import frappe
from frappe import _

from recruit_crm.domain.naming import sortable_names
from recruit_crm.domain.pool_rules import CompiledRule, RuleError, compile_rules
from recruit_crm.services.scoring import get_settings, score_sql

POOL = "RC Talent Pool"
MEMBER = "RC Talent Pool Member"
CHANGE = "RC Talent Pool Change"
CANDIDATE = "RC Candidate"

RULE_ACTOR = "Rule"
SYSTEM_ACTOR = "System"

SYSTEM_KINDS = ("Silver Medalists", "Alumni", "Past Applicants", "Talent Community")
SYSTEM_PURPOSES = {
	"Silver Medalists": "People rejected after reaching an interview round, or rated at or above the "
	"silver medalist threshold: strong runners-up worth calling first.",
	"Alumni": "Former employees who left and are eligible for rehire (boomerang hires).",
	"Past Applicants": "Everyone whose application for this designation has closed.",
	"Talent Community": "People who signed up to hear about future roles.",
}

# Rule conditions use non-correlated IN subqueries (people with a skill, ...); asking MariaDB to
# materialise them once per statement, rather than rewrite them into per-row EXISTS probes,
# halves the time of a 100k-candidate scan. Applies to that statement only.
MATERIALIZE = "set statement optimizer_switch='in_to_exists=off' for "

CHUNK = 5000  # rows per multi-row statement
REBUILD_CHUNK = 50_000  # candidates per rebuild transaction
SYNC_REBUILD_LIMIT = 20_000  # rebuild inline on save up to this many matches; enqueue above


# --- membership --------------------------------------------------------------------------


def add_members(pool: str, candidates: list[str], reason: str, added_by: str | None = None) -> int:
	"""Put people in a pool (again) and log why; people already in it are left alone.

	Unknown and anonymised candidates are skipped. Returns how many joined.
	"""
	added_by = added_by or frappe.session.user
	names = _existing_candidates(candidates)
	if not names:
		return 0
	joining = sorted(set(names) - _active_members(pool, names))
	if not joining:
		return 0
	now = frappe.utils.now_datetime()
	user = frappe.session.user
	member_rows = [
		(_member_name(pool, c), pool, c, now, added_by, reason, now, now, user, user) for c in joining
	]
	for start in range(0, len(member_rows), CHUNK):
		chunk = member_rows[start : start + CHUNK]
		placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s, null, null, %s, %s, %s, %s)"] * len(chunk))
		frappe.db.sql(
			f"""insert into `tab{MEMBER}`
				(name, talent_pool, candidate, added_at, added_by, reason, removed_at, removed_reason,
				creation, modified, owner, modified_by)
			values {placeholders}
			on duplicate key update added_at = values(added_at), added_by = values(added_by),
				reason = values(reason), removed_at = null, removed_reason = null,
				modified = values(modified), modified_by = values(modified_by)""",
			[v for row in chunk for v in row],
		)
	_log_changes(pool, joining, "Joined", reason, added_by, now)
	update_member_counts([pool])
	return len(joining)


def remove_members(pool: str, candidates: list[str], reason: str, removed_by: str | None = None) -> int:
	"""Take people out of a pool, keeping their row (removed_at) and logging why. Returns how many left."""
	names = sorted({c for c in candidates or [] if c})
	if not names:
		return 0
	leaving = sorted(_active_members(pool, names))
	if not leaving:
		return 0
	now = frappe.utils.now_datetime()
	for start in range(0, len(leaving), CHUNK):
		frappe.db.sql(
			f"""update `tab{MEMBER}` set removed_at = %(now)s, removed_reason = %(reason)s,
				modified = %(now)s, modified_by = %(user)s
			where talent_pool = %(pool)s and candidate in %(names)s and removed_at is null""",
			{
				"now": now,
				"reason": reason,
				"user": frappe.session.user,
				"pool": pool,
				"names": leaving[start : start + CHUNK],
			},
		)
	_log_changes(pool, leaving, "Left", reason, removed_by or frappe.session.user, now)
	update_member_counts([pool])
	return len(leaving)


def is_member(pool: str, candidate: str) -> bool:
	"""Whether the person is currently in the pool."""
	return bool(_active_members(pool, [candidate]))


def active_members(pool: str) -> list[str]:
	"""Names of the people currently in the pool."""
	return frappe.db.sql(
		f"select candidate from `tab{MEMBER}` where talent_pool = %s and removed_at is null order by candidate",
		pool,
		pluck=True,
	)


def pools_of(candidate: str) -> list[dict]:
	"""The pools a person is in, with the reason they are there."""
	return frappe.db.sql(
		f"""select m.talent_pool, p.pool_name, p.pool_type, m.reason, m.added_at, m.added_by
		from `tab{MEMBER}` m join `tab{POOL}` p on p.name = m.talent_pool
		where m.candidate = %s and m.removed_at is null order by m.added_at desc""",
		candidate,
		as_dict=True,
	)


def update_member_counts(pools: Iterable[str]) -> None:
	"""Store each pool's active member count on the pool (one statement)."""
	names = sorted({p for p in pools if p})
	if not names:
		return
	frappe.db.sql(
		f"""update `tab{POOL}` p set p.member_count = (
			select count(*) from `tab{MEMBER}` m where m.talent_pool = p.name and m.removed_at is null)
		where p.name in %(names)s""",
		{"names": names},
	)


def delete_pool_membership(pool: str) -> None:
	"""Remove a deleted pool's membership rows and log (they mean nothing without the pool)."""
	frappe.db.delete(MEMBER, {"talent_pool": pool})
	frappe.db.delete(CHANGE, {"talent_pool": pool})


def repoint_candidate(source: str, target: str) -> None:
	"""Before two candidates merge: keep one membership row per pool for the surviving person.

	Rows of the source in pools where the target already has a row are folded into the
	target's (active wins), so the unique (talent_pool, candidate) key holds after the rename.
	"""
	frappe.db.sql(
		f"""update `tab{MEMBER}` t join `tab{MEMBER}` s
			on s.talent_pool = t.talent_pool and s.candidate = %(source)s
		set t.removed_at = if(s.removed_at is null, null, t.removed_at),
			t.removed_reason = if(s.removed_at is null, null, t.removed_reason)
		where t.candidate = %(target)s""",
		{"source": source, "target": target},
	)
	frappe.db.sql(
		f"""delete s from `tab{MEMBER}` s join `tab{MEMBER}` t
			on t.talent_pool = s.talent_pool and t.candidate = %(target)s
		where s.candidate = %(source)s""",
		{"source": source, "target": target},
	)


def _existing_candidates(candidates: Iterable[str]) -> list[str]:
	names = sorted({c for c in candidates or [] if c})
	found: list[str] = []
	for start in range(0, len(names), CHUNK):
		found += frappe.db.sql(
			f"select name from `tab{CANDIDATE}` where name in %(names)s and is_anonymized = 0",
			{"names": names[start : start + CHUNK]},
			pluck=True,
		)
	return found


def _active_members(pool: str, candidates: list[str]) -> set[str]:
	active: set[str] = set()
	for start in range(0, len(candidates), CHUNK):
		active.update(
			frappe.db.sql(
				f"""select candidate from `tab{MEMBER}`
				where talent_pool = %(pool)s and candidate in %(names)s and removed_at is null""",
				{"pool": pool, "names": candidates[start : start + CHUNK]},
				pluck=True,
			)
		)
	return active


def _member_name(pool: str, candidate: str) -> str:
	# Same value as the SQL side (concat(pool, candidate)): opaque (both are random names),
	# stable, and ordered within a pool, so bulk inserts append instead of scattering.
	return f"{pool}{candidate}"


def _log_prefix() -> str:
	"""A time-ordered prefix for one statement's change-log names (prefix + candidate)."""
	return sortable_names(1, int(time.time() * 1000))[0]


def _log_changes(
	pool: str, candidates: list[str], change: str, reason: str, changed_by: str, at: datetime
) -> None:
	user = frappe.session.user
	prefix = _log_prefix()
	rows = [(f"{prefix}{c}", pool, c, change, at, changed_by, reason, at, at, user, user) for c in candidates]
	for start in range(0, len(rows), CHUNK):
		chunk = rows[start : start + CHUNK]
		frappe.db.sql(
			f"""insert into `tab{CHANGE}` (name, talent_pool, candidate, `change`, changed_at, changed_by,
				reason, creation, modified, owner, modified_by)
			values {", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(chunk))}""",
			[v for row in chunk for v in row],
		)


# --- smart pools ---------------------------------------------------------------------------


def parse_rules(value) -> dict | None:
	"""Rules as stored (JSON text or dict) -> dict; None when empty."""
	if value in (None, "", "null"):
		return None
	if isinstance(value, str):
		try:
			value = json.loads(value)
		except ValueError:
			frappe.throw(_("Pool rules are not valid JSON."), title=_("Invalid Pool Rules"))
	return value


def _half_life() -> float:
	return get_settings().half_life_days


def compile_pool_rules(rules) -> CompiledRule:
	"""Compile rules against the current time; raises frappe.ValidationError with the rule's message."""
	parsed = parse_rules(rules)
	try:
		return compile_rules(parsed, frappe.utils.now_datetime(), _half_life())
	except RuleError as e:
		frappe.throw(str(e), frappe.ValidationError, title=_("Invalid Pool Rules"))


def count_matches(rules) -> int:
	"""How many (non-anonymised) candidates the rules match right now: the editor's live preview."""
	compiled = compile_pool_rules(rules)
	return frappe.db.sql(
		f"{MATERIALIZE}select count(*) from `tab{CANDIDATE}` c where c.is_anonymized = 0 and {compiled.sql}",
		compiled.params,
	)[0][0]


def sample_matches(rules, limit: int = 10) -> list[dict]:
	"""A few people the rules match, to show next to the count."""
	compiled = compile_pool_rules(rules)
	return frappe.db.sql(
		f"""{MATERIALIZE}select c.name, c.full_name, c.current_title, c.crm_stage from `tab{CANDIDATE}` c
		where c.is_anonymized = 0 and {compiled.sql} order by {score_sql("c")} desc, c.name limit {int(limit)}""",
		compiled.params,
		as_dict=True,
	)


def _smart_pool(pool: str) -> dict:
	doc = frappe.db.get_value(
		POOL, pool, ["name", "pool_type", "rules", "is_active", "pool_name"], as_dict=True
	)
	if not doc:
		frappe.throw(_("Talent pool {0} does not exist.").format(pool), frappe.DoesNotExistError)
	if doc.pool_type != "Smart":
		frappe.throw(_("{0} is not a smart pool.").format(doc.pool_name))
	return doc


def _sync(
	pool: str, compiled: CompiledRule, scope_sql: str, scope_params: dict, materialize: bool = True
) -> tuple[int, int]:
	"""Make the pool's membership agree with its rule for the candidates in scope.

	Four statements whatever the scope size. Returns (joined, left). `materialize` suits big
	scopes; for a handful of people, probing per person is cheaper than building the sets.
	"""
	hint = MATERIALIZE if materialize else ""
	stamp = frappe.utils.now_datetime()
	user = frappe.session.user
	params = {
		**compiled.params,
		**scope_params,
		"pool": pool,
		"stamp": stamp,
		"user": user,
		"actor": RULE_ACTOR,
		"joined_reason": "Matches the pool's rules",
		"left_reason": "No longer matches the pool's rules",
		"join_prefix": _log_prefix(),
		"leave_prefix": _log_prefix(),
	}
	match = f"(c.is_anonymized = 0 and {compiled.sql})"
	# 1. Who joins: matches now and is not an active member. Logged first; the log drives step 2.
	_materialized_write(
		f"""{hint}insert into `tab{CHANGE}` (name, talent_pool, candidate, `change`, changed_at, changed_by, reason,
			creation, modified, owner, modified_by)
		select concat(%(join_prefix)s, c.name), %(pool)s, c.name, 'Joined', %(stamp)s, %(actor)s,
			%(joined_reason)s, %(stamp)s, %(stamp)s, %(user)s, %(user)s
		from `tab{CANDIDATE}` c
		where {scope_sql} and {match}
			and not exists (select 1 from `tab{MEMBER}` m
				where m.talent_pool = %(pool)s and m.candidate = c.name and m.removed_at is null)""",
		params,
	)
	joined = frappe.db.sql("select row_count()")[0][0]
	if joined:
		frappe.db.sql(
			f"""insert into `tab{MEMBER}` (name, talent_pool, candidate, added_at, added_by, reason,
				creation, modified, owner, modified_by)
			select concat(%(pool)s, ch.candidate), %(pool)s, ch.candidate, %(stamp)s,
				%(actor)s, %(joined_reason)s, %(stamp)s, %(stamp)s, %(user)s, %(user)s
			from `tab{CHANGE}` ch
			where ch.talent_pool = %(pool)s and ch.changed_at = %(stamp)s and ch.`change` = 'Joined'
			on duplicate key update added_at = values(added_at), added_by = values(added_by),
				reason = values(reason), removed_at = null, removed_reason = null, modified = values(modified)""",
			params,
		)
	# 3. Who leaves: active members in scope who no longer match (NULL counts as no match).
	_materialized_write(
		f"""{hint}insert into `tab{CHANGE}` (name, talent_pool, candidate, `change`, changed_at, changed_by, reason,
			creation, modified, owner, modified_by)
		select concat(%(leave_prefix)s, c.name), %(pool)s, c.name, 'Left', %(stamp)s, %(actor)s,
			%(left_reason)s, %(stamp)s, %(stamp)s, %(user)s, %(user)s
		from `tab{MEMBER}` m join `tab{CANDIDATE}` c on c.name = m.candidate
		where m.talent_pool = %(pool)s and m.removed_at is null and {scope_sql}
			and not coalesce({match}, 0)""",
		params,
	)
	left = frappe.db.sql("select row_count()")[0][0]
	if left:
		frappe.db.sql(
			f"""update `tab{MEMBER}` m join `tab{CHANGE}` ch
				on ch.talent_pool = m.talent_pool and ch.candidate = m.candidate
			set m.removed_at = %(stamp)s, m.removed_reason = %(left_reason)s, m.modified = %(stamp)s
			where m.talent_pool = %(pool)s and m.removed_at is null
				and ch.changed_at = %(stamp)s and ch.`change` = 'Left'""",
			params,
		)
	return joined, left


def _materialized_write(query: str, params: dict) -> None:
	frappe.db.sql(query, params)
	if query.startswith(MATERIALIZE):
		# Frappe counts writes by the statement's first word; a SET STATEMENT prefix hides this one.
		frappe.db.transaction_writes += 1


def rebuild_smart_pool(
	pool: str, chunk_size: int = REBUILD_CHUNK, commit: bool = False, progress: bool = False
) -> dict:
	"""Re-evaluate a smart pool over every candidate, in chunks of the candidate key range.

	Idempotent: a second run finds nothing to change. With `commit`, each chunk is committed on
	its own (the background job), so a crash resumes cheaply and locks stay short.
	Returns {"joined", "left", "members"}.
	"""
	doc = _smart_pool(pool)
	compiled = compile_pool_rules(doc.rules)
	total = frappe.db.sql(f"select count(*) from `tab{CANDIDATE}`")[0][0]
	joined = left = done = 0
	last = ""
	_set_rebuild_status(pool, "Running")
	while True:
		bounds = frappe.db.sql(
			f"select name from `tab{CANDIDATE}` where name > %s order by name limit 1 offset %s",
			(last, chunk_size - 1),
			pluck=True,
		)
		upper = bounds[0] if bounds else None
		if upper is None:
			scope, scope_params = "c.name > %(lower)s", {"lower": last}
		else:
			scope, scope_params = (
				"c.name > %(lower)s and c.name <= %(upper)s",
				{"lower": last, "upper": upper},
			)
		j, lft = _sync(pool, compiled, scope, scope_params)
		joined += j
		left += lft
		done = min(total, done + chunk_size)
		if commit:
			frappe.db.commit()  # nosemgrep: each chunk of a background rebuild stands on its own
		if progress and total:
			frappe.publish_progress(
				done * 100 / total,
				title=_("Rebuilding {0}").format(doc.pool_name),
				doctype=POOL,
				docname=pool,
				description=_("{0} of {1} candidates checked").format(done, total),
			)
		if upper is None:
			break
		last = upper
	update_member_counts([pool])
	frappe.db.set_value(
		POOL,
		pool,
		{"last_rebuilt_at": frappe.utils.now_datetime(), "rebuild_status": "Done", "rebuild_error": None},
		update_modified=False,
	)
	members = frappe.db.get_value(POOL, pool, "member_count")
	return {"joined": joined, "left": left, "members": members}


def rebuild_or_enqueue(pool: str) -> str:
	"""Rebuild now when the pool is small enough to do it within the request, else in the background.

	Returns "done" or "queued".
	"""
	doc = _smart_pool(pool)
	if count_matches(doc.rules) <= SYNC_REBUILD_LIMIT:
		rebuild_smart_pool(pool)
		return "done"
	enqueue_rebuild(pool)
	return "queued"


def enqueue_rebuild(pool: str) -> str:
	"""Queue a full rebuild (deduplicated per pool); progress shows on the pool form."""
	_set_rebuild_status(pool, "Queued")
	job_id = f"recruit_crm:rebuild_pool:{pool}"
	frappe.enqueue(
		"recruit_crm.services.pools.run_rebuild_job",
		queue="long",
		timeout=3600,
		job_id=job_id,
		deduplicate=True,
		enqueue_after_commit=True,
		pool=pool,
	)
	return job_id


def run_rebuild_job(pool: str) -> None:
	"""Background entry point: rebuild with per-chunk commits and progress; failures are recorded."""
	try:
		rebuild_smart_pool(pool, commit=True, progress=True)
		frappe.db.commit()  # nosemgrep: background job
	except Exception as e:
		frappe.db.rollback()
		frappe.db.set_value(
			POOL, pool, {"rebuild_status": "Failed", "rebuild_error": str(e)[:1000]}, update_modified=False
		)
		frappe.db.commit()  # nosemgrep: record the failure for the recruiter
		frappe.log_error(title=f"recruit_crm: rebuilding talent pool {pool} failed")
		raise


def _set_rebuild_status(pool: str, status: str) -> None:
	frappe.db.set_value(POOL, pool, "rebuild_status", status, update_modified=False)


def refresh_smart_pools_for(candidates: Iterable[str]) -> dict[str, tuple[int, int]]:
	"""Incremental upkeep: re-check every active smart pool for these people only.

	Four statements per pool per batch of up to CHUNK candidates. Returns {pool: (joined, left)}.
	"""
	names = sorted({c for c in candidates or [] if c})
	if not names:
		return {}
	pools = frappe.get_all(
		POOL, filters={"pool_type": "Smart", "is_active": 1}, fields=["name", "rules"], limit=0
	)
	changed: dict[str, tuple[int, int]] = {}
	for pool in pools:
		try:
			compiled = compile_rules(parse_rules(pool.rules), frappe.utils.now_datetime(), _half_life())
		except RuleError:
			continue  # saved rules were valid; a field removed since then must not block saves
		joined = left = 0
		for start in range(0, len(names), CHUNK):
			scope = names[start : start + CHUNK]
			j, lft = _sync(
				pool.name, compiled, "c.name in %(scope)s", {"scope": scope}, materialize=len(scope) > 500
			)
			joined += j
			left += lft
		if joined or left:
			changed[pool.name] = (joined, left)
	if changed:
		update_member_counts(changed)
	return changed


def run_smart_pool_upkeep_daily() -> None:
	"""Nightly: rebuild every active smart pool (catches bulk imports, tag edits and date rules)."""
	for pool in frappe.get_all(POOL, filters={"pool_type": "Smart", "is_active": 1}, pluck="name"):
		enqueue_rebuild(pool)


# --- system pools --------------------------------------------------------------------------


def system_pool(kind: str, designation: str | None = None) -> str:
	"""The system pool of this kind (per designation for Past Applicants), created on first use."""
	if kind not in SYSTEM_KINDS:
		frappe.throw(_("Unknown system pool kind {0}.").format(kind))
	if kind == "Past Applicants" and not designation:
		frappe.throw(_("Past Applicants pools are per designation."))
	if kind != "Past Applicants":
		designation = None
	filters = {"pool_type": "System", "system_kind": kind, "designation": designation or ("is", "not set")}
	existing = frappe.db.get_value(POOL, filters, "name")
	if existing:
		return existing
	doc = frappe.get_doc(
		{
			"doctype": POOL,
			"pool_name": f"{kind}: {designation}" if designation else kind,
			"pool_type": "System",
			"system_kind": kind,
			"designation": designation,
			"purpose": SYSTEM_PURPOSES[kind],
			"visibility": "Everyone",
			"recruiter": "Administrator",
		}
	)
	if designation:
		doc.append("designations", {"designation": designation})
	doc.flags.from_system = True
	doc.flags.ignore_links = True
	doc.insert(ignore_permissions=True)
	return doc.name


def sync_system_pool(
	pool: str, should_be_in: dict[str, str], checked: Iterable[str], leave_reason: str
) -> None:
	"""For the `checked` people: add those in `should_be_in` (candidate -> reason), remove the rest."""
	by_reason: dict[str, list[str]] = {}
	for candidate, reason in should_be_in.items():
		by_reason.setdefault(reason, []).append(candidate)
	for reason, names in by_reason.items():
		add_members(pool, names, reason, added_by=SYSTEM_ACTOR)
	leaving = [c for c in checked if c and c not in should_be_in]
	if leaving:
		remove_members(pool, leaving, leave_reason, removed_by=SYSTEM_ACTOR)


# --- insights and export -------------------------------------------------------------------


def pool_insights(pool: str, weeks: int = 26) -> dict:
	"""Size, growth per week, stage mix, average engagement and top skills of a pool's members."""
	size = frappe.db.sql(
		f"select count(*) from `tab{MEMBER}` where talent_pool = %s and removed_at is null", pool
	)[0][0]
	since = frappe.utils.add_days(frappe.utils.nowdate(), -7 * weeks)
	flows = frappe.db.sql(
		f"""select yearweek(changed_at, 3) as week, min(date(changed_at)) as week_start,
			sum(`change` = 'Joined') as joined, sum(`change` = 'Left') as left_count
		from `tab{CHANGE}` where talent_pool = %s and changed_at >= %s
		group by yearweek(changed_at, 3) order by week""",
		(pool, since),
		as_dict=True,
	)
	net_since = sum(int(f.joined) - int(f.left_count) for f in flows)
	running = size - net_since
	growth = []
	for f in flows:
		running += int(f.joined) - int(f.left_count)
		growth.append(
			{
				"week_start": str(f.week_start),
				"joined": int(f.joined),
				"left": int(f.left_count),
				"size": running,
			}
		)
	stages = frappe.db.sql(
		f"""select coalesce(nullif(c.crm_stage, ''), 'Unknown') as stage, count(*) as count
		from `tab{MEMBER}` m join `tab{CANDIDATE}` c on c.name = m.candidate
		where m.talent_pool = %s and m.removed_at is null group by 1 order by 2 desc""",
		pool,
		as_dict=True,
	)
	engagement = frappe.db.sql(
		f"""select avg({score_sql("c")}) as average,
			sum(c.readiness_stage in ('Hot', 'Ready')) as hot_or_ready
		from `tab{MEMBER}` m join `tab{CANDIDATE}` c on c.name = m.candidate
		where m.talent_pool = %s and m.removed_at is null""",
		pool,
		as_dict=True,
	)[0]
	skills = frappe.db.sql(
		f"""select s.skill, count(*) as count
		from `tab{MEMBER}` m join `tabRC Candidate Skill` s
			on s.parent = m.candidate and s.parenttype = 'RC Candidate'
		where m.talent_pool = %s and m.removed_at is null
		group by s.skill order by count desc, s.skill limit 10""",
		pool,
		as_dict=True,
	)
	return {
		"size": size,
		"growth": growth,
		"stage_mix": [{"stage": r.stage, "count": int(r.count)} for r in stages],
		"average_engagement": round(float(engagement.average or 0), 2),
		"hot_or_ready": int(engagement.hot_or_ready or 0),
		"top_skills": [{"skill": r.skill, "count": int(r.count)} for r in skills],
	}


EXPORT_COLUMNS = (
	"candidate", "full_name", "email", "phone", "current_title", "current_employer", "location", "country",
	"crm_stage", "engagement_score", "readiness_stage", "total_experience_years", "skills",
	"do_not_contact", "has_marketing_consent", "added_at", "added_by", "reason",
)  # fmt: skip


def export_members_csv(pool: str) -> str:
	"""The pool's active members as CSV (UTF-8), one row per person, skills joined by ';'."""
	out = io.StringIO()
	writer = csv.writer(out)
	writer.writerow(EXPORT_COLUMNS)
	last = ""
	while True:
		rows = frappe.db.sql(
			f"""select m.candidate, c.full_name, c.email, c.phone, c.current_title, c.current_employer,
				c.location, c.country, c.crm_stage, round({score_sql("c")}, 2), c.readiness_stage,
				c.total_experience_years,
				(select group_concat(s.skill order by s.idx separator '; ') from `tabRC Candidate Skill` s
					where s.parent = c.name and s.parenttype = 'RC Candidate') as skills,
				c.do_not_contact, c.has_marketing_consent, m.added_at, m.added_by, m.reason
			from `tab{MEMBER}` m join `tab{CANDIDATE}` c on c.name = m.candidate
			where m.talent_pool = %s and m.removed_at is null and m.candidate > %s
			order by m.candidate limit {CHUNK}""",
			(pool, last),
		)
		if not rows:
			break
		for row in rows:
			writer.writerow([_csv_safe(v) for v in row])
		last = rows[-1][0]
	return out.getvalue()


def _csv_safe(value):
	# Spreadsheet formula injection: a cell starting with = + - @ would run as a formula.
	if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
		if value[:1] in ("+", "-") and all(ch.isdigit() or ch in " -()." for ch in value[1:]):
			return value  # a phone number or a negative number, not a formula
		return "'" + value
	return "" if value is None else value
