"""Candidates saved before `top_skills` existed get it from their skill rows (set-based)."""

import frappe

from recruit_crm.services.candidates.records import refresh_top_skills


def execute():
	names = frappe.db.sql(
		"select distinct parent from `tabRC Candidate Skill` where parenttype = 'RC Candidate'", pluck=True
	)
	refresh_top_skills(names)
