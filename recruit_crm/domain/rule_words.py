"""Rules in words: a smart-pool or campaign rule set as the sentence a recruiter reads under
"Rules in Words" ("Candidates who have the skill Python and whose country is Germany or France").
Pure, like the compiler it follows (`pool_rules`)."""

from __future__ import annotations

from typing import Any

from recruit_crm.domain.pool_rules import FIELDS, RuleError, _parse_moment


def describe_rules(rules: dict) -> str:
	"""The rule set as a sentence a recruiter reads at a glance ("Candidates who have the skill
	Python and whose country is Germany or France"); "" when there is nothing to describe.

	Meant for valid rule sets; a condition still missing its value reads "…" rather than failing.
	"""
	if not isinstance(rules, dict):
		return ""
	text = _describe_group(rules, nested=False)
	return f"Candidates {text}" if text else ""


# What a field is called after "whose" (lower case, no units in brackets).
_NOUNS = {
	"total_experience_years": "experience",
	"education_level": "education level",
	"location": "location",
	"country": "country",
	"current_title": "current title",
	"crm_stage": "CRM stage",
	"source": "source",
	"engagement_score": "engagement score",
	"readiness_stage": "readiness",
	"last_activity_at": "last activity",
	"last_application_status": "last application's status",
	"application_count": "number of applications",
}
_UNITS = {"total_experience_years": "years"}
# Yes/no fields read as what the person has or is: (when yes, when no).
_FLAGS = {
	"has_pool_consent": ("who have talent pool consent", "who do not have talent pool consent"),
	"has_marketing_consent": ("who have marketing consent", "who do not have marketing consent"),
	"do_not_contact": ("who are marked Do Not Contact", "who are not marked Do Not Contact"),
	"is_unsubscribed": ("who have unsubscribed", "who have not unsubscribed"),
}
_COMPARISONS = {
	"=": "is",
	"!=": "is not",
	">": "is above",
	">=": "is at least",
	"<": "is below",
	"<=": "is at most",
}
_MISSING = "…"


def _describe_group(group: dict, nested: bool) -> str:
	any_of = group.get("match", "all") == "any"
	parts = []
	for cond in group.get("conditions") or []:
		if not isinstance(cond, dict):
			continue
		text = _describe_group(cond, nested=True) if "conditions" in cond else _describe_condition(cond)
		if text:
			parts.append(text)
	text = _joined(parts, "or" if any_of else "and")
	if nested and len(parts) == 2:
		return ("either " if any_of else "both ") + text
	if nested and len(parts) > 2:
		return f"({text})"
	return text


def _describe_condition(cond: dict) -> str:
	name, value = cond.get("field"), cond.get("value")
	op = str(cond.get("operator") or "")
	spec = FIELDS.get(name) if isinstance(name, str) else None
	if spec is None:
		return " ".join(str(p) for p in (name, op, _plain(value)) if p not in (None, ""))
	if spec.kind == "check":
		yes, no = _FLAGS.get(
			spec.name, (f"whose {spec.label.lower()} is yes", f"whose {spec.label.lower()} is no")
		)
		return yes if _is_yes(value) else no
	if spec.kind == "tag":
		return f"who {'are' if op == 'has' else 'are not'} tagged {_quoted(value)}"
	if spec.kind == "skill":
		return _describe_skill(op, value)
	if spec.kind == "designation":
		roles = _either(_values(value))
		if spec.name == "applied_for_designation":
			return (
				f"who never applied for a role as {roles}"
				if op == "not in"
				else f"who applied for a role as {roles}"
			)
		if op == "not in":
			return f"who were never interviewed for a role as {roles}"
		return f"who were interviewed for a role as {roles}"
	whose = f"whose {_NOUNS.get(spec.name, spec.label.lower())}"
	if op == "is set":
		return f"{whose} is recorded"
	if op == "is not set":
		return f"{whose} is not recorded"
	if spec.kind == "number":
		unit = _UNITS.get(spec.name, "")
		if op == "between":
			low, high = [*value, None, None][:2] if isinstance(value, list | tuple) else (None, None)
			return _with_unit(f"{whose} is between {_number(low)} and {_number(high)}", unit)
		return _with_unit(f"{whose} {_COMPARISONS.get(op, op)} {_number(value)}", unit)
	if spec.kind == "text":
		verb = {"=": "is", "!=": "is not", "like": "contains", "not like": "does not contain"}.get(op, op)
		return f"{whose} {verb} {_quoted(value)}"
	if spec.kind == "datetime":
		if op in ("in the last days", "not in the last days"):
			days = _number(value)
			period = "day" if days == "1" else f"{days} days"
			if op == "in the last days":
				return f"{whose} was in the last {period}"
			return f"{whose} was not in the last {period} (or never)"
		return f"{whose} was {'before' if op == 'before' else 'after'} {_date(value)}"
	# select and link
	if op == ">=":
		return f"{whose} is {_plain(value)} or higher"
	if op == "<=":
		return f"{whose} is {_plain(value)} or lower"
	values = _values(value)
	if op in ("!=", "not in"):
		if len(values) == 2:
			return f"{whose} is neither {values[0]} nor {values[1]}"
		if len(values) > 2:
			return f"{whose} is none of {_joined(values, 'and')}"
		return f"{whose} is not {_either(values)}"
	return f"{whose} is {_either(values)}"


def _describe_skill(op: str, value: Any) -> str:
	details = value if isinstance(value, dict) else {"skill": value}
	text = f"the skill {_plain(details.get('skill'))}"
	proficiency = details.get("min_proficiency")
	if proficiency:
		text += f" at {proficiency} level or above"
	years = details.get("min_years")
	if years not in (None, "", 0):
		shown = _number(years)
		text += f" with at least {shown} {'year' if shown == '1' else 'years'}"
	return f"who {'do not have' if op == 'has not' else 'have'} {text}"


def _joined(parts: list[str], word: str) -> str:
	if len(parts) <= 1:
		return "".join(parts)
	return f"{', '.join(parts[:-1])} {word} {parts[-1]}"


def _either(values: list[str]) -> str:
	return _joined(values, "or") if values else _MISSING


def _values(value: Any) -> list[str]:
	if isinstance(value, str):
		value = [v.strip() for v in value.split(",")]
	if not isinstance(value, list | tuple):
		value = [value]
	return [_plain(v) for v in value if v not in (None, "")]


def _plain(value: Any) -> str:
	if value in (None, ""):
		return _MISSING
	if isinstance(value, float):
		return _number(value)
	return str(value).strip() or _MISSING


def _quoted(value: Any) -> str:
	text = _plain(value)
	return text if text == _MISSING else f"\u201c{text}\u201d"


def _number(value: Any) -> str:
	if isinstance(value, bool) or value in (None, ""):
		return _MISSING
	try:
		return f"{float(value):g}"
	except (TypeError, ValueError):
		return str(value)


def _with_unit(text: str, unit: str) -> str:
	return f"{text} {unit}" if unit and not text.endswith(_MISSING) else text


def _is_yes(value: Any) -> bool:
	if isinstance(value, str):
		return value.strip().lower() in ("1", "true", "yes")
	return bool(value)


def _date(value: Any) -> str:
	try:
		moment = _parse_moment(value, "")
	except RuleError:
		return _plain(value)
	return f"{moment.day} {moment:%B %Y}"
