"""Whose work a view shows: a recruiter sees their own, HR Managers everyone's (or one person's)."""

from __future__ import annotations

import frappe

from recruit_crm.domain.roles import MANAGER_ROLES, holds_any


def sees_everyone(user: str | None = None) -> bool:
	user = user or frappe.session.user
	return user == "Administrator" or holds_any(frappe.get_roles(user), MANAGER_ROLES)


def recruiter_scope(requested: str | None = None) -> str | None:
	"""The recruiter to filter on: None means everyone (managers only); others always themselves."""
	if sees_everyone():
		return requested or None
	return frappe.session.user
