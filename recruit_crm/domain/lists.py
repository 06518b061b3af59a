"""Lists as they arrive from forms and API calls: a list, a JSON array, or a single value."""

from __future__ import annotations

import json


class NotAList(ValueError):
	"""The value is neither a list, a JSON array nor text."""


def as_list(value: object, *, split_commas: bool = False) -> list[str]:
	"""The non-empty, trimmed strings in `value`.

	A list or tuple is taken as it is; text starting with "[" is read as a JSON array; other
	text is one value, or several separated by commas when `split_commas`. None is empty.
	Raises NotAList for anything else (an object, a number, malformed JSON).
	"""
	if value is None:
		return []
	if isinstance(value, list | tuple):
		items = [v for v in value if not isinstance(v, dict | list | tuple)]
		if len(items) != len(value):
			raise NotAList("Expected a list of names.")
		return [str(v).strip() for v in items if v is not None and str(v).strip()]
	if isinstance(value, str):
		text = value.strip()
		if text.startswith("["):
			try:
				parsed = json.loads(text)
			except ValueError as e:
				raise NotAList("Expected a list of names.") from e
			return as_list(parsed)
		if split_commas:
			return [v.strip() for v in text.split(",") if v.strip()]
		return [text] if text else []
	raise NotAList("Expected a list of names.")
