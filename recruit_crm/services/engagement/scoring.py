"""Engagement scores and readiness stages, kept current incrementally and recomputed set-based.

The arithmetic lives in `recruit_crm.domain.scoring`; this module loads settings, reads and
writes rows in bulk, and compiles the domain's weights and stage rules into SQL for the full
recompute, so both paths follow the same rules.
"""

import json
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import frappe
from frappe.utils import cint, flt, now_datetime

from recruit_crm.domain import scoring as rules
from recruit_crm.domain.naming import sortable_names
from recruit_crm.domain.types import ReadinessStage
from recruit_crm.services._sql import bulk_update_by_name, send

CANDIDATE = "RC Candidate"
TOUCHPOINT = "RC Touchpoint"
READINESS_CHANGE = "RC Readiness Change"
CHUNK = 5000
RECOMPUTE_JOB_ID = "recruit_crm::recompute_all_scores"


@dataclass(frozen=True)
class ScoringSettings:
	weights: dict[str, float]
	half_life_days: float
	thresholds: rules.Thresholds
	signal_window_days: int

	def signals_since(self, now: datetime) -> datetime:
		return now - timedelta(days=self.signal_window_days)


def get_settings() -> ScoringSettings:
	"""Scoring settings from RC Settings, with the domain defaults where a value is unset."""
	settings = frappe.get_cached_doc("RC Settings")
	overrides = {row.touchpoint_type: flt(row.weight) for row in settings.get("touchpoint_weights") or []}
	defaults = rules.Thresholds()
	return ScoringSettings(
		weights=rules.effective_weights(overrides),
		half_life_days=flt(settings.get("score_half_life_days")) or 30.0,
		thresholds=rules.Thresholds(
			warm=flt(settings.get("warm_threshold")) or defaults.warm,
			hot=flt(settings.get("hot_threshold")) or defaults.hot,
			ready=flt(settings.get("ready_threshold")) or defaults.ready,
		),
		signal_window_days=cint(settings.get("signal_window_days")) or 30,
	)


# ---------------------------------------------------------------------------------------------
# Reading: stored scores decay on read.


def score_sql(alias: str = "c", now: datetime | None = None) -> str:
	"""SQL for today's engagement score of the RC Candidate aliased `alias`.

	Stored scores are valued at `engagement_updated_at`; this decays them to `now`. The moment
	and the half-life are rendered as literals (a formatted datetime and a float), never user input.
	"""
	now = now or now_datetime()
	return rules.decayed_score_sql(alias, _literal(now), get_settings().half_life_days)


# ---------------------------------------------------------------------------------------------
# Incremental: fold newly recorded touchpoints into the stored scores.

SIGNAL_FIELDS = tuple(rules.SIGNAL_COLUMNS[rule.signal] for rule in rules.SIGNAL_RULES)


def apply_new_touchpoints(names: list[str], now: datetime | None = None) -> None:
	"""Fold these touchpoints into their candidates' scores, unless already counted.

	Rows already counted are skipped (they are locked and marked in this transaction), so a
	retry never double-counts.
	"""
	if not names:
		return
	now = now or now_datetime()
	rows, counted = [], []
	for start in range(0, len(names), CHUNK):
		for name, candidate, touchpoint_type, occurred_at, has_job in frappe.db.sql(
			f"""select name, candidate, touchpoint_type, occurred_at, job_opening is not null
			from `tab{TOUCHPOINT}` where name in %(names)s and is_scored = 0 for update""",
			{"names": names[start : start + CHUNK]},
		):
			rows.append((candidate, touchpoint_type, occurred_at, bool(has_job)))
			counted.append(name)
	if not counted:
		return
	for start in range(0, len(counted), CHUNK):
		frappe.db.sql(
			f"update `tab{TOUCHPOINT}` set is_scored = 1 where name in %(names)s",
			{"names": counted[start : start + CHUNK]},
		)
	apply_rows(rows, now)


