"""The desk's search bar finds candidates, however they were created.

Frappe indexes a document in `__global_search` when it is saved as a document (and only after
its queue is flushed, every 15 minutes). Candidates created in bulk (imports, the demo, the
applicant backfill) are written by multi-row statements and would never be found, so every
bulk path indexes what it wrote here, set-based, at once.
"""

import frappe
from frappe.utils.global_search import get_formatted_value

from recruit_crm.services._sql import multi_row_insert

CANDIDATE = "RC Candidate"
CHUNK = 5000
COLUMNS = ("doctype", "name", "content", "published", "title", "route")


def index_candidates(names: list[str]) -> int:
	"""Write (or rewrite) the search-index rows of these candidates. Returns rows written."""
	if frappe.local.conf.get("disable_global_search") or not names:
		return 0
	meta = frappe.get_meta(CANDIDATE)
	fields = [f for f in meta.get_global_search_fields() if f.fieldtype not in frappe.model.table_fields]
	title_field = meta.title_field or "name"
	fieldnames = sorted({"name", title_field, *(f.fieldname for f in fields)})
	written = 0
	for start in range(0, len(names), CHUNK):
		rows = frappe.get_all(
			CANDIDATE,
			filters={"name": ("in", names[start : start + CHUNK]), "is_anonymized": 0},
			fields=fieldnames,
			order_by=None,
		)
		values = [
			(
				CANDIDATE,
				row.name,
				" ||| ".join(
					get_formatted_value(row[f.fieldname], f) for f in fields if row.get(f.fieldname)
				),
				0,
				(row.get(title_field) or "")[:140],
				"",
			)
			for row in rows
		]
		written += multi_row_insert(
			CANDIDATE,
			COLUMNS,
			[v for v in values if v[2]],
			table="__global_search",
			on_duplicate="content = values(content), title = values(title)",
		)
	return written
