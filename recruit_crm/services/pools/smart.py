"""Smart pools: rules compiled to bound SQL, live counts and samples, full rebuilds in chunks
(in the background when large) and incremental upkeep when people change.
"""

import json
from collections.abc import Iterable

import frappe
from frappe import _

from recruit_crm.domain.pool_rules import CompiledRule, RuleError, compile_rules
from recruit_crm.services.engagement.scoring import get_settings, score_sql
from recruit_crm.services.pools.membership import (
	CANDIDATE,
	CHANGE,
	CHUNK,
	MEMBER,
	POOL,
	RULE_ACTOR,
	log_prefix,
	update_member_counts,
)

# Rule conditions use non-correlated IN subqueries (people with a skill, ...); asking MariaDB to
# materialise them once per statement, rather than rewrite them into per-row EXISTS probes,
# halves the time of a 100k-candidate scan. Applies to that statement only.
MATERIALIZE = "set statement optimizer_switch='in_to_exists=off' for "
REBUILD_CHUNK = 50_000  # candidates per rebuild transaction
SYNC_REBUILD_LIMIT = 20_000  # rebuild inline on save up to this many matches; enqueue above
FEW_PEOPLE = 50  # upkeep for up to this many people reads every pool's verdict first


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


def _matches(rule: CompiledRule) -> str:
	"""The SQL condition on `c` (RC Candidate) of being in a pool with this rule: the rule holds
	and the person is not anonymised. NULL where the rule is unknown for them."""
	return f"(c.is_anonymized = 0 and {rule.sql})"


def count_matches(rules) -> int:
	"""How many (non-anonymised) candidates the rules match right now: the editor's live preview."""
	compiled = compile_pool_rules(rules)
	return frappe.db.sql(
		f"{MATERIALIZE}select count(*) from `tab{CANDIDATE}` c where {_matches(compiled)}",
		compiled.params,
	)[0][0]


def sample_matches(rules, limit: int = 10) -> list[dict]:
	"""A few people the rules match, to show next to the count."""
	compiled = compile_pool_rules(rules)
	return frappe.db.sql(
		f"""{MATERIALIZE}select c.name, c.full_name, c.current_title, c.crm_stage from `tab{CANDIDATE}` c
		where {_matches(compiled)} order by {score_sql("c")} desc, c.name limit {int(limit)}""",
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
		"join_prefix": log_prefix(),
		"leave_prefix": log_prefix(),
	}
	match = _matches(compiled)
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
	# 3. Who leaves: active members in scope who no longer match (NULL counts as no match). Those
	# who joined in step 2 match by definition: their rule is not evaluated again.
	_materialized_write(
		f"""{hint}insert into `tab{CHANGE}` (name, talent_pool, candidate, `change`, changed_at, changed_by, reason,
			creation, modified, owner, modified_by)
		select concat(%(leave_prefix)s, c.name), %(pool)s, c.name, 'Left', %(stamp)s, %(actor)s,
			%(left_reason)s, %(stamp)s, %(stamp)s, %(user)s, %(user)s
		from `tab{MEMBER}` m join `tab{CANDIDATE}` c on c.name = m.candidate
		where m.talent_pool = %(pool)s and m.removed_at is null and not m.added_at <=> %(stamp)s and {scope_sql}
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
		"recruit_crm.tasks.pools.rebuild_pool",
		queue="long",
		timeout=3600,
		job_id=job_id,
		deduplicate=True,
		enqueue_after_commit=True,
		pool=pool,
	)
	return job_id


def rebuild_in_background(pool: str) -> None:
	"""Rebuild with per-chunk commits and progress on the pool form; a failure is recorded there."""
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

	Four statements per pool per batch of up to CHUNK candidates. For a few people (a document
	saved), one statement first reads every pool's verdict on them and their memberships, and only
	the pools that must change are synced. Returns {pool: (joined, left)}.
	"""
	names = sorted({c for c in candidates or [] if c})
	if not names:
		return {}
	pools = frappe.get_all(
		POOL, filters={"pool_type": "Smart", "is_active": 1}, fields=["name", "rules"], limit=0
	)
	compiled: dict[str, CompiledRule] = {}
	for i, pool in enumerate(pools):
		try:  # parameters named apart per pool, so that `_out_of_step` reads all pools in one statement
			compiled[pool.name] = compile_rules(
				parse_rules(pool.rules), frappe.utils.now_datetime(), _half_life(), param_prefix=f"r{i}_p"
			)
		except RuleError:
			continue  # saved rules were valid; a field removed since then must not block saves
	if not compiled:
		return {}
	few = len(names) <= FEW_PEOPLE
	scopes = _out_of_step(compiled, names) if few else dict.fromkeys(compiled, names)
	changed: dict[str, tuple[int, int]] = {}
	for pool, scope_names in scopes.items():
		joined = left = 0
		for start in range(0, len(scope_names), CHUNK):
			scope = scope_names[start : start + CHUNK]
			j, lft = _sync(
				pool, compiled[pool], "c.name in %(scope)s", {"scope": scope}, materialize=len(scope) > 500
			)
			joined += j
			left += lft
		if joined or left:
			changed[pool] = (joined, left)
	if changed:
		update_member_counts(changed)
	return changed


def _out_of_step(compiled: dict[str, CompiledRule], names: list[str]) -> dict[str, list[str]]:
	"""{pool: the people among `names` whose membership disagrees with its rule}, in one read.

	Every pool's rule (compiled with parameters named apart) is evaluated as a column of one
	SELECT over these people, next to whether each is an active member: a NULL verdict counts as
	no match, as in `_sync`."""
	params: dict = {"names": names}
	columns = []
	for i, (pool, rule) in enumerate(compiled.items()):
		params.update(rule.params)
		params[f"pool{i}"] = pool
		columns.append(
			f"""coalesce({_matches(rule)}, 0),
			exists(select 1 from `tab{MEMBER}` m where m.talent_pool = %(pool{i})s and m.candidate = c.name
				and m.removed_at is null)"""
		)
	pools = list(compiled)
	stale: dict[str, list[str]] = {}
	for row in frappe.db.sql(
		f"select c.name, {', '.join(columns)} from `tab{CANDIDATE}` c where c.name in %(names)s", params
	):
		for i, pool in enumerate(pools):
			if bool(row[1 + 2 * i]) != bool(row[2 + 2 * i]):
				stale.setdefault(pool, []).append(row[0])
	return stale


def enqueue_all_rebuilds() -> None:
	"""Queue a rebuild of every active smart pool (catches bulk imports, tag edits and date rules)."""
	for pool in frappe.get_all(POOL, filters={"pool_type": "Smart", "is_active": 1}, pluck="name"):
		enqueue_rebuild(pool)
