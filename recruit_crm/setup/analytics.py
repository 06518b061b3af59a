"""Indexes the recruiter home and the decision reports read by (idempotent; run after install
and migrate).

RC Touchpoint (candidate, occurred_at, touchpoint_type, recruiter): "the first personal touch on
this candidate after that time" (first-response times, the hot-not-contacted card, My Work) is
then answered from the index alone, without reading each touchpoint row to see whether it names a
recruiter.
RC Touchpoint (recruiter, occurred_at, touchpoint_type, candidate): touches per recruiter in a
period (Recruiter Activity) read a range of this index instead of the whole table.
The table is dropped with the app, so uninstall needs no step.
"""

import frappe

TOUCHPOINT_INDEX = "rc_candidate_personal_touch"
RECRUITER_INDEX = "rc_recruiter_touches"


def add_indexes() -> None:
	frappe.db.add_index(
		"RC Touchpoint", ["candidate", "occurred_at", "touchpoint_type", "recruiter"], TOUCHPOINT_INDEX
	)
	frappe.db.add_index(
		"RC Touchpoint", ["recruiter", "occurred_at", "touchpoint_type", "candidate"], RECRUITER_INDEX
	)
