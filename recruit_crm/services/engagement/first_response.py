"""When each application first heard from us: the time of the first personal touch on its
candidate at or after the application was created (`rc_first_response_at` on Job Applicant), the
figure behind Recruiter Activity's first-response times.

A personal touch is a touchpoint that names a recruiter and is not an internal note. Touchpoints
are only ever added, so a recorded batch can only bring the time earlier: `touches_recorded`
folds a batch in with one statement per chunk. Whatever moves touchpoints or applications between
candidates (linking, merging, anonymising) recomputes the applications concerned from the
touchpoints (`recompute`, `recompute_for_candidates`); `recompute_all` backfills a site.
"""

from collections.abc import Sequence

import frappe

from recruit_crm.domain.types import TouchpointType
from recruit_crm.services._sql import name_ranges

APPLICANT = "Job Applicant"
TOUCHPOINT = "RC Touchpoint"
FIELD = "rc_first_response_at"
CHUNK = 5000
NOTE = TouchpointType.NOTE.value
PERSONAL_SQL = "t.recruiter is not null and t.recruiter != '' and t.touchpoint_type != %(note)s"

_FIRST_TOUCH = f"""(select min(t.occurred_at) from `tab{TOUCHPOINT}` t
	where t.candidate = ja.rc_candidate and t.occurred_at >= ja.creation and {PERSONAL_SQL})"""


def is_personal(touchpoint_type: str | None, recruiter: str | None) -> bool:
	"""A touch someone on our side made: it names a recruiter and is not a note."""
	return bool(recruiter) and touchpoint_type != NOTE


def touches_recorded(touchpoints: Sequence[tuple[str, str, str | None]], table: str = TOUCHPOINT) -> None:
	"""Fold newly recorded touchpoints, given as (name, touchpoint_type, recruiter), into their
	candidates' applications: one statement per chunk of personal ones. Rows that were not
	written (a capture recorded before) are not in `table` and change nothing."""
	names = [name for name, kind, recruiter in touchpoints if is_personal(kind, recruiter)]
	for start in range(0, len(names), CHUNK):
		# Grouped per application first: a multi-table UPDATE sets each row once, from whichever
		# matching touchpoint comes first, so the earliest must be chosen before the join.
		frappe.db.sql(
			f"""update `tab{APPLICANT}` ja join (
				select a.name, min(t.occurred_at) as first_at
				from `tab{table}` t join `tab{APPLICANT}` a on a.rc_candidate = t.candidate
					and t.occurred_at >= a.creation
				where t.name in %(names)s and {PERSONAL_SQL}
				group by a.name
			) x on x.name = ja.name
			set ja.{FIELD} = least(coalesce(ja.{FIELD}, x.first_at), x.first_at)""",
			{"names": names[start : start + CHUNK], "note": NOTE},
		)


def recompute(applicants: list[str]) -> None:
	"""The applications' first response, from all their candidates' touchpoints."""
	_recompute("ja.name", applicants)


def recompute_for_candidates(candidates: list[str]) -> None:
	"""Every application of these candidates (their touchpoints or applications moved)."""
	_recompute("ja.rc_candidate", candidates)


def _recompute(column: str, keys: list[str]) -> None:
	"""Recompute the first response of the applications whose `column` is one of `keys`."""
	values = sorted({k for k in keys if k})
	for start in range(0, len(values), CHUNK):
		frappe.db.sql(
			f"update `tab{APPLICANT}` ja set ja.{FIELD} = {_FIRST_TOUCH} where {column} in %(keys)s",
			{"keys": values[start : start + CHUNK], "note": NOTE},
		)


def application_changed(doc) -> None:
	"""After an application is saved: a new one, or one now of another candidate, is recomputed."""
	before = doc.get_doc_before_save()
	if before is None or before.get("rc_candidate") != doc.get("rc_candidate"):
		recompute([doc.name])


def recompute_all(chunk: int = 20_000, commit: bool = False) -> int:
	"""Every application on the site, in chunks taken in name order. Returns the applications."""
	walked = 0
	for first, last, count in name_ranges(APPLICANT, chunk, commit):
		frappe.db.sql(
			f"""update `tab{APPLICANT}` ja set ja.{FIELD} = {_FIRST_TOUCH}
			where ja.name >= %(first)s and ja.name <= %(last)s""",
			{"first": first, "last": last, "note": NOTE},
		)
		walked += count
	return walked
