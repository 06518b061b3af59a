"""The desk's search bar finds candidates, however they were created.

Frappe indexes a document in `__global_search` when it is saved as a document (and only after
its queue is flushed, every 15 minutes). Candidates created in bulk (imports, the demo, the
applicant backfill) are written by multi-row statements and would never be found, so every
bulk path indexes what it wrote here, set-based, at once.
"""

import frappe
from frappe.utils.global_search import get_formatted_value

from recruit_crm.services._sql import SideWriter, multi_row_insert

CANDIDATE = "RC Candidate"
CHUNK = 5000
COLUMNS = ("doctype", "name", "content", "published", "title", "route")


def index_candidates(names: list[str]) -> int:
	"""Write (or rewrite) the search-index rows of these candidates. Returns rows written."""
	if _disabled() or not names:
		return 0
	_, title_field, indexed = _fields_and_title()
	fieldnames = sorted({"name", title_field, *indexed})
	written = 0
	for start in range(0, len(names), CHUNK):
		rows = frappe.get_all(
			CANDIDATE,
			filters={"name": ("in", names[start : start + CHUNK]), "is_anonymized": 0},
			fields=fieldnames,
			order_by=None,
		)
		written += index_rows(rows)
	return written


def index_rows(rows: list[dict], writer: SideWriter | None = None) -> int:
	"""Write the search-index rows of candidates whose values the caller holds (`name` and the
	indexed fields, as just written), without reading them back. Returns rows written (handed to
	`writer`, when given: the table is MyISAM, so a side connection changes nothing a rollback
	would have undone)."""
	if _disabled() or not rows:
		return 0
	fields, title_field, _ = _fields_and_title()
	values = []
	for row in rows:
		content = " ||| ".join(
			get_formatted_value(row[f.fieldname], f) for f in fields if row.get(f.fieldname)
		)
		if content:
			values.append((CANDIDATE, row["name"], content, 0, (row.get(title_field) or "")[:140], ""))
	return multi_row_insert(
		CANDIDATE,
		COLUMNS,
		values,
		table="__global_search",
		on_duplicate="content = values(content), title = values(title)",
		writer=writer,
	)


def forget_on_rollback(names: list[str]) -> None:
	"""Remove these candidates' search-index rows if the transaction that created them rolls back.

	`__global_search` is MyISAM: its rows are written at once and survive a rollback, which would
	leave the search bar offering people who do not exist (a failed import of 100k would leave
	100k). For candidates created in this transaction only; a rollback to a savepoint does not
	run it."""
	names = [n for n in names if n]
	if not names or _disabled():
		return

	def forget() -> None:
		for start in range(0, len(names), CHUNK):
			frappe.db.sql(
				"delete from `__global_search` where doctype = %s and name in %s",
				(CANDIDATE, tuple(names[start : start + CHUNK])),
			)

	frappe.db.after_rollback.add(forget)


def _disabled() -> bool:
	return bool(frappe.local.conf.get("disable_global_search"))


def _fields_and_title() -> tuple[list, str, list[str]]:
	"""The indexed fields (not tables), the title field, and the field names to read."""
	meta = frappe.get_meta(CANDIDATE)
	fields = [f for f in meta.get_global_search_fields() if f.fieldtype not in frappe.model.table_fields]
	title_field = meta.title_field or "name"
	return fields, title_field, [f.fieldname for f in fields]