def apply_rows(rows: list[tuple[str, str, datetime, bool]], now: datetime | None = None) -> None:
	"""Add (candidate, type, occurred_at, has_job_opening) rows just recorded (already marked
	scored) to the candidates' scores, signal times and readiness.

	Runs in the recording transaction. Per 5,000 candidates: one locking read (in name order, so
	concurrent recorders cannot deadlock on each other) of each stored score decayed to `now` and
	of which signals are inside the window; the new score and stage are derived by the domain;
	then one UPDATE of scores, stages and the signal times that moved, and one insert of stage
	changes, whatever the number of touchpoints. Rows travel as one JSON document per statement
	(MariaDB JSON_TABLE), not as bound values.
	"""
	if not rows:
		return
	now = now or now_datetime()
	settings = get_settings()
	signal_names = [rule.signal for rule in rules.SIGNAL_RULES]
	deltas: dict[str, float] = {}
	signal_rows: dict[str, list] = {}  # candidate -> their signal-bearing touchpoints in this batch
	weights, half_life, contribution = settings.weights, settings.half_life_days, rules.contribution
	shows: dict[tuple[str, bool], bool] = {}  # (type, has_job) -> shows a signal (a handful of keys)
	for candidate, touchpoint_type, occurred_at, has_job in rows:
		deltas[candidate] = deltas.get(candidate, 0.0) + contribution(
			weights.get(touchpoint_type, 0.0), occurred_at, now, half_life
		)
		key = (touchpoint_type, has_job)
		if key not in shows:
			shows[key] = bool(rules.signals_of(touchpoint_type, has_job))
		if shows[key]:
			signal_rows.setdefault(candidate, []).append((touchpoint_type, occurred_at, has_job))
	latest = {candidate: rules.latest_signal_times(tps) for candidate, tps in signal_rows.items()}
	since = settings.signals_since(now)
	flags = _signal_flags("c", rules.SIGNAL_COLUMNS, since)
	# which stored signals are inside the window, as one bitmask (one column to parse, not four)
	inside_mask = " + ".join(f"{1 << i} * coalesce({flags[s]}, 0)" for i, s in enumerate(signal_names))
	inside_of = [
		frozenset(s for i, s in enumerate(signal_names) if mask >> i & 1)
		for mask in range(1 << len(signal_names))
	]
	# read as a double: the driver makes a float of it directly, not a Decimal
	score = f"cast({rules.decayed_score_sql('c', _literal(now), settings.half_life_days)} as double)"
	no_times = (None,) * len(signal_names)
	name_only = _json_table("d", (("n", "varchar(140)"),))
	scored = _json_table(
		"d",
		[("n", "varchar(140)"), ("s", "decimal(21,9)"), ("st", "varchar(140)")]
		+ [(s, "datetime(6)") for s in signal_names],
	)
	# a signal time only moves forward; a candidate without that signal in the batch keeps theirs
	advance = ", ".join(
		f"c.`{column}` = greatest(coalesce(c.`{column}`, d.`{s}`), coalesce(d.`{s}`, c.`{column}`))"
		for s, column in ((s, rules.SIGNAL_COLUMNS[s]) for s in signal_names)
	)
	# A candidate whose new touchpoints weigh nothing and show no signal (a sent or delivered
	# email, a note) keeps a stored score that is still exact and a stage that cannot move.
	candidates = sorted(c for c, delta in deltas.items() if delta or c in latest)
	chunks = [candidates[start : start + CHUNK] for start in range(0, len(candidates), CHUNK)]

	def locked(chunk: list[str]) -> list[tuple]:
		return frappe.db.sql(
			f"""select c.name, {score}, c.readiness_stage, {inside_mask}
			from {name_only} join `tab{CANDIDATE}` c on c.name = d.n order by c.name for update""",
			(_json([[name] for name in chunk]),),
		)

	# Each chunk's UPDATE runs on the server while the next chunk's new scores are worked out
	# here: its rows are read (and locked, still in name order) before the UPDATE is sent.
	changes: list[tuple] = []
	rows = locked(chunks[0]) if chunks else []
	in_flight = None
	try:
		for index in range(len(chunks)):
			updates = []
			for name, decayed, old_stage, inside in rows:
				new_score = (decayed or 0.0) + deltas[name]
				present = inside_of[int(inside)]
				times = latest.get(name)
				if times:
					present = present | rules.signals_since(times, since)
					moved = tuple(times.get(signal) for signal in signal_names)
				else:
					moved = no_times
				stage = rules.stage_of(new_score, present, settings.thresholds)
				updates.append((name, round(new_score, 4), stage, *moved))
				if stage != (old_stage or ReadinessStage.COLD.value):
					reason = rules.readiness(new_score, present, settings.thresholds)[1]
					changes.append((name, old_stage, stage, new_score, reason))
			if in_flight:
				in_flight, wait = None, in_flight
				wait()
			rows = locked(chunks[index + 1]) if index + 1 < len(chunks) else []
			in_flight = send(
				f"""update {scored} join `tab{CANDIDATE}` c on c.name = d.n
				set c.engagement_score = d.s, c.readiness_stage = d.st, c.engagement_updated_at = %s, {advance}""",
				(_json(updates), now),
			)
	finally:
		if in_flight:
			in_flight()
	_record_stage_changes(changes, now)


