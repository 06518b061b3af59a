"""Smart talent pool rules: validation and compilation to parameterised SQL.

A rule set is plain JSON-able data::

    {
        "match": "all",
        "conditions": [
            {
                "field": "skill",
                "operator": "has",
                "value": {"skill": "Python", "min_proficiency": "Advanced"},
            },
            {
                "match": "any",
                "conditions": [
                    {"field": "country", "operator": "in", "value": ["Germany", "France"]},
                    {"field": "engagement_score", "operator": ">=", "value": 20},
                ],
            },
        ],
    }

Only fields in `FIELDS` may appear; each field accepts only its own operators; values are
type-checked. Column names and SQL come from this module alone; every user value becomes a
bound parameter (`%(pN)s`), so nothing a user types is ever spliced into SQL. The compiled
condition refers to the candidate table as `c`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from recruit_crm.domain.scoring import decayed_score_sql
from recruit_crm.domain.types import ApplicationStatus, CrmStage, EducationLevel, Proficiency, ReadinessStage

MAX_DEPTH = 3
MAX_CONDITIONS = 100
MAX_LIST_VALUES = 500

CANDIDATE_ALIAS = "c"


class RuleError(ValueError):
	"""A rule set that cannot be compiled; the message names the problem and where it is."""


@dataclass(frozen=True)
class FieldSpec:
	"""One field a rule may test."""

	name: str
	label: str
	category: str  # Profile / Engagement / History
	kind: str  # number, text, select, link, check, datetime, tag, skill, designation
	operators: tuple[str, ...]
	column: str | None = None  # candidate column, for simple kinds
	options: tuple[str, ...] = ()
	link_doctype: str | None = None
	ordered: bool = False  # select options have an order (">=" means "at least")
	decays: bool = False  # a stored engagement score: compared at its value now (see scoring)

	def as_dict(self) -> dict:
		return {
			"name": self.name,
			"label": self.label,
			"category": self.category,
			"kind": self.kind,
			"operators": list(self.operators),
			"options": list(self.options),
			"link_doctype": self.link_doctype,
		}


NUMBER_OPS = ("=", "!=", ">", ">=", "<", "<=", "between", "is set", "is not set")
TEXT_OPS = ("=", "!=", "like", "not like", "is set", "is not set")
SELECT_OPS = ("=", "!=", "in", "not in", "is set", "is not set")
ORDERED_SELECT_OPS = (*SELECT_OPS, ">=", "<=")
LINK_OPS = ("=", "!=", "in", "not in", "is set", "is not set")
CHECK_OPS = ("=",)
DATETIME_OPS = ("before", "after", "in the last days", "not in the last days", "is set", "is not set")
TAG_OPS = ("has", "has not")
SKILL_OPS = ("has", "has not")
HISTORY_OPS = ("=", "in", "not in")

_STAGES = tuple(s.value for s in CrmStage)
_EDUCATION = tuple(e.value for e in EducationLevel)
_PROFICIENCY = tuple(p.value for p in Proficiency)
_READINESS = tuple(s.value for s in ReadinessStage)
_APPLICATION_STATUS = tuple(s.value for s in ApplicationStatus)

FIELDS: dict[str, FieldSpec] = {
	spec.name: spec
	for spec in (
		# Profile
		FieldSpec("skill", "Skill", "Profile", "skill", SKILL_OPS, link_doctype="Skill"),
		FieldSpec(
			"total_experience_years", "Experience (years)", "Profile", "number", NUMBER_OPS,
			column="total_experience_years",
		),
		FieldSpec(
			"education_level", "Education level", "Profile", "select", ORDERED_SELECT_OPS,
			column="education_level", options=_EDUCATION, ordered=True,
		),
		FieldSpec("location", "Location", "Profile", "text", TEXT_OPS, column="location"),
		FieldSpec("country", "Country", "Profile", "link", LINK_OPS, column="country", link_doctype="Country"),
		FieldSpec("current_title", "Current title", "Profile", "text", TEXT_OPS, column="current_title"),
		FieldSpec("tag", "Tag", "Profile", "tag", TAG_OPS, link_doctype="Tag"),
		FieldSpec("crm_stage", "CRM stage", "Profile", "select", SELECT_OPS, column="crm_stage", options=_STAGES),
		FieldSpec(
			"source", "Source", "Profile", "link", LINK_OPS, column="source", link_doctype="Job Applicant Source"
		),
		FieldSpec("has_pool_consent", "Has talent pool consent", "Profile", "check", CHECK_OPS, column="has_pool_consent"),
		FieldSpec(
			"has_marketing_consent", "Has marketing consent", "Profile", "check", CHECK_OPS,
			column="has_marketing_consent",
		),
		FieldSpec("do_not_contact", "Do not contact", "Profile", "check", CHECK_OPS, column="do_not_contact"),
		FieldSpec("is_unsubscribed", "Unsubscribed", "Profile", "check", CHECK_OPS, column="is_unsubscribed"),
		# Engagement
		FieldSpec(
			"engagement_score", "Engagement score", "Engagement", "number", NUMBER_OPS,
			column="engagement_score", decays=True,
		),
		FieldSpec(
			"readiness_stage", "Readiness", "Engagement", "select", SELECT_OPS, column="readiness_stage",
			options=_READINESS,
		),
		FieldSpec("last_activity_at", "Last activity", "Engagement", "datetime", DATETIME_OPS, column="last_activity_at"),
		# History
		FieldSpec(
			"applied_for_designation", "Applied for designation", "History", "designation", HISTORY_OPS,
			link_doctype="Designation",
		),
		FieldSpec(
			"interviewed_for_designation", "Interviewed for designation", "History", "designation", HISTORY_OPS,
			link_doctype="Designation",
		),
		FieldSpec(
			"last_application_status", "Status of last application", "History", "select", SELECT_OPS,
			options=_APPLICATION_STATUS,
		),
		FieldSpec("application_count", "Number of applications", "History", "number", NUMBER_OPS, column="application_count"),
	)
}  # fmt: skip


@dataclass
class CompiledRule:
	"""A WHERE condition over `tabRC Candidate` aliased `c`, and its bound parameters."""

	sql: str
	params: dict[str, Any] = field(default_factory=dict)
	is_time_relative: bool = False


def field_catalog() -> list[dict]:
	"""The fields, operators and options a rule editor may offer."""
	return [spec.as_dict() for spec in FIELDS.values()]


def compile_rules(
	rules: Any, now: datetime | None = None, score_half_life_days: float = 0.0, param_prefix: str = "p"
) -> CompiledRule:
	"""Validate `rules` and compile them to a parameterised SQL condition.

	Parameters are named `{param_prefix}0`, `{param_prefix}1`, ...: rules compiled with different
	prefixes can share one statement.

	Engagement scores are stored as of their last update; with a half-life they are compared at
	their value `now` (which makes the rule time-relative).
	Raises RuleError naming the offending condition (by position) and the problem.
	An empty rule set matches nobody: a smart pool must say who belongs in it.
	"""
	compiler = _Compiler(now or datetime(1970, 1, 1), score_half_life_days, param_prefix)
	if not isinstance(rules, dict):
		raise RuleError("Rules must be a group object with 'match' and 'conditions'.")
	sql = compiler.group(rules, path="Rules", depth=1)
	if compiler.count == 0:
		raise RuleError("Add at least one condition: an empty smart pool would match nobody.")
	return CompiledRule(sql=sql, params=compiler.params, is_time_relative=compiler.time_relative)


def validate_rules(rules: Any) -> None:
	"""Raise RuleError if `rules` would not compile."""
	compile_rules(rules)


_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$")
_TAG_RE = re.compile(r"^[^,]{1,140}$")


class _Compiler:
	def __init__(self, now: datetime, score_half_life_days: float = 0.0, param_prefix: str = "p"):
		self.now = now
		self.score_half_life_days = score_half_life_days
		self.param_prefix = param_prefix
		self.params: dict[str, Any] = {}
		self.count = 0
		self.time_relative = False

	def param(self, value: Any) -> str:
		key = f"{self.param_prefix}{len(self.params)}"
		self.params[key] = value
		return f"%({key})s"

	def params_list(self, values: list) -> str:
		return "(" + ", ".join(self.param(v) for v in values) + ")"

	def group(self, group: dict, path: str, depth: int) -> str:
		if depth > MAX_DEPTH:
			raise RuleError(f"{path}: groups may be nested at most {MAX_DEPTH} levels deep.")
		unknown_keys = set(group) - {"match", "conditions"}
		if unknown_keys:
			raise RuleError(f"{path}: unexpected key(s) {', '.join(sorted(map(str, unknown_keys)))}.")
		match = group.get("match", "all")
		if match not in ("all", "any"):
			raise RuleError(f"{path}: 'match' must be 'all' or 'any', not {match!r}.")
		conditions = group.get("conditions")
		if not isinstance(conditions, list):
			raise RuleError(f"{path}: 'conditions' must be a list.")
		parts = []
		for i, cond in enumerate(conditions, start=1):
			where = f"{path} > condition {i}"
			if not isinstance(cond, dict):
				raise RuleError(f"{where}: must be an object.")
			if "conditions" in cond:
				if not cond.get("conditions"):
					continue  # an empty sub-group is ignored, as Frappe's filter editor does
				parts.append(self.group(cond, where.replace("condition", "group"), depth + 1))
			else:
				parts.append(self.condition(cond, where))
		if not parts:
			return "1=1"
		joiner = " and " if match == "all" else " or "
		return "(" + joiner.join(parts) + ")"

	def condition(self, cond: dict, where: str) -> str:
		self.count += 1
		if self.count > MAX_CONDITIONS:
			raise RuleError(f"Too many conditions (at most {MAX_CONDITIONS}).")
		unknown_keys = set(cond) - {"field", "operator", "value"}
		if unknown_keys:
			raise RuleError(f"{where}: unexpected key(s) {', '.join(sorted(map(str, unknown_keys)))}.")
		name = cond.get("field")
		spec = FIELDS.get(name) if isinstance(name, str) else None
		if spec is None:
			raise RuleError(f"{where}: unknown field {name!r}. Known fields: {', '.join(FIELDS)}.")
		op = cond.get("operator")
		if op not in spec.operators:
			raise RuleError(
				f"{where}: operator {op!r} does not apply to {spec.label}. "
				f"Use one of: {', '.join(spec.operators)}."
			)
		where = f"{where} ({spec.label})"
		value = cond.get("value")
		return getattr(self, f"_{spec.kind}")(spec, op, value, where)

	# --- value checks -------------------------------------------------------------------

	@staticmethod
	def _number_value(value: Any, where: str) -> float:
		if isinstance(value, bool) or not isinstance(value, int | float):
			if isinstance(value, str):
				try:
					return float(value.strip())
				except ValueError:
					pass
			raise RuleError(f"{where}: expected a number, got {_show(value)}.")
		if value != value or value in (float("inf"), float("-inf")):
			raise RuleError(f"{where}: expected a finite number.")
		return value

	@staticmethod
	def _text_value(value: Any, where: str, max_length: int = 140) -> str:
		if not isinstance(value, str) or not value.strip():
			raise RuleError(f"{where}: expected a non-empty text value, got {_show(value)}.")
		if len(value) > max_length:
			raise RuleError(f"{where}: value is longer than {max_length} characters.")
		return value.strip()

	def _list_value(self, value: Any, where: str) -> list[str]:
		if isinstance(value, str):
			value = [v for v in (s.strip() for s in value.split(",")) if v]
		if not isinstance(value, list | tuple) or not value:
			raise RuleError(f"{where}: expected a non-empty list of values, got {_show(value)}.")
		if len(value) > MAX_LIST_VALUES:
			raise RuleError(f"{where}: at most {MAX_LIST_VALUES} values.")
		return [self._text_value(v, where) for v in value]

	@staticmethod
	def _option_values(spec: FieldSpec, values: list[str], where: str) -> list[str]:
		bad = [v for v in values if v not in spec.options]
		if bad:
			raise RuleError(f"{where}: {_show(bad[0])} is not one of {', '.join(spec.options)}.")
		return values

	# --- kinds ---------------------------------------------------------------------------

	def _col(self, spec: FieldSpec) -> str:
		if spec.decays and self.score_half_life_days > 0:
			self.time_relative = True
			return decayed_score_sql(CANDIDATE_ALIAS, self.param(self.now), self.score_half_life_days)
		return f"{CANDIDATE_ALIAS}.`{spec.column}`"

	def _set_test(self, expr: str, op: str, text: bool) -> str:
		if op == "is set":
			return f"({expr} is not null and {expr} != '')" if text else f"({expr} is not null)"
		return f"({expr} is null or {expr} = '')" if text else f"({expr} is null)"

	def _number(self, spec: FieldSpec, op: str, value: Any, where: str) -> str:
		col = self._col(spec)
		if op in ("is set", "is not set"):
			return self._set_test(col, op, text=False)
		if op == "between":
			if not isinstance(value, list | tuple) or len(value) != 2:
				raise RuleError(
					f"{where}: 'between' needs a list of two numbers [from, to], got {_show(value)}."
				)
			low, high = (self._number_value(v, where) for v in value)
			if low > high:
				raise RuleError(f"{where}: 'between' range is reversed ({low:g} > {high:g}).")
			return f"({col} between {self.param(low)} and {self.param(high)})"
		number = self._number_value(value, where)
		if op == "!=":
			return f"({col} is null or {col} != {self.param(number)})"
		return f"({col} {op} {self.param(number)})"

	def _text(self, spec: FieldSpec, op: str, value: Any, where: str) -> str:
		col = self._col(spec)
		if op in ("is set", "is not set"):
			return self._set_test(col, op, text=True)
		text = self._text_value(value, where)
		if op in ("like", "not like"):
			pattern = "%" + re.sub(r"([\\%_])", r"\\\1", text) + "%"
			p = self.param(pattern)
			return f"({col} like {p})" if op == "like" else f"({col} is null or {col} not like {p})"
		p = self.param(text)
		return f"({col} = {p})" if op == "=" else f"({col} is null or {col} != {p})"

	def _select(self, spec: FieldSpec, op: str, value: Any, where: str) -> str:
		expr = self._col(spec) if spec.column else self._last_application_status()
		if op in ("is set", "is not set"):
			return self._set_test(expr, op, text=True)
		if op in (">=", "<="):
			level = self._option_values(spec, [self._text_value(value, where)], where)[0]
			i = spec.options.index(level)
			values = list(spec.options[i:] if op == ">=" else spec.options[: i + 1])
			return f"({expr} in {self.params_list(values)})"
		if op in ("=", "!="):
			values = self._option_values(spec, [self._text_value(value, where)], where)
		else:
			values = self._option_values(spec, self._list_value(value, where), where)
		if op in ("=", "in"):
			return f"({expr} in {self.params_list(values)})"
		return f"({expr} is null or {expr} not in {self.params_list(values)})"

	def _link(self, spec: FieldSpec, op: str, value: Any, where: str) -> str:
		col = self._col(spec)
		if op in ("is set", "is not set"):
			return self._set_test(col, op, text=True)
		values = [self._text_value(value, where)] if op in ("=", "!=") else self._list_value(value, where)
		if op in ("=", "in"):
			return f"({col} in {self.params_list(values)})"
		return f"({col} is null or {col} not in {self.params_list(values)})"

	def _check(self, spec: FieldSpec, op: str, value: Any, where: str) -> str:
		if isinstance(value, bool) or value in (0, 1):
			flag = int(value)
		elif isinstance(value, str) and value.strip().lower() in ("0", "1", "true", "false", "yes", "no"):
			flag = int(value.strip().lower() in ("1", "true", "yes"))
		else:
			raise RuleError(f"{where}: expected yes/no (true, false, 1 or 0), got {_show(value)}.")
		return f"({self._col(spec)} = {self.param(flag)})"

	def _datetime(self, spec: FieldSpec, op: str, value: Any, where: str) -> str:
		col = self._col(spec)
		if op in ("is set", "is not set"):
			return self._set_test(col, op, text=False)
		if op in ("in the last days", "not in the last days"):
			days = self._number_value(value, where)
			if days <= 0 or days != int(days):
				raise RuleError(f"{where}: expected a whole number of days above zero, got {_show(value)}.")
			self.time_relative = True
			since = self.param(self.now - timedelta(days=int(days)))
			if op == "in the last days":
				return f"({col} >= {since})"
			return f"({col} is null or {col} < {since})"
		moment = _parse_moment(value, where)
		p = self.param(moment)
		return f"({col} < {p})" if op == "before" else f"({col} > {p})"

	def _tag(self, spec: FieldSpec, op: str, value: Any, where: str) -> str:
		tag = self._text_value(value, where)
		if not _TAG_RE.match(tag):
			raise RuleError(f"{where}: a tag cannot contain a comma.")
		test = f"find_in_set({self.param(tag)}, coalesce({CANDIDATE_ALIAS}.`_user_tags`, '')) > 0"
		return f"({test})" if op == "has" else f"(not {test})"

	def _skill(self, spec: FieldSpec, op: str, value: Any, where: str) -> str:
		if isinstance(value, str):
			value = {"skill": value}
		if not isinstance(value, dict):
			raise RuleError(
				f"{where}: expected a skill name or {{skill, min_proficiency, min_years}}, got {_show(value)}."
			)
		unknown = set(value) - {"skill", "min_proficiency", "min_years"}
		if unknown:
			raise RuleError(f"{where}: unexpected key(s) {', '.join(sorted(map(str, unknown)))}.")
		skill = self._text_value(value.get("skill"), f"{where} skill")
		clauses = [
			"s.parenttype = 'RC Candidate'",
			"s.parent is not null",
			f"s.skill = {self.param(skill)}",
		]
		proficiency = value.get("min_proficiency")
		if proficiency not in (None, ""):
			if proficiency not in _PROFICIENCY:
				raise RuleError(
					f"{where}: minimum proficiency {_show(proficiency)} is not one of {', '.join(_PROFICIENCY)}."
				)
			allowed = list(_PROFICIENCY[_PROFICIENCY.index(proficiency) :])
			clauses.append(f"s.proficiency in {self.params_list(allowed)}")
		years = value.get("min_years")
		if years not in (None, "", 0):
			years = self._number_value(years, f"{where} minimum years")
			if years < 0:
				raise RuleError(f"{where}: minimum years cannot be negative.")
			clauses.append(f"s.years >= {self.param(years)}")
		# A non-correlated IN lets the database build the set of people with the skill once (from
		# the skill index) instead of probing it per candidate; NOT IN is safe as parent is not null.
		subquery = "select s.parent from `tabRC Candidate Skill` s where " + " and ".join(clauses)
		verb = "in" if op == "has" else "not in"
		return f"({CANDIDATE_ALIAS}.name {verb} ({subquery}))"

	def _designation(self, spec: FieldSpec, op: str, value: Any, where: str) -> str:
		values = [self._text_value(value, where)] if op == "=" else self._list_value(value, where)
		designations = self.params_list(values)
		if spec.name == "applied_for_designation":
			people = (
				"select ja.rc_candidate from `tabJob Applicant` ja "
				f"where ja.designation in {designations} and ja.rc_candidate is not null"
			)
		else:
			people = (
				"select ja.rc_candidate from `tabInterview` iv join `tabJob Applicant` ja on ja.name = iv.job_applicant "
				f"where iv.docstatus < 2 and coalesce(iv.designation, ja.designation) in {designations} "
				"and ja.rc_candidate is not null"
			)
		verb = "not in" if op == "not in" else "in"
		return f"({CANDIDATE_ALIAS}.name {verb} ({people}))"

	@staticmethod
	def _last_application_status() -> str:
		return (
			"(select ja.status from `tabJob Applicant` ja where ja.rc_candidate = "
			f"{CANDIDATE_ALIAS}.name order by ja.creation desc, ja.name desc limit 1)"
		)


def _parse_moment(value: Any, where: str) -> datetime:
	if isinstance(value, datetime):
		return value
	if isinstance(value, date):
		return datetime(value.year, value.month, value.day)
	if isinstance(value, str) and _DATE_RE.match(value.strip()):
		text = value.strip()
		try:
			return datetime.fromisoformat(text) if " " in text else datetime.fromisoformat(text + " 00:00:00")
		except ValueError:
			pass
	raise RuleError(f"{where}: expected a date as YYYY-MM-DD, got {_show(value)}.")


def _show(value: Any) -> str:
	text = repr(value)
	return text if len(text) <= 60 else text[:57] + "..."
