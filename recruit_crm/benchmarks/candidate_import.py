"""Importing candidates with de-duplication, against a raw multi-row INSERT of the same rows."""

import random

import frappe

from recruit_crm.benchmarks import Figure, register, timed
from recruit_crm.services._sql import multi_row_insert
from recruit_crm.services.candidates.bulk_import import SKILL_COLUMNS, import_candidates, new_names
from recruit_crm.services.candidates.demo import make_candidate_rows


@register("import")
def bench_import(candidates: int = 100_000, **_) -> list[Figure]:
	"""Import `candidates` rows of which 5% repeat a person in the file (case/space variants)
	and 5% are people already on the site; the baseline inserts the same candidate and skill
	rows with plain multi-row INSERTs into empty copies of the tables."""
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
			baseline="raw multi-row INSERT of the same rows",
			note=note,
		)
	]


def _raw_insert_baseline(rows: list[dict]) -> float:
	"""Plain multi-row INSERTs of the candidate and skill rows into empty same-shaped tables.

	Runs first in the transaction: Frappe refuses DDL (the temporary tables) after a write.
	"""
	# Same-shaped copies holding the same existing rows, so both sides write into indexes of one size.
	frappe.db.sql("create temporary table `tabRC Bench Import Candidate` like `tabRC Candidate`")
	frappe.db.sql("create temporary table `tabRC Bench Import Skill` like `tabRC Candidate Skill`")
	frappe.db.sql("insert into `tabRC Bench Import Candidate` select * from `tabRC Candidate`")
	frappe.db.sql("insert into `tabRC Bench Import Skill` select * from `tabRC Candidate Skill`")
	now = frappe.utils.now_datetime()
	columns = ("name", "email", "full_name", "phone", "current_title", "current_employer", "location", "country",
		"timezone", "total_experience_years", "education_level", "education_field", "education_institution",
		"source", "source_medium", "source_campaign", "creation", "modified")  # fmt: skip
	candidate_values = []
	skill_values = []
	# The same kind of names as the importer writes (opaque, time-ordered), so both sides append alike.
	names = iter(new_names(len(rows) + sum(len(r["skills"]) for r in rows)))
	for i, r in enumerate(rows):
		name = next(names)
		candidate_values.append(
			(name, f"{i}.{r['email'].strip().lower()}", *[r.get(c) for c in columns[2:-2]], now, now)
		)
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
	skill_columns = SKILL_COLUMNS

	def insert_all():
		multi_row_insert("RC Bench Import Candidate", columns, candidate_values)
		multi_row_insert("RC Bench Import Skill", skill_columns, skill_values)

	frappe.db.commit()  # nosemgrep: temporary tables only; ends the copy's transaction before timing
	seconds, _ = timed(insert_all)
	frappe.db.rollback()  # DDL is refused after writes in a transaction
	frappe.db.sql("drop temporary table `tabRC Bench Import Candidate`")
	frappe.db.sql("drop temporary table `tabRC Bench Import Skill`")
	return seconds
