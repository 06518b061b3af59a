"""Parameters the desk API accepts in more than one shape."""

import frappe
from frappe import _

from recruit_crm.domain.lists import NotAList, as_list


def names(value: list | str | None) -> list[str]:
	"""A list of document names from a list, a JSON array or one name; a plain error otherwise."""
	try:
		return as_list(value)
	except NotAList:
		frappe.throw(_("Expected a list of names."))
