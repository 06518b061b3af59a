"""The desk's search bar searches candidates.

Frappe reads `global_search_doctypes` hooks only when an administrator resets Global Search
Settings, so a site that installs this app later would never search RC Candidate. Install and
migrate add it (second, after whatever comes first), uninstall removes it; the rest of the
site's choices are left as they are.
"""

import frappe

SETTINGS = "Global Search Settings"
DOCTYPE = "RC Candidate"


def _settings():
	settings = frappe.get_single(SETTINGS)
	settings.flags.ignore_permissions = True
	return settings


def add_candidates_to_global_search() -> None:
	settings = _settings()
	rows = settings.get("allowed_in_global_search")
	if any(row.document_type == DOCTYPE for row in rows):
		return
	settings.append("allowed_in_global_search", {"document_type": DOCTYPE})
	rows = settings.get("allowed_in_global_search")
	rows.insert(min(1, len(rows) - 1), rows.pop())
	for idx, row in enumerate(rows, start=1):
		row.idx = idx
	settings.save(ignore_permissions=True)
	frappe.cache.hdel("global_search", "search_priorities")


def remove_candidates_from_global_search() -> None:
	settings = _settings()
	keep = [row for row in settings.get("allowed_in_global_search") if row.document_type != DOCTYPE]
	if len(keep) == len(settings.get("allowed_in_global_search")):
		return
	settings.set("allowed_in_global_search", keep)
	settings.save(ignore_permissions=True)
	frappe.cache.hdel("global_search", "search_priorities")
