"""Engagement scores and readiness stages, kept current incrementally and recomputed set-based.

The arithmetic lives in `recruit_crm.domain.scoring`; this module loads settings, reads and
writes rows in bulk, and compiles the domain's weights and stage rules into SQL for the full
recompute, so both paths follow the same rules.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import frappe
from frappe.utils import cint, flt, now_datetime

from recruit_crm.domain import scoring as rules
from recruit_crm.domain.naming import sortable_names
from recruit_crm.domain.types import ReadinessStage

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
# Incremental: fold newly recorded touchpoints into the stored scores.


def apply_new_touchpoints(names: list[str], now: datetime | None = None) -> None:
	"""Carry the scores of the touchpoints' candidates forward to `now` and add the new rows.

	Runs in the recording transaction: candidate rows are locked (in name order, so concurrent
	recorders cannot deadlock on each other), decayed from their last update, incremented, and
	their readiness re-derived. Rows already counted are skipped, so a retry never double-counts.
	"""
	if not names:
		return
	now = now or now_datetime()
	settings = get_settings()
	deltas: dict[str, float] = {}
	counted: list[str] = []
	for start in range(0, len(names), CHUNK):
		chunk = names[start : start + CHUNK]
		for name, candidate, touchpoint_type, occurred_at in frappe.db.sql(
			f"""select name, candidate, touchpoint_type, occurred_at from `tab{TOUCHPOINT}`
			where name in %(names)s and is_scored = 0 for update""",
			{"names": chunk},
		):
			deltas[candidate] = deltas.get(candidate, 0.0) + rules.contribution(
				settings.weights.get(touchpoint_type, 0.0), occurred_at, now, settings.half_life_days
			)
			counted.append(name)
	if not counted:
		return
	for start in range(0, len(counted), CHUNK):
		frappe.db.sql(
			f"update `tab{TOUCHPOINT}` set is_scored = 1 where name in %(names)s",
			{"names": counted[start : start + CHUNK]},
		)
	_apply_deltas(deltas, now, settings)


def apply_rows(rows: list[tuple[str, str, datetime]], now: datetime | None = None) -> None:
	"""Add (candidate, type, occurred_at) rows just recorded (already marked scored) to the scores."""
	if not rows:
		return
	now = now or now_datetime()
	settings = get_settings()
	deltas: dict[str, float] = {}
	for candidate, touchpoint_type, occurred_at in rows:
		deltas[candidate] = deltas.get(candidate, 0.0) + rules.contribution(
			settings.weights.get(touchpoint_type, 0.0), occurred_at, now, settings.half_life_days
		)
	_apply_deltas(deltas, now, settings)


def score_unscored(limit: int = 50_000) -> int:
	"""Count touchpoints written without a score update (desk inserts, failed updates). Returns how many."""
	names = frappe.get_all(TOUCHPOINT, filters={"is_scored": 0}, pluck="name", limit=limit, order_by="name")
	apply_new_touchpoints(names)
	return len(names)


def _apply_deltas(deltas: dict[str, float], now: datetime, settings: ScoringSettings) -> None:
	candidates = sorted(deltas)
	current: dict[str, tuple] = {}
	for start in range(0, len(candidates), CHUNK):
		chunk = candidates[start : start + CHUNK]
		for name, score, updated_at, stage in frappe.db.sql(
			f"""select name, engagement_score, engagement_updated_at, readiness_stage
			from `tab{CANDIDATE}` where name in %(names)s order by name for update""",
			{"names": chunk},
		):
			current[name] = (flt(score), updated_at, stage)
	signals = _signals_for(list(current), settings.signals_since(now))
	updates = []
	changes = []
	for name, (score, updated_at, old_stage) in current.items():
		new_score = rules.carry_forward(score, updated_at, now, settings.half_life_days, deltas[name])
		stage, reason = rules.readiness(new_score, signals.get(name, ()), settings.thresholds)
		updates.append((name, round(new_score, 4), now, stage))
		if stage != (old_stage or ReadinessStage.COLD.value):
			changes.append((name, old_stage, stage, new_score, reason))
	from recruit_crm.services.candidates import bulk_update_by_name

	bulk_update_by_name(CANDIDATE, ("engagement_score", "engagement_updated_at", "readiness_stage"), updates)
	_record_stage_changes(changes, now)


def _signal_columns() -> tuple[str, list]:
	"""SQL `max(...) as <signal>` columns for the domain's signal rules, and their parameters."""
	columns, params = [], []
	for rule in rules.SIGNAL_RULES:
		placeholders = ", ".join(["%s"] * len(rule.touchpoint_types))
		job = " and job_opening is not null" if rule.needs_job_opening else ""
		columns.append(
			f"max(occurred_at >= %s and touchpoint_type in ({placeholders}){job}) as `{rule.signal}`"
		)
		params.append(None)  # the window start, filled in by the caller
		params.extend(rule.touchpoint_types)
	return ", ".join(columns), params


