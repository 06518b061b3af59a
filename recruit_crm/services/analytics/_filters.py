"""The filters every decision report shares, turned into SQL with bound parameters only.

Reports filter applications (alias `ja`, Job Applicant) by the application date, the opening,
the opening's department (alias `jo`, Job Opening, always joined), the source, the recruiter and
the hiring drive (its openings). A report that reads only the stage history filters its stays
(alias `s`) by the same facts, which each stay carries as a copy of its application's.
Values never reach the SQL text: each becomes a `%(name)s` parameter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import frappe
from frappe import _
from frappe.utils import getdate, today

from recruit_crm.domain import analytics
from recruit_crm.domain.roles import HR_ROLES, holds_any

APPLICANT = "Job Applicant"
STAGE = "RC Application Stage"
REPORT_ROLES = HR_ROLES


@dataclass
class Period:
	"""Half-open [start, end) over dates; `end` is the day after the chosen To."""

	start: date
	end: date


@dataclass
class ApplicantFilters:
	period: Period
	params: dict = field(default_factory=dict)
	conditions: list[str] = field(default_factory=list)

	@property
	def where(self) -> str:
		return " and ".join(self.conditions) if self.conditions else "1=1"


def require_hr() -> None:
	"""Reports show HR data: HR and recruiter roles only, whatever the report's roles say."""
	if frappe.session.user != "Administrator" and not holds_any(frappe.get_roles(), REPORT_ROLES):
		frappe.throw(_("Only HR users may see recruitment analytics."), frappe.PermissionError)


def period_of(filters: dict, default_days: int = 90) -> Period:
	try:
		start, end = analytics.period_bounds(
			getdate(filters.get("from_date")) if filters.get("from_date") else None,
			getdate(filters.get("to_date")) if filters.get("to_date") else None,
			getdate(today()),
			default_days,
		)
	except ValueError:
		frappe.throw(_("From must not be after To."))
	return Period(start, end)


def applicant_filters(
	filters: dict, date_column: str = "ja.creation", default_days: int = 90
) -> ApplicantFilters:
	"""Conditions on applications (alias `ja`, opening alias `jo`) from a report's filters."""
	period = period_of(filters, default_days)
	date_condition = f"{date_column} >= %(from)s and {date_column} < %(to)s" if date_column else None
	return _filtered(filters, period, date_condition, APPLICATION_COLUMNS, "ja.job_title")


def stay_filters(filters: dict, default_days: int = 90) -> ApplicantFilters:
	"""The same conditions on stays (alias `s`, RC Application Stage) through the application
	facts each stay carries: the stays of the applications `applicant_filters` selects."""
	period = period_of(filters, default_days)
	date_condition = "s.applied_at >= %(from)s and s.applied_at < %(to)s"
	return _filtered(filters, period, date_condition, STAY_COLUMNS, "s.job_opening")


# filter key -> the column it compares, on applications (`ja`, `jo`) and on stays (`s`)
APPLICATION_COLUMNS = {
	"job_opening": "ja.job_title",
	"department": "jo.department",
	"source": "ja.source",
	"recruiter": "ja.rc_recruiter",
}
STAY_COLUMNS = {
	"job_opening": "s.job_opening",
	"department": "s.department",
	"source": "s.applicant_source",
	"recruiter": "s.recruiter",
}


def _filtered(
	filters: dict, period, date_condition: str | None, columns: dict[str, str], opening_column: str
) -> ApplicantFilters:
	out = ApplicantFilters(period=period, params={"from": period.start, "to": period.end})
	if date_condition:
		out.conditions.append(date_condition)
	for key, column in columns.items():
		if filters.get(key):
			out.conditions.append(f"{column} = %({key})s")
			out.params[key] = filters[key]
	_add_drive(out, filters, opening_column)
	return out


def _add_drive(out: ApplicantFilters, filters: dict, opening_column: str) -> None:
	if filters.get("drive"):
		# A hiring drive's applications: those to the openings the drive recruits for.
		out.conditions.append(
			f"""{opening_column} in (select d.job_opening from `tabRC Hiring Drive Opening` d
			where d.parent = %(drive)s and d.parenttype = 'RC Hiring Drive')"""
		)
		out.params["drive"] = filters["drive"]