def _literal(moment: datetime) -> str:
	"""A datetime as a quoted SQL literal (formatted here, never taken from input)."""
	return f"'{moment:%Y-%m-%d %H:%M:%S.%f}'"


def _json(rows: list) -> str:
	return json.dumps(rows, default=str, separators=(",", ":"))


def _json_table(alias: str, columns, placeholder: str = "%s") -> str:
	"""`json_table(<placeholder>, ...) alias`: rows sent as one JSON array of arrays, typed by `columns`."""
	spec = ", ".join(f"`{name}` {sql_type} path '$[{i}]'" for i, (name, sql_type) in enumerate(columns))
	return f"json_table({placeholder}, '$[*]' columns ({spec})) {alias}"


def score_unscored(limit: int = 50_000) -> int:
	"""Count touchpoints written without a score update (desk inserts, failed updates). Returns how many."""
	names = frappe.get_all(TOUCHPOINT, filters={"is_scored": 0}, pluck="name", limit=limit, order_by="name")
	apply_new_touchpoints(names)
	return len(names)


# ---------------------------------------------------------------------------------------------
# Nightly: as scores decay and signals leave the window, stages can only go down. Re-derive
# every stage from the candidate rows (no touchpoint is read, no score rewritten) and write
# only the candidates whose stage changes.


def refresh_stages(now: datetime | None = None) -> dict:
	"""Re-derive every candidate's readiness at `now` from the stored score and signal times."""
	now = now or now_datetime()
	settings = get_settings()
	score = rules.decayed_score_sql("c", _literal(now), settings.half_life_days)
	since = settings.signals_since(now)
	flags = _signal_flags("c", rules.SIGNAL_COLUMNS, since)
	stage_sql, stage_params = _stage_case(settings.thresholds, score, flags)
	signal_names = [rule.signal for rule in rules.SIGNAL_RULES]
	changed = frappe.db.sql(
		f"""select c.name, c.readiness_stage, {score}, {", ".join(f"c.`{f}`" for f in SIGNAL_FIELDS)}
		from `tab{CANDIDATE}` c
		where {stage_sql} != coalesce(c.readiness_stage, %s)""",
		[*stage_params, ReadinessStage.COLD.value],
	)
	updates, changes = [], []
	for name, old_stage, current, *times in changed:
		latest = dict(zip(signal_names, times, strict=True))
		stage, reason = rules.readiness(flt(current), rules.signals_since(latest, since), settings.thresholds)
		if stage == (old_stage or ReadinessStage.COLD.value):
			continue  # on a threshold, SQL and Python rounding may disagree: keep the stage
		updates.append((name, stage))
		changes.append((name, old_stage, stage, flt(current), reason))

	bulk_update_by_name(CANDIDATE, ("readiness_stage",), updates)
	_record_stage_changes(changes, now)
	return {"stage_changes": len(changes)}


def _record_stage_changes(changes: list[tuple], now: datetime) -> None:
	"""Insert (candidate, from, to, score, reason) stage changes, 5,000 rows per statement."""
	if not changes:
		return

	user = frappe.session.user
	names = sortable_names(len(changes), int(time.time() * 1000))
	values = [
		(n, candidate, old, new, round(score, 4), reason)
		for n, (candidate, old, new, score, reason) in zip(names, changes, strict=True)
	]
	columns = (("name", "varchar(140)"), ("candidate", "varchar(140)"), ("from_stage", "varchar(140)"),
		("to_stage", "varchar(140)"), ("engagement_score", "decimal(21,9)"), ("reason", "text"))  # fmt: skip
	names_sql = ", ".join(f"`{c}`" for c, _ in columns)
	for start in range(0, len(values), CHUNK):
		frappe.db.sql(
			f"""insert into `tab{READINESS_CHANGE}`
				({names_sql}, `changed_at`, `creation`, `modified`, `owner`, `modified_by`)
			select {", ".join(f"d.`{c}`" for c, _ in columns)}, %(now)s, %(now)s, %(now)s, %(user)s, %(user)s
			from {_json_table("d", columns, "%(rows)s")}""",
			{"rows": _json(values[start : start + CHUNK]), "now": now, "user": user},
		)


