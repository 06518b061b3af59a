"""Candidate identity and profile rules: normalised emails, import rows, merges."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from recruit_crm.domain.types import PROFICIENCY_RANK

# Deliberately pragmatic: one "@", no spaces, a dot in the domain, sane characters.
# Full RFC 5322 parsing accepts addresses no mail server of a candidate would ever use.
_EMAIL_RE = re.compile(
	r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
MAX_EMAIL_LENGTH = 140


class InvalidEmail(ValueError):
	"""The value is not an email address we can store or write to."""


def normalize_email(raw: str | None) -> str:
	"""Return the identity form of an email: surrounding whitespace removed, case folded.

	Raises InvalidEmail when the result is not a usable address.
	"""
	value = (raw or "").strip().lower()
	if not value:
		raise InvalidEmail("Email is missing")
	if len(value) > MAX_EMAIL_LENGTH:
		raise InvalidEmail(f"Email is longer than {MAX_EMAIL_LENGTH} characters")
	if not _EMAIL_RE.match(value) or ".." in value:
		raise InvalidEmail(f"'{raw}' is not a valid email address")
	if value.endswith(".invalid"):
		# RFC 2606 reserves .invalid; erased and anonymised records use it, and no person has one.
		raise InvalidEmail(f"'{raw}' is a placeholder, not a person's address")
	return value


def is_valid_email(raw: str | None) -> bool:
	"""True when normalize_email would accept the value."""
	try:
		normalize_email(raw)
	except InvalidEmail:
		return False
	return True


def guess_name_from_email(email: str) -> str:
	"""A readable full name from the local part of an address (jane.doe@x -> Jane Doe)."""
	local = email.split("@", 1)[0]
	parts = [p for p in re.split(r"[._\-+]+", local) if p and not p.isdigit()]
	return " ".join(p.capitalize() for p in parts) or local


# Profile fields that an import row or a merge may fill. Each is a scalar column of RC Candidate.
PROFILE_FIELDS: tuple[str, ...] = (
	"full_name",
	"phone",
	"current_title",
	"current_employer",
	"location",
	"country",
	"timezone",
	"total_experience_years",
	"education_level",
	"education_field",
	"education_institution",
	"linkedin_url",
	"portfolio_url",
	"resume",
	"source",
	"source_campaign",
	"source_medium",
	"source_referrer",
	"recruiter",
)

REQUIRED_IMPORT_FIELDS: tuple[str, ...] = ("email",)


def _blank(value: Any) -> bool:
	return value is None or (isinstance(value, str) and not value.strip())


def fill_blanks(
	target: Mapping[str, Any], source: Mapping[str, Any], fields: Iterable[str] = PROFILE_FIELDS
) -> dict[str, Any]:
	"""The updates that copy source values into fields the target leaves blank.

	The target always wins where it has a value: a merge or a re-import never overwrites
	what a recruiter already knows.
	"""
	updates: dict[str, Any] = {}
	for fieldname in fields:
		if _blank(target.get(fieldname)) and not _blank(source.get(fieldname)):
			updates[fieldname] = source[fieldname]
	return updates


def union_by_key(
	existing: Iterable[Mapping[str, Any]], incoming: Iterable[Mapping[str, Any]], key: str
) -> list[dict[str, Any]]:
	"""Rows of `incoming` whose `key` is not already in `existing` (case-insensitive), deduplicated."""
	seen = {str(row.get(key) or "").strip().lower() for row in existing}
	added: list[dict[str, Any]] = []
	for row in incoming:
		k = str(row.get(key) or "").strip().lower()
		if not k or k in seen:
			continue
		seen.add(k)
		added.append(dict(row))
	return added


def merge_skill_rows(
	existing: Iterable[Mapping[str, Any]], incoming: Iterable[Mapping[str, Any]]
) -> list[dict[str, Any]]:
	"""Skills after a merge: one row per skill keeping the higher proficiency and years."""
	merged: dict[str, dict[str, Any]] = {}
	order: list[str] = []
	for row in [*existing, *incoming]:
		skill = str(row.get("skill") or "").strip()
		if not skill:
			continue
		key = skill.lower()
		if key not in merged:
			merged[key] = {
				"skill": skill,
				"proficiency": row.get("proficiency"),
				"years": row.get("years") or 0,
			}
			order.append(key)
			continue
		current = merged[key]
		if PROFICIENCY_RANK.get(row.get("proficiency") or "", 0) > PROFICIENCY_RANK.get(
			current.get("proficiency") or "", 0
		):
			current["proficiency"] = row.get("proficiency")
		current["years"] = max(float(current.get("years") or 0), float(row.get("years") or 0))
	return [merged[k] for k in order]


@dataclass
class RowError:
	"""Why one input row was not imported."""

	row_number: int
	reason: str


@dataclass
class PreparedImport:
	"""Import rows after validation and in-file de-duplication."""

	rows: list[dict[str, Any]] = field(default_factory=list)
	errors: list[RowError] = field(default_factory=list)
	duplicates_in_file: int = 0


def prepare_import(raw_rows: Iterable[Mapping[str, Any]], first_row_number: int = 1) -> PreparedImport:
	"""Validate and normalise import rows, folding rows of the same person into one.

	A row with a bad or missing email is reported with its reason and skipped; every other
	row is kept. Two rows for the same normalised email become one, the earlier row's values
	winning and later rows filling its blanks, skills and tags combined.
	"""
	result = PreparedImport()
	by_email: dict[str, dict[str, Any]] = {}
	for offset, raw in enumerate(raw_rows):
		row_number = first_row_number + offset
		row: dict[str, Any] = {k: (v.strip() if isinstance(v, str) else v) for k, v in raw.items()}
		missing = [f for f in REQUIRED_IMPORT_FIELDS if _blank(row.get(f))]
		if missing:
			result.errors.append(RowError(row_number, f"Missing required value: {', '.join(missing)}"))
			continue
		try:
			email = normalize_email(row.get("email"))
		except InvalidEmail as e:
			result.errors.append(RowError(row_number, str(e)))
			continue
		experience: Any = row.get("total_experience_years")
		if not _blank(experience):
			try:
				years = float(experience)
			except (TypeError, ValueError):
				result.errors.append(RowError(row_number, f"Experience '{experience}' is not a number"))
				continue
			if years < 0 or years > 80:
				result.errors.append(RowError(row_number, f"Experience {years} is outside 0-80 years"))
				continue
			row["total_experience_years"] = years
		row["email"] = email
		if _blank(row.get("full_name")):
			row["full_name"] = guess_name_from_email(email)
		row["skills"] = list(row.get("skills") or [])
		row["tags"] = _split_tags(row.get("tags"))
		if email in by_email:
			result.duplicates_in_file += 1
			kept = by_email[email]
			kept.update(fill_blanks(kept, row))
			kept["skills"] = merge_skill_rows(kept["skills"], row["skills"])
			kept["tags"] = sorted(set(kept["tags"]) | set(row["tags"]))
			continue
		row["_row_number"] = row_number
		by_email[email] = row
		result.rows.append(row)
	return result


def _split_tags(value: Any) -> list[str]:
	if _blank(value):
		return []
	items = value.split(",") if isinstance(value, str) else list(value)
	return sorted({str(t).strip() for t in items if str(t).strip()})


TOP_SKILLS = 3


def top_skills(rows: Iterable[Mapping[str, Any]], limit: int = TOP_SKILLS) -> str:
	"""A person's strongest skills for lists: highest proficiency first, then most years, then name."""
	ranked = sorted(
		(r for r in rows if r.get("skill")),
		key=lambda r: (
			-PROFICIENCY_RANK.get(r.get("proficiency") or "", 0),
			-float(r.get("years") or 0),
			r["skill"],
		),
	)
	return ", ".join(r["skill"] for r in ranked[:limit])
