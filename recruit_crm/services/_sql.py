"""Set-based writers every capability uses: multi-row INSERTs and upserts, values always bound.

One statement per chunk of rows (5,000 by default) instead of one per row: at ~126k rows/s
through `frappe.db.sql`, against ~2k rows/s for document inserts and ~38k rows/s for
`frappe.db.bulk_insert` on this kind of machine. These run no document hooks; callers own the
consequences (scores, logs, counters).
"""

from collections.abc import Sequence

import frappe

CHUNK = 5000


def _columns(columns: Sequence[str]) -> str:
	return ", ".join(f"`{c}`" for c in columns)


def multi_row_insert(
	doctype: str,
	columns: Sequence[str],
	values: Sequence[Sequence],
	*,
	ignore: bool = False,
	on_duplicate: str | None = None,
	chunk: int = CHUNK,
	table: str | None = None,
) -> int:
	"""Insert `values` (one tuple per row, in `columns` order) into `doctype`'s table.

	`ignore` skips rows whose keys exist (INSERT IGNORE); `on_duplicate` is the assignment list of
	an ON DUPLICATE KEY UPDATE clause (column names only, never values). Returns the rows affected
	as MariaDB counts them (an upsert that changes a row counts 2). `table` names a table that is
	not a doctype's (such as `__global_search`).
	"""
	if not values:
		return 0
	placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
	verb = "insert ignore" if ignore else "insert"
	tail = f" on duplicate key update {on_duplicate}" if on_duplicate else ""
	affected = 0
	for start in range(0, len(values), chunk):
		rows = values[start : start + chunk]
		frappe.db.sql(
			f"{verb} into `{table or 'tab' + doctype}` ({_columns(columns)}) values {', '.join([placeholder] * len(rows))}{tail}",
			[v for row in rows for v in row],
		)
		affected += frappe.db.sql("select row_count()")[0][0]
	return affected


def bulk_update_by_name(
	doctype: str, fields: Sequence[str], rows: Sequence[tuple], chunk_size: int = CHUNK
) -> None:
	"""Update existing rows by primary key in multi-row statements.

	`rows` are tuples of (name, *values); a None value keeps the column's current value. Uses
	INSERT ... ON DUPLICATE KEY UPDATE on names known to exist, so no row is created.
	"""
	assignments = ", ".join(f"`{f}` = coalesce(values(`{f}`), `{f}`)" for f in fields)
	multi_row_insert(doctype, ("name", *fields), rows, on_duplicate=assignments, chunk=chunk_size)
