"""Source of hire and quality: per source (or UTM campaign, or referrer), how many applied, reached
an interview, got an offer and were hired, and what share of offers turned into hires.

The cohort is the applications created in the period. "Reached" means the application's stage
history has an entry of that kind (an offer accepted straight after screening still counts as an
offer), so one application counts at most once per column.
"""

from __future__ import annotations

import frappe

from recruit_crm.domain import analytics
from recruit_crm.services.analytics._filters import APPLICANT, STAGE, applicant_filters

# What to group by: the column of Job Applicant (alias ja) behind each choice.
GROUPS = {
	"Source": "ja.source",
	"UTM Campaign": "ja.rc_utm_campaign",
	"UTM Source": "ja.rc_utm_source",
	"Referrer": "ja.source_name",
}
NOT_SET = "(not set)"


def by_source(filters: dict) -> list[dict]:
	"""One row per group value, most applications first."""
	group = GROUPS.get(filters.get("group_by") or "Source", GROUPS["Source"])
	f = applicant_filters(filters)
	# One row per application first (did it ever reach an interview, an offer, a hire?), then the
	# groups: cheaper than counting distinct applications per column over the joined stays.
	rows = frappe.db.sql(
		f"""select y.grp, count(*) as applications, sum(y.iv) as interviews, sum(y.ofr) as offers,
			sum(y.hi) as hires
		from (
			select coalesce(nullif({group}, ''), %(not_set)s) as grp, ja.name,
				coalesce(max(s.stage_kind = 'Interview'), 0) as iv,
				coalesce(max(s.stage_kind = 'Offer'), 0) as ofr,
				coalesce(max(s.stage_kind = 'Hired'), 0) as hi
			from `tab{APPLICANT}` ja left join `tabJob Opening` jo on jo.name = ja.job_title
				left join `tab{STAGE}` s on s.job_applicant = ja.name
					and s.stage_kind in ('Interview', 'Offer', 'Hired')
			where {f.where}
			group by ja.name
		) y
		group by y.grp order by applications desc, y.grp""",
		{**f.params, "not_set": NOT_SET},
		as_dict=True,
	)
	for r in rows:
		r.interviews, r.offers, r.hires = int(r.interviews or 0), int(r.offers or 0), int(r.hires or 0)
		r.interview_rate = analytics.rate(r.interviews, r.applications)
		r.hire_rate = analytics.rate(r.hires, r.applications)
		r.offer_acceptance = analytics.rate(r.hires, r.offers)
	return rows