# ---------------------------------------------------------------------------------------------
# Full recompute: one aggregate over all touchpoints, written back in the same statement.


def _weight_case(weights: dict[str, float]) -> tuple[str, list]:
	parts, params = [], []
	for touchpoint_type, weight in weights.items():
		if weight:
			parts.append("when %s then %s")
			params.extend([touchpoint_type, weight])
	if not parts:
		return "0", []
	return f"(case touchpoint_type {' '.join(parts)} else 0 end)", params


def _stage_case(thresholds: rules.Thresholds, score_sql: str, flag_sql: dict[str, str]) -> tuple[str, list]:
	"""The domain's STAGE_RULES as one SQL CASE over a score expression and signal flags."""
	parts, params = [], []
	for rule in rules.STAGE_RULES:
		conditions = []
		if rule.min_score is not None:
			conditions.append(f"{rules.shown_score_sql(score_sql)} >= %s")
			params.append(getattr(thresholds, rule.min_score))
		if rule.any_signal:
			conditions.append("(" + " or ".join(flag_sql[signal] for signal in rule.any_signal) + ")")
		parts.append(f"when {' and '.join(conditions)} then %s")
		params.append(rule.stage)
	return f"(case {' '.join(parts)} else %s end)", [*params, ReadinessStage.COLD.value]


def _signal_flags(alias: str, columns: dict[str, str], since: datetime) -> dict[str, str]:
	"""SQL flags "this signal's latest time is inside the window" (the window start is a literal)."""
	return {signal: f"({alias}.`{column}` >= {_literal(since)})" for signal, column in columns.items()}


def _latest_signal_columns() -> tuple[str, list]:
	"""SQL `max(...) as <signal>` columns: the latest time of each signal, per the domain's rules."""
	columns, params = [], []
	for rule in rules.SIGNAL_RULES:
		placeholders = ", ".join(["%s"] * len(rule.touchpoint_types))
		job = " and job_opening is not null" if rule.needs_job_opening else ""
		columns.append(
			f"max(case when touchpoint_type in ({placeholders}){job} then occurred_at end) as `{rule.signal}`"
		)
		params.extend(rule.touchpoint_types)
	return ", ".join(columns), params


def recompute_all(now: datetime | None = None) -> dict:
	"""Rebuild every candidate's score, signal times and stage from all touchpoints.

	What runs after a weight, half-life, threshold or window change, and on demand; the nightly
	job only refreshes stages (`refresh_stages`). Set-based: one grouped aggregate joined into
	one UPDATE.
	"""
	return recompute(None, now)


def recompute(candidates: list[str] | None, now: datetime | None = None) -> dict:
	"""Rebuild the scores, signal times and stages of these candidates (all when None)."""
	now = now or now_datetime()
	if candidates is not None and not candidates:
		return {"candidates_scored": 0, "stage_changes": 0}
	only_c, only_t, only_params = "", "", []
	if candidates is not None:
		only_c = "and c.name in %s"
		only_t = "where candidate in %s"
		only_params = [tuple(candidates)]
	settings = get_settings()
	before = dict(
		frappe.db.sql(f"select name, readiness_stage from `tab{CANDIDATE}` c where 1=1 {only_c}", only_params)
	)
	weight_sql, weight_params = _weight_case(settings.weights)
	signal_sql, signal_params = _latest_signal_columns()
	flags = _signal_flags(
		"s", {rule.signal: rule.signal for rule in rules.SIGNAL_RULES}, settings.signals_since(now)
	)
	stage_sql, stage_params = _stage_case(settings.thresholds, "s.score", flags)
	decay_sql = rules.decay_factor_sql("occurred_at", "%s", settings.half_life_days)
	decay_params = [now] if settings.half_life_days > 0 else []
	signal_set = ", ".join(
		f"c.`{rules.SIGNAL_COLUMNS[rule.signal]}` = s.`{rule.signal}`" for rule in rules.SIGNAL_RULES
	)
	frappe.db.sql(
		f"""update `tab{CANDIDATE}` c
		join (
			select candidate, sum({weight_sql} * {decay_sql}) as score, {signal_sql}
			from `tab{TOUCHPOINT}` {only_t} group by candidate
		) s on s.candidate = c.name
		set c.engagement_score = round(s.score, 4), c.readiness_stage = {stage_sql},
			c.engagement_updated_at = %s, {signal_set}""",
		[*weight_params, *decay_params, *signal_params, *only_params, *stage_params, now],
	)
	scored = frappe.db.sql("select row_count()")[0][0]
	no_signal = ", ".join(f"c.`{f}` = null" for f in SIGNAL_FIELDS)
	frappe.db.sql(
		f"""update `tab{CANDIDATE}` c set c.engagement_score = 0, c.readiness_stage = %s,
			c.engagement_updated_at = %s, {no_signal}
		where (c.engagement_score != 0 or c.readiness_stage != %s or c.engagement_updated_at is null)
		and not exists (select 1 from `tab{TOUCHPOINT}` t where t.candidate = c.name) {only_c}""",
		[ReadinessStage.COLD.value, now, ReadinessStage.COLD.value, *only_params],
	)
	frappe.db.sql(
		f"update `tab{TOUCHPOINT}` set is_scored = 1 where is_scored = 0 {only_t.replace('where', 'and')}",
		only_params,
	)
	after = frappe.db.sql(
		f"select name, readiness_stage, engagement_score from `tab{CANDIDATE}` c where 1=1 {only_c}",
		only_params,
	)
	changes = [
		(name, before.get(name), stage, flt(score), "recomputed")
		for name, stage, score in after
		if (before.get(name) or ReadinessStage.COLD.value) != stage
	]
	_record_stage_changes(changes, now)
	return {"candidates_scored": scored, "stage_changes": len(changes)}


