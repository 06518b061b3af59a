"""Importing candidates with de-duplication, against a raw multi-row INSERT of the same rows."""

import random

import frappe
from frappe.utils.global_search import get_formatted_value

from recruit_crm.benchmarks import Figure, register, timed
from recruit_crm.services._sql import multi_row_insert
from recruit_crm.services.candidates import search_index
from recruit_crm.services.candidates.bulk_import import SKILL_COLUMNS, import_candidates, new_names
from recruit_crm.services.candidates.demo import make_candidate_rows


@register("import")
def bench_import(candidates: int = 100_000, **_) -> list[Figure]:
	"""Import `candidates` rows of which 5% repeat a person in the file (case/space variants)
	and 5% are people already on the site; the baseline inserts the rows the import writes
	(candidates, skills, tag links, search-index rows) with plain multi-row INSERTs into copies of
	their tables."""
	rnd = random.Random(11)
	existing_count = candidates // 20
	dupes_count = candidates // 20
	unique_rows = make_candidate_rows(
		candidates - dupes_count - existing_count, seed=11, email_prefix="bench."
	)
	known = make_candidate_rows(existing_count, seed=12, email_prefix="bench.known.")
	rows = [*unique_rows, *(dict(p) for p in known)]
	for row in rnd.sample(unique_rows, dupes_count):
		dup = dict(row)
		dup["email"] = f"  {row['email'].upper()} "
		dup["phone"] = ""
		rows.append(dup)
	rnd.shuffle(rows)
	baseline_rows = [dict(r) for r in rows]

	try:
		baseline_s = _raw_insert_baseline(baseline_rows)
		import_candidates([dict(p) for p in known])  # the people "already on the site"
		ours_s, report = timed(lambda: import_candidates(rows))
	finally:
		frappe.db.rollback()
		_drop_orphan_index_rows()
	expected_created = candidates - dupes_count - existing_count
	note = (
		f"{report.total_rows} rows: {report.created} created, {report.merged_into_existing} merged into existing, "
		f"{report.duplicates_in_file} in-file duplicates, {len(report.errors)} rejected"
	)
	if report.created != expected_created:
		note += f"; EXPECTED {expected_created} created"
	return [
		Figure(
			name=f"import {len(rows)} candidates with de-duplication",
			ours_s=ours_s,
			baseline_s=baseline_s,
			baseline="raw multi-row INSERTs of the same candidate, skill, tag-link and search-index rows",
			note=note,
		)
	]


def _raw_insert_baseline(rows: list[dict]) -> float:
	"""Plain multi-row INSERTs of the rows an import writes into same-shaped copies of their tables:
	candidates, their skill rows, their tag links and their search-index rows.

	Runs first in the transaction: Frappe refuses DDL (the copies) after a write. The copies are
	ordinary tables, not temporary ones: MariaDB keeps no redo log for temporary tables, so a
	baseline written into them would skip the durability cost every real write pays. Each copy
	starts with the table's existing rows, so both sides write into indexes of one size.
	"""
	_drop_copies()
	for copy, table in COPIES.items():
		frappe.db.sql(f"create table `{copy}` like `{table}`")
	for copy, table in COPIES.items():  # DDL first: Frappe refuses it after a write
		frappe.db.sql(f"insert into `{copy}` select * from `{table}`")
	now = frappe.utils.now_datetime()
	columns = ("name", "email", "full_name", "phone", "current_title", "current_employer", "location", "country",
		"timezone", "total_experience_years", "education_level", "education_field", "education_institution",
		"source", "source_medium", "source_campaign", "_user_tags", "creation", "modified")  # fmt: skip
	candidate_values, skill_values, tag_values, index_values = [], [], [], []
	meta = frappe.get_meta("RC Candidate")  # the index's content as the importer writes it
	full_name, email_field = meta.get_field("full_name"), meta.get_field("email")
	# The same kind of names as the importer writes (opaque, time-ordered), so both sides append alike.
	count = len(rows) + sum(len(r["skills"]) + len(r.get("tags") or ()) for r in rows)
	names = iter(new_names(count))
	for i, r in enumerate(rows):
		name = next(names)
		email = f"{i}.{r['email'].strip().lower()}"
		tags = r.get("tags") or []
		user_tags = ("," + ",".join(tags)) if tags else None
		candidate_values.append((name, email, *[r.get(c) for c in columns[2:-3]], user_tags, now, now))
		for j, s in enumerate(r["skills"]):
			skill_values.append(
				(
					next(names),
					name,
					"RC Candidate",
					"skills",
					j + 1,
					s["skill"],
					s["proficiency"],
					s["years"],
					now,
					now,
				)
			)
		for tag in tags:
			tag_values.append(
				(next(names), "RC Candidate", name, tag, now, now, "Administrator", "Administrator")
			)
		title = r.get("full_name") or ""
		content = " ||| ".join(
			get_formatted_value(v, f) for v, f in ((title, full_name), (email, email_field)) if v
		)
		index_values.append(("RC Candidate", name, content, 0, title, ""))

	def insert_all():
		multi_row_insert("", columns, candidate_values, table="tabRC Bench Import Candidate")
		multi_row_insert("", SKILL_COLUMNS, skill_values, table="tabRC Bench Import Skill")
		multi_row_insert(
			"",
			("name", "document_type", "document_name", "tag", "creation", "modified", "owner", "modified_by"),
			tag_values,
			table="tabRC Bench Import Tag Link",
		)
		multi_row_insert("", search_index.COLUMNS, index_values, table="rc_bench_global_search")

	frappe.db.commit()  # nosemgrep: the benchmark's own copies only; ends their fill before timing
	try:
		seconds, _ = timed(insert_all)
		frappe.db.commit()  # nosemgrep: cheaper than undoing 100k rows; the copies are dropped next
	finally:
		frappe.db.rollback()
		_drop_copies()
	return seconds


# copy -> the table it has the shape (and the rows) of
COPIES = {
	"tabRC Bench Import Candidate": "tabRC Candidate",
	"tabRC Bench Import Skill": "tabRC Candidate Skill",
	"tabRC Bench Import Tag Link": "tabTag Link",
	"rc_bench_global_search": "__global_search",
}


def _drop_copies() -> None:
	for copy in COPIES:
		frappe.db.sql(f"drop table if exists `{copy}`")


def _drop_orphan_index_rows() -> None:
	"""The search index is MyISAM: a rollback leaves the rows the import indexed; remove those."""
	frappe.db.sql(
		"""delete g from `__global_search` g left join `tabRC Candidate` c on c.name = g.name
		where g.doctype = 'RC Candidate' and c.name is null"""
	)
	frappe.db.commit()  # nosemgrep: MyISAM, outside any transaction anyway
