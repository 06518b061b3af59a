"""Bulk candidate import: set-based, de-duplicating, and it never loses a row silently.

Every input row ends in exactly one of: created, merged into an existing candidate, folded
into an earlier row of the same file, or rejected with its reason.
"""

import csv
import io
import time
from collections.abc import Collection
from dataclasses import asdict, dataclass, field

import frappe
from frappe import _

from recruit_crm.domain.candidates import (
	PROFILE_FIELDS,
	TOP_SKILLS,
	PreparedImport,
	RowError,
	prepare_import,
)
from recruit_crm.domain.naming import sortable_names
from recruit_crm.domain.types import EDUCATION_RANK, PROFICIENCY_RANK, CrmStage
from recruit_crm.services._sql import SideWriter, multi_row_insert, side_writer
from recruit_crm.services.candidates.records import refresh_top_skills
from recruit_crm.services.candidates.search_index import (
	forget_on_rollback,
	index_candidates,
	index_rows,
)

CANDIDATE = "RC Candidate"
CHUNK = 5000
SKILL_COLUMNS = (
	"name", "parent", "parenttype", "parentfield", "idx", "skill", "proficiency", "years", "creation", "modified",
)  # fmt: skip

# Columns a file may carry. `skills` is "Python:Expert:5; SQL" (skill[:proficiency[:years]]).
IMPORT_COLUMNS: tuple[str, ...] = ("email", *PROFILE_FIELDS, "do_not_contact", "tags", "skills")
# `top_skills` of a new candidate comes from its rows (the domain's order), so the chunk does not
# have to read its skills back.
_INSERT_FIELDS: tuple[str, ...] = (
	"email", *PROFILE_FIELDS, "do_not_contact", "crm_stage", "_user_tags", "top_skills",
)  # fmt: skip


@dataclass
class ImportReport:
	"""What happened to every row of one import."""

	total_rows: int = 0
	created: int = 0
	merged_into_existing: int = 0
	duplicates_in_file: int = 0
	errors: list[RowError] = field(default_factory=list)
	created_names: list[str] = field(default_factory=list)
	# {normalised email: candidate} of the rows created, for callers that go on to work on them
	created_by_email: dict[str, str] = field(default_factory=dict)

	def as_dict(self) -> dict:
		out = asdict(self)
		out["error_count"] = len(self.errors)
		out.pop("created_names")
		out.pop("created_by_email")
		return out


def new_names(count: int) -> list[str]:
	"""Opaque, time-ordered names for `count` rows about to be bulk-inserted."""
	return sortable_names(count, now_ms=int(time.time() * 1000))


def parse_skills(value) -> list[dict]:
	"""'Python:Expert:5; SQL' -> skill rows; a list of dicts passes through."""
	if not value:
		return []
	if isinstance(value, list):
		return value
	rows = []
	for part in str(value).replace("|", ";").split(";"):
		bits = [b.strip() for b in part.split(":")]
		if not bits[0]:
			continue
		row = {"skill": bits[0], "proficiency": bits[1] if len(bits) > 1 and bits[1] else "Intermediate"}
		try:
			row["years"] = float(bits[2]) if len(bits) > 2 and bits[2] else 0
		except ValueError:
			row["years"] = 0
		rows.append(row)
	return rows


def read_csv(content: str) -> list[dict]:
	"""Rows of a CSV file whose header uses IMPORT_COLUMNS names (or their labels)."""
	reader = csv.DictReader(io.StringIO(content))
	label_to_field = {c.replace("_", " ").lower(): c for c in IMPORT_COLUMNS}
	rows = []
	for raw in reader:
		row = {}
		for key, value in raw.items():
			if key is None:
				continue
			name = key.strip().lower()
			name = label_to_field.get(name, name.replace(" ", "_"))
			if name in IMPORT_COLUMNS:
				row[name] = value
		rows.append(row)
	return rows


