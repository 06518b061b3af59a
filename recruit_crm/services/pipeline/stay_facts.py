"""What the reports read on each stay, copied from its application so that they read the stage
history alone: when the application was created, its opening, the opening's department, its
source and its recruiter; and of the stay itself, how long it lasted once it ended
(`seconds_in_stage`, 0 while it runs) and whether it is the application's first in its state
(`is_first_entry`: an application counts once per state however often it re-entered it).

Every writer of stays calls `refresh_stays` for the applications it wrote (set-based, one
statement per chunk); a change of an application's opening, source or recruiter, or of an
opening's department, refreshes the stays it touches. `refresh_all` backfills a site.
"""

import frappe

from recruit_crm.services._sql import LISTED_KEYS, name_ranges
from recruit_crm.services.pipeline.workflow import APPLICANT, STAGE

CHUNK = 5000
OPENING = "Job Opening"
# The application fields copied onto its stays: a change of one of them refreshes the stays.
APPLICATION_FIELDS = ("job_title", "source", "rc_recruiter", "creation")
# The stay columns `_refresh` sets besides `job_opening` (a writer that knows them can insert them).
FACT_COLUMNS = (
	"applied_at",
	"department",
	"applicant_source",
	"recruiter",
	"seconds_in_stage",
	"is_first_entry",
)


def _refresh(applicants_sql: str, params: dict) -> None:
	"""Every stay of the applications that `applicants_sql` selects: a condition on `{a}.job_applicant`,
	written once for the stays updated and once for the stays numbered, so that both read the
	listed applications' stays through the index that starts with `job_applicant`."""
	frappe.db.sql(
		f"""{LISTED_KEYS}update `tab{STAGE}` s join `tab{APPLICANT}` ja on ja.name = s.job_applicant
			left join `tab{OPENING}` jo on jo.name = ja.job_title
			join (
				select f.name, row_number() over (
					partition by f.job_applicant, f.state order by f.entered_at, f.name) as entry
				from `tab{STAGE}` f
				where {applicants_sql.format(a="f")}
			) n on n.name = s.name
		set s.applied_at = ja.creation, s.job_opening = ja.job_title, s.department = jo.department,
			s.applicant_source = ja.source, s.recruiter = ja.rc_recruiter,
			s.seconds_in_stage = coalesce(timestampdiff(second, s.entered_at, s.left_at), 0),
			s.is_first_entry = n.entry = 1
		where {applicants_sql.format(a="s")}""",
		params,
	)


def refresh_stays(applicants: list[str]) -> None:
	"""Copy the applications' facts onto all their stays, with each stay's own figures."""
	names = sorted({a for a in applicants if a})
	for start in range(0, len(names), CHUNK):
		_refresh("{a}.job_applicant in %(names)s", {"names": names[start : start + CHUNK]})


def application_changed(doc) -> None:
	"""After an application is saved: refresh its stays when a copied field changed."""
	before = doc.get_doc_before_save()
	if before is None or any(before.get(f) != doc.get(f) for f in APPLICATION_FIELDS):
		refresh_stays([doc.name])


def application_deleted(name: str) -> None:
	"""A deleted application's stays (kept as history) leave the reports' cohorts."""
	frappe.db.sql(f"update `tab{STAGE}` set applied_at = null where job_applicant = %s", name)


def opening_changed(doc) -> None:
	"""After an opening is saved: its applications' stays follow a new department."""
	before = doc.get_doc_before_save()
	if before is not None and before.get("department") != doc.get("department"):
		frappe.db.sql(
			f"""update `tab{STAGE}` s join `tab{APPLICANT}` ja on ja.name = s.job_applicant
			set s.department = %(department)s
			where ja.job_title = %(opening)s""",
			{"department": doc.get("department"), "opening": doc.name},
		)


def refresh_all(chunk: int = 20_000, commit: bool = False) -> int:
	"""Every stay on the site, in chunks of applications taken in name order. Returns the
	applications walked."""
	walked = 0
	for first, last, count in name_ranges(APPLICANT, chunk, commit):
		_refresh("{a}.job_applicant between %(first)s and %(last)s", {"first": first, "last": last})
		walked += count
	return walked