def _signals_for(candidates: list[str], since: datetime) -> dict[str, frozenset[str]]:
	if not candidates:
		return {}
	columns, params = _signal_columns()
	params = [since if p is None else p for p in params]
	found: dict[str, frozenset[str]] = {}
	signal_names = [r.signal for r in rules.SIGNAL_RULES]
	# Only signal-bearing touchpoints can set a signal: skip every other row in the scan.
	signal_types = sorted({t for r in rules.SIGNAL_RULES for t in r.touchpoint_types})
	for start in range(0, len(candidates), CHUNK):
		chunk = candidates[start : start + CHUNK]
		rows = frappe.db.sql(
			f"""select candidate, {columns} from `tab{TOUCHPOINT}`
			where candidate in ({", ".join(["%s"] * len(chunk))}) and occurred_at >= %s
			and touchpoint_type in ({", ".join(["%s"] * len(signal_types))})
			group by candidate""",
			[*params, *chunk, since, *signal_types],
		)
		for candidate, *flags in rows:
			found[candidate] = frozenset(s for s, flag in zip(signal_names, flags, strict=True) if flag)
	return found


def _record_stage_changes(changes: list[tuple], now: datetime) -> None:
	if not changes:
		return
	import time

	user = frappe.session.user
	names = sortable_names(len(changes), int(time.time() * 1000))
	values = [
		(n, candidate, old, new, now, round(score, 4), reason, now, now, user, user)
		for n, (candidate, old, new, score, reason) in zip(names, changes, strict=True)
	]
	columns = ("name", "candidate", "from_stage", "to_stage", "changed_at", "engagement_score", "reason",
		"creation", "modified", "owner", "modified_by")  # fmt: skip
	placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
	for start in range(0, len(values), CHUNK):
		chunk = values[start : start + CHUNK]
		frappe.db.sql(
			f"insert into `tab{READINESS_CHANGE}` ({', '.join(f'`{c}`' for c in columns)}) "
			f"values {', '.join([placeholder] * len(chunk))}",
			[v for row in chunk for v in row],
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


def _stage_case(thresholds: rules.Thresholds) -> tuple[str, list]:
	"""The domain's STAGE_RULES as one SQL CASE over `s.score` and the signal columns."""
	parts, params = [], []
	for rule in rules.STAGE_RULES:
		conditions = []
		if rule.min_score is not None:
			conditions.append("s.score >= %s")
			params.append(getattr(thresholds, rule.min_score))
		if rule.any_signal:
			conditions.append("(" + " or ".join(f"s.`{signal}` = 1" for signal in rule.any_signal) + ")")
		parts.append(f"when {' and '.join(conditions)} then %s")
		params.append(rule.stage)
	return f"(case {' '.join(parts)} else %s end)", [*params, ReadinessStage.COLD.value]


def recompute_all(now: datetime | None = None) -> dict:
	"""Recompute every candidate's score and stage from all touchpoints; records stage changes.

	Set-based: one grouped aggregate joined into one UPDATE. Returns counts.
	"""
	return recompute(None, now)


def recompute(candidates: list[str] | None, now: datetime | None = None) -> dict:
	"""Recompute the scores and stages of these candidates (all when None) from their touchpoints."""
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
	signal_sql, signal_params = _signal_columns()
	since = settings.signals_since(now)
	signal_params = [since if p is None else p for p in signal_params]
	stage_sql, stage_params = _stage_case(settings.thresholds)
	half_life_seconds = settings.half_life_days * rules.SECONDS_PER_DAY if settings.half_life_days > 0 else 0
	decay_sql = (
		"pow(0.5, greatest(0, timestampdiff(second, occurred_at, %s)) / %s)" if half_life_seconds else "1"
	)
	decay_params = [now, half_life_seconds] if half_life_seconds else []
	frappe.db.sql(
		f"""update `tab{CANDIDATE}` c
		join (
			select candidate, sum({weight_sql} * {decay_sql}) as score, {signal_sql}
			from `tab{TOUCHPOINT}` {only_t} group by candidate
		) s on s.candidate = c.name
		set c.engagement_score = round(s.score, 4), c.readiness_stage = {stage_sql},
			c.engagement_updated_at = %s""",
		[*weight_params, *decay_params, *signal_params, *only_params, *stage_params, now],
	)
	scored = frappe.db.sql("select row_count()")[0][0]
	frappe.db.sql(
		f"""update `tab{CANDIDATE}` c set c.engagement_score = 0, c.readiness_stage = %s,
			c.engagement_updated_at = %s
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
	"""`recruit_crm_before_candidate_merge` hook: the survivor's score counts both histories."""
	frappe.enqueue(
		"recruit_crm.services.scoring.recompute",
		queue="short",
		enqueue_after_commit=True,
		candidates=[target],
	)


def run_recompute_all() -> None:
	"""Background entry point: nightly decay and after a settings change."""
	recompute_all()


def enqueue_recompute_all() -> None:
	"""Queue one full recompute after this transaction commits (duplicates collapse)."""
	frappe.enqueue(
		"recruit_crm.services.scoring.run_recompute_all",
		queue="long",
		job_id=RECOMPUTE_JOB_ID,
		deduplicate=True,
		enqueue_after_commit=True,
	)


def on_settings_update(doc, method=None) -> None:
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
		"score": round(total, 2),
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