def import_candidates(raw_rows: list[dict], *, source: str | None = None) -> ImportReport:
	"""Import rows as candidates, merging people we already know.

	Existing values are never overwritten: a known person only gains what was blank, plus
	new skills and tags. Runs in bounded chunks of set-based statements.
	"""
	report = ImportReport(total_rows=len(raw_rows))
	for row in raw_rows:
		row["skills"] = parse_skills(row.get("skills"))
		if source and not row.get("source"):
			row["source"] = source
	prepared = prepare_import(raw_rows, first_row_number=1)
	report.duplicates_in_file = prepared.duplicates_in_file
	report.errors.extend(prepared.errors)
	rows = _check_references(prepared, report)
	# A large import writes the search index on a second connection, on another core meanwhile.
	with side_writer(enabled=len(rows) > CHUNK) as search_writer:
		for start in range(0, len(rows), CHUNK):
			_import_chunk(rows[start : start + CHUNK], report, search_writer)
	report.errors.sort(key=lambda e: e.row_number)
	return report


def _check_references(prepared: PreparedImport, report: ImportReport) -> list[dict]:
	"""Drop rows whose links point nowhere; reasons go to the report."""
	countries = set(frappe.get_all("Country", pluck="name"))
	sources = set(frappe.get_all("Job Applicant Source", pluck="name"))
	users = set(frappe.get_all("User", filters={"user_type": "System User"}, pluck="name"))
	kept = []
	for row in prepared.rows:
		number = row["_row_number"]
		reason = None
		if row.get("country") and row["country"] not in countries:
			reason = _("Unknown country '{0}'").format(row["country"])
		elif row.get("source") and row["source"] not in sources:
			reason = _("Unknown source '{0}'").format(row["source"])
		elif row.get("recruiter") and row["recruiter"] not in users:
			reason = _("Unknown recruiter '{0}'").format(row["recruiter"])
		elif row.get("education_level") and row["education_level"] not in EDUCATION_RANK:
			reason = _("Unknown education level '{0}'").format(row["education_level"])
		else:
			bad = [
				s.get("proficiency") for s in row["skills"] if s.get("proficiency") not in PROFICIENCY_RANK
			]
			if bad:
				reason = _("Unknown skill proficiency '{0}'").format(bad[0])
		if reason:
			report.errors.append(RowError(number, reason))
		else:
			kept.append(row)
	return kept


def _import_chunk(rows: list[dict], report: ImportReport, search_writer: SideWriter | None = None) -> None:
	emails = [r["email"] for r in rows]
	existing = _existing_by_email(emails)
	new_rows = [r for r in rows if r["email"] not in existing]
	known_rows = [r for r in rows if r["email"] in existing]

	now = str(frappe.utils.now_datetime())  # one literal for every row, not a datetime per value
	user = frappe.session.user
	names = {}
	if new_rows:
		values = []
		for r, name in zip(new_rows, new_names(len(new_rows)), strict=True):
			names[r["email"]] = name
			values.append(
				(
					name,
					now,
					now,
					user,
					user,
					*[_column_value(r, f) for f in _INSERT_FIELDS],
				)
			)
		columns = ("name", "creation", "modified", "owner", "modified_by", *_INSERT_FIELDS)
		inserted = multi_row_insert(CANDIDATE, columns, values, ignore=True)
		# A concurrent import may have inserted some of these emails first: those rows merge
		# instead. When every row was inserted, none was taken, and there is nothing to look up.
		landed = names if inserted == len(new_rows) else _existing_by_email([r["email"] for r in new_rows])
		for r in new_rows:
			if landed.get(r["email"]) == names[r["email"]]:
				report.created += 1
				report.created_names.append(names[r["email"]])
				report.created_by_email[r["email"]] = names[r["email"]]
			else:
				known_rows.append(r)
				existing[r["email"]] = landed[r["email"]]
				names.pop(r["email"])
	if known_rows:
		_fill_blanks(known_rows, existing)
		report.merged_into_existing += len(known_rows)
	target = {**existing, **names}
	created = set(names.values())
	_add_skills(rows, target, created=created)
	_add_tags(rows, target, created=created)
	# New candidates are indexed from the values just inserted; merged ones from what they hold now.
	index_rows([{**r, "name": names[r["email"]]} for r in new_rows if r["email"] in names], search_writer)
	forget_on_rollback(sorted(created))
	index_candidates(sorted(set(existing.values())))


