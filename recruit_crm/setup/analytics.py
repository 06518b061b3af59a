"""Indexes the recruiter home and the decision reports read by (idempotent; run after install
and migrate).

RC Touchpoint (candidate, occurred_at, touchpoint_type, job_opening, recruiter), made by the
doctype (`rc_touchpoint.on_doctype_update`): "the first personal touch on this candidate after that
time" (first-response times, the hot-not-contacted card, My Work) is answered from the index alone,
without reading each touchpoint row to see whether it names a recruiter.
RC Touchpoint (recruiter, occurred_at, touchpoint_type, candidate): touches per recruiter in a
period (Recruiter Activity) read a range of this index instead of the whole table.
RC Application Stage (job_applicant, stage_kind, entered_at, state, left_at): one application's
stays, read from the index alone: its states and times in the funnel, whether it reached an
interview, offer or hire (Source of Hire), and its first hire after a date (Nurture Performance,
Talent Pool Health). Without it each stay row is read from the table.
RC Application Stage (stage_kind, job_applicant, entered_at): the hires (Time to Hire and Fill's
first hire per application, the hires-this-quarter card) are a small range of it, already in
application order, instead of a scan of every stay.
RC Application Stage (applied_at, state, left_at, seconds_in_stage, is_first_entry): the
Recruitment Funnel's one pass over the stays of a period's applications (entries and ended stays
per state and hour of duration) is a range of this index, read from the index alone (the stays
carry their application's date, `services.pipeline.stay_facts`).
RC Application Stage (state, seconds_in_stage, applied_at, left_at): the funnel's medians read
the few stays of one state within an hour of duration from it.
Stays are written once per stage change, so these indexes cost little on insert.
The tables are dropped with the app, so uninstall needs no step.
"""

import frappe

RECRUITER_INDEX = "rc_recruiter_touches"
APPLICANT_STAYS_INDEX = "rc_applicant_kind_entered"
HIRES_INDEX = "rc_kind_entered"
FUNNEL_INDEX = "rc_applied_state"
FUNNEL_MEDIAN_INDEX = "rc_state_seconds"


def add_indexes() -> None:
	frappe.db.add_index(
		"RC Touchpoint", ["recruiter", "occurred_at", "touchpoint_type", "candidate"], RECRUITER_INDEX
	)
	frappe.db.add_index(
		"RC Application Stage",
		["job_applicant", "stage_kind", "entered_at", "state", "left_at"],
		APPLICANT_STAYS_INDEX,
	)
	frappe.db.add_index("RC Application Stage", ["stage_kind", "job_applicant", "entered_at"], HIRES_INDEX)
	frappe.db.add_index(
		"RC Application Stage",
		["applied_at", "state", "left_at", "seconds_in_stage", "is_first_entry"],
		FUNNEL_INDEX,
	)
	frappe.db.add_index(
		"RC Application Stage", ["state", "seconds_in_stage", "applied_at", "left_at"], FUNNEL_MEDIAN_INDEX
	)