def rescore_after_merge(source: str, target: str) -> None:
	"""Before a merge: queue a recompute so the survivor's score counts both histories."""
	frappe.enqueue(
		"recruit_crm.tasks.engagement.recompute_scores",
		queue="short",
		enqueue_after_commit=True,
		candidates=[target],
	)


def refresh_nightly() -> None:
	"""Count any touchpoint left unscored (a chunk per transaction), then let readiness follow
	decay and the signal window."""
	while score_unscored() == 50_000:
		frappe.db.commit()  # nosemgrep: background job, one chunk of touchpoints per transaction
	refresh_stages()


def enqueue_recompute_all() -> None:
	"""Queue one full recompute after this transaction commits (duplicates collapse)."""
	frappe.enqueue(
		"recruit_crm.tasks.engagement.recompute_all_scores",
		queue="long",
		job_id=RECOMPUTE_JOB_ID,
		deduplicate=True,
		enqueue_after_commit=True,
	)


def on_settings_update(doc) -> None:
	"""Weights, half-life or thresholds changed: every score is recomputed in the background."""
	before = doc.get_doc_before_save()
	watched = (
		"score_half_life_days",
		"warm_threshold",
		"hot_threshold",
		"ready_threshold",
		"signal_window_days",
	)
	weights = lambda d: sorted((r.touchpoint_type, flt(r.weight)) for r in d.get("touchpoint_weights") or [])  # noqa: E731
	if (
		before is None
		or any(flt(doc.get(f)) != flt(before.get(f)) for f in watched)
		or weights(doc) != weights(before)
	):
		enqueue_recompute_all()


def explain(candidate: str, now: datetime | None = None) -> dict:
	"""Why this candidate scores what they score today: per-type contributions and the stage reason."""
	now = now or now_datetime()
	settings = get_settings()
	rows = frappe.db.sql(
		f"""select touchpoint_type, occurred_at, job_opening is not null
		from `tab{TOUCHPOINT}` where candidate = %s""",
		candidate,
	)
	lines = rules.breakdown([(t, at) for t, at, _ in rows], settings.weights, now, settings.half_life_days)
	total = sum(line.contribution for line in lines)
	signals = rules.signals_in(rows, settings.signals_since(now))
	stage, reason = rules.readiness(total, signals, settings.thresholds)
	return {
		"score": rules.shown_score(total),
		"stage": stage,
		"reason": reason,
		"half_life_days": settings.half_life_days,
		"signals": sorted(rules.SIGNAL_LABELS[s] for s in signals),
		"lines": [
			{
				"touchpoint_type": line.touchpoint_type,
				"count": line.count,
				"weight": line.weight,
				"contribution": round(line.contribution, 2),
				"last_at": line.last_at,
			}
			for line in lines
		],
		"stage_history": frappe.get_all(
			"RC Readiness Change",
			filters={"candidate": candidate},
			fields=["from_stage", "to_stage", "changed_at", "engagement_score", "reason"],
			order_by="changed_at desc",
			limit=20,
		),
	}