def _column_value(row: dict, fieldname: str):
	if fieldname == "top_skills":
		return _top_skills(row["skills"])
	if fieldname == "crm_stage":
		return CrmStage.PROSPECT.value
	if fieldname == "_user_tags":
		return ("," + ",".join(row["tags"])) if row.get("tags") else None
	if fieldname == "do_not_contact":
		return 1 if str(row.get("do_not_contact") or "").strip().lower() in ("1", "yes", "true", "y") else 0
	if fieldname == "total_experience_years":
		return row.get(fieldname) or 0
	value = row.get(fieldname)
	return value if value not in ("",) else None


def _existing_by_email(emails: list[str]) -> dict[str, str]:
	if not emails:
		return {}
	out = {}
	for email, name in frappe.db.sql(
		"select email, name from `tabRC Candidate` where email in %(emails)s", {"emails": emails}
	):
		out[email] = name
	missing = [e for e in emails if e not in out]
	if missing:
		for email, parent in frappe.db.sql(
			"select email, parent from `tabRC Candidate Email` where parenttype = 'RC Candidate' and email in %(emails)s",
			{"emails": missing},
		):
			out.setdefault(email, parent)
	return out


def _fill_blanks(rows: list[dict], existing: dict[str, str]) -> None:
	"""Existing values win; only blank columns take the imported value."""
	fields = [f for f in PROFILE_FIELDS if f != "total_experience_years"]
	columns = ("name", *fields, "total_experience_years", "do_not_contact")
	assignments = [f"`{f}` = if(`{f}` is null or `{f}` = '', values(`{f}`), `{f}`)" for f in fields]
	assignments.append(
		"`total_experience_years` = if(`total_experience_years` = 0, values(`total_experience_years`), `total_experience_years`)"
	)
	assignments.append("`do_not_contact` = greatest(`do_not_contact`, values(`do_not_contact`))")
	values = [
		(
			existing[r["email"]],
			*[_column_value(r, f) for f in fields],
			_column_value(r, "total_experience_years"),
			_column_value(r, "do_not_contact"),
		)
		for r in rows
	]
	multi_row_insert(
		"RC Candidate",
		columns,
		values,
		on_duplicate=f"{', '.join(assignments)}, `modified` = now(6)",
	)


def _top_skills(skills: list[dict]) -> str | None:
	"""A new candidate's `top_skills`, as `refresh_top_skills` would store it: the domain's order
	(`domain.candidates.top_skills`) over the skills as they are stored (the first of each name,
	with its defaults), names compared without case as the database compares them."""
	seen, stored = set(), []
	for skill in skills:
		if skill["skill"] in seen:
			continue
		seen.add(skill["skill"])
		stored.append(
			{
				"skill": skill["skill"],
				"proficiency": skill.get("proficiency") or "Intermediate",
				"years": float(skill.get("years") or 0),
			}
		)
	stored.sort(key=lambda s: (-PROFICIENCY_RANK.get(s["proficiency"], 0), -s["years"], s["skill"].lower()))
	return ", ".join(s["skill"] for s in stored[:TOP_SKILLS]) or None


