"""Stays written before the reports read them alone get their application's facts (creation,
opening, department, source, recruiter) and, when ended, their duration in seconds; applications
get the time of their first personal response. Set-based, in chunks of applications."""

import frappe

from recruit_crm.services.engagement import first_response
from recruit_crm.services.pipeline import stay_facts
from recruit_crm.setup import pipeline


def execute():
	if not frappe.db.has_column("Job Applicant", first_response.FIELD):
		pipeline.migrate()  # the field is added after migrate; this patch runs before that
	stay_facts.refresh_all(commit=True)
	first_response.recompute_all(commit=True)
