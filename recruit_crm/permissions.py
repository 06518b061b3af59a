"""Candidate data is HR data: never visible to Guest or website users, whatever roles say."""

import frappe


def _is_desk_user(user: str | None) -> bool:
	user = user or frappe.session.user
	if user == "Guest":
		return False
	return frappe.get_cached_value("User", user, "user_type") == "System User"


def candidate_query_conditions(user: str | None = None) -> str | None:
	"""List and report queries return nothing to non-desk users."""
	return None if _is_desk_user(user) else "1=0"


def candidate_has_permission(doc, ptype: str | None = None, user: str | None = None) -> bool | None:
	"""Deny non-desk users outright; otherwise defer to the roles on the doctype."""
	return None if _is_desk_user(user) else False