def _add_skills(rows: list[dict], target: dict[str, str], created: Collection[str] = ()) -> None:
	"""Add the rows' skills their candidates do not have; `created` were inserted with their
	`top_skills` already, the others (merged into) have theirs recomputed."""
	wanted = [(target[r["email"]], s) for r in rows if r.get("skills") for s in r["skills"]]
	if not wanted:
		return
	_ensure_skills({s["skill"] for _, s in wanted})
	parents = sorted({p for p, _ in wanted})
	# Candidates created by this chunk have no skill rows yet: only the others are looked up.
	known = [p for p in parents if p not in created]
	have = set(
		frappe.db.sql(
			"select parent, skill from `tabRC Candidate Skill` where parenttype = 'RC Candidate' and parent in %(p)s",
			{"p": known},
		)
		if known
		else ()
	)
	next_idx = dict(
		frappe.db.sql(
			"select parent, max(idx) from `tabRC Candidate Skill` where parenttype = 'RC Candidate' and parent in %(p)s group by parent",
			{"p": known},
		)
		if known
		else ()
	)
	now = str(frappe.utils.now_datetime())
	values = []
	fresh = iter(new_names(len(wanted)))
	for parent, skill in wanted:
		key = (parent, skill["skill"])
		if key in have:
			continue
		have.add(key)
		next_idx[parent] = (next_idx.get(parent) or 0) + 1
		values.append(
			(
				next(fresh),
				parent,
				"RC Candidate",
				"skills",
				next_idx[parent],
				skill["skill"],
				skill.get("proficiency") or "Intermediate",
				float(skill.get("years") or 0),
				now,
				now,
			)
		)
	multi_row_insert(
		"RC Candidate Skill",
		SKILL_COLUMNS,
		values,
	)
	refresh_top_skills([p for p in parents if p not in created])


def _ensure_skills(skills: set[str]) -> None:
	"""Skills named in an import join the HRMS Skill master if they are new."""
	known = set(frappe.get_all("Skill", filters={"name": ["in", list(skills)]}, pluck="name"))
	now = frappe.utils.now_datetime()
	user = frappe.session.user
	missing = [(s, s, now, now, user, user) for s in sorted(skills - known)]
	multi_row_insert(
		"Skill", ("name", "skill_name", "creation", "modified", "owner", "modified_by"), missing, ignore=True
	)


def _add_tags(rows: list[dict], target: dict[str, str], created: Collection[str] = ()) -> None:
	tagged = [(target[r["email"]], t) for r in rows if r.get("tags") for t in r["tags"]]
	if not tagged:
		return
	now = str(frappe.utils.now_datetime())
	user = frappe.session.user
	multi_row_insert(
		"Tag",
		("name", "creation", "modified", "owner", "modified_by"),
		[(t, now, now, user, user) for t in sorted({t for _, t in tagged})],
		ignore=True,
	)
	parents = sorted({p for p, _ in tagged})
	known = [p for p in parents if p not in created]  # candidates just created have no links yet
	have = set(
		frappe.db.sql(
			"select document_name, tag from `tabTag Link` where document_type = 'RC Candidate' and document_name in %(p)s",
			{"p": known},
		)
		if known
		else ()
	)
	links = []
	fresh = iter(new_names(len(tagged)))
	for parent, tag in tagged:
		if (parent, tag) in have:
			continue
		have.add((parent, tag))
		links.append((next(fresh), "RC Candidate", parent, tag, now, now, user, user))
	multi_row_insert(
		"Tag Link",
		("name", "document_type", "document_name", "tag", "creation", "modified", "owner", "modified_by"),
		links,
	)
	# Keep the denormalised `_user_tags` column (what list filters read) in step with Tag Link;
	# candidates created by this chunk were inserted with theirs.
	if not known:
		return
	frappe.db.sql(
		"""
		update `tabRC Candidate` c
		join (
			select document_name, concat(',', group_concat(tag order by tag separator ',')) tags
			from `tabTag Link` where document_type = 'RC Candidate' and document_name in %(p)s
			group by document_name
		) t on t.document_name = c.name
		set c._user_tags = t.tags
		""",
		{"p": known},
	)
