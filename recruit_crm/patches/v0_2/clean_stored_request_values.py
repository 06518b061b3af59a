"""Values stored from requests before they were shaped on the way in lose any markup.

User-Agents, consent evidence and touchpoint details lose angle brackets; addresses that are
not IP addresses are cleared. Set-based, one statement per column.
"""

import frappe

from recruit_crm.domain.web_input import ip_address

TEXT_COLUMNS = (
	("RC Community Signup", "user_agent"),
	("RC Community Signup", "confirmed_user_agent"),
	("RC Consent", "user_agent"),
	("RC Consent", "evidence_note"),
	("RC Touchpoint", "details"),
	("RC Career Visit", "landing"),
)
IP_COLUMNS = (
	("RC Community Signup", "ip_address"),
	("RC Community Signup", "confirmed_ip_address"),
	("RC Consent", "ip_address"),
)


def execute():
	for doctype, column in TEXT_COLUMNS:
		if frappe.db.has_column(doctype, column):
			frappe.db.sql(
				f"""update `tab{doctype}` set `{column}` = replace(replace(`{column}`, '<', ''), '>', '')
				where `{column}` like '%%<%%' or `{column}` like '%%>%%'"""
			)
	for doctype, column in IP_COLUMNS:
		if not frappe.db.has_column(doctype, column):
			continue
		values = frappe.db.sql(
			f"select distinct `{column}` from `tab{doctype}` where `{column}` is not null", pluck=True
		)
		bad = [v for v in values if ip_address(v) != v]
		for start in range(0, len(bad), 1000):
			frappe.db.sql(
				f"update `tab{doctype}` set `{column}` = null where `{column}` in %(bad)s",
				{"bad": bad[start : start + 1000]},
			)
