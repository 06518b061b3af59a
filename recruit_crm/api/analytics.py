"""The recruiter home's Number Cards (type Custom): each returns its number and the filtered list
behind it. Read-only, so a site with a read replica answers them from the replica; HR only."""

import frappe

from recruit_crm.services.analytics import home
from recruit_crm.services.analytics._filters import require_hr


@frappe.whitelist()
@frappe.read_only()
def new_applicants(filters=None) -> dict:
	require_hr()
	return home.new_applicants()


@frappe.whitelist()
@frappe.read_only()
def hot_not_contacted(filters=None) -> dict:
	require_hr()
	return home.hot_not_contacted()


@frappe.whitelist()
@frappe.read_only()
def my_open_tasks(filters=None) -> dict:
	require_hr()
	return home.my_open_tasks()


@frappe.whitelist()
@frappe.read_only()
def pool_members_added(filters=None) -> dict:
	require_hr()
	return home.pool_members_added()


@frappe.whitelist()
@frappe.read_only()
def campaign_replies(filters=None) -> dict:
	require_hr()
	return home.campaign_replies()


@frappe.whitelist()
@frappe.read_only()
def open_positions(filters=None) -> dict:
	require_hr()
	return home.open_positions()


@frappe.whitelist()
@frappe.read_only()
def median_days_open(filters=None) -> dict:
	require_hr()
	return home.median_days_open()


@frappe.whitelist()
@frappe.read_only()
def hires_this_quarter(filters=None) -> dict:
	require_hr()
	return home.hires_this_quarter()
