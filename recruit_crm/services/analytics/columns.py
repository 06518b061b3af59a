"""Report column definitions in one line each (the report adapters' shared vocabulary)."""

from __future__ import annotations

from frappe import _


def col(
	fieldname: str, label: str, fieldtype: str = "Int", width: int = 110, options: str | None = None
) -> dict:
	out = {"fieldname": fieldname, "label": _(label), "fieldtype": fieldtype, "width": width}
	if options:
		out["options"] = options
	if fieldtype == "Percent":
		out["precision"] = 1
	if fieldtype == "Float":
		out["precision"] = 2
	return out


def bar_chart(labels: list, datasets: list[tuple[str, list]], kind: str = "bar") -> dict | None:
	"""A Frappe chart, or None when there is nothing to draw."""
	if not labels:
		return None
	return {
		"data": {"labels": labels, "datasets": [{"name": _(n), "values": v} for n, v in datasets]},
		"type": kind,
	}
