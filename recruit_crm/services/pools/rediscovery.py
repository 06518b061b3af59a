"""Find candidates for a Job Opening among pool members and past applicants, ranked and explained.

Two steps, so 100k candidates rank in well under two seconds:
1. a set-based shortlist: index-only reads of the rows that can matter (the designation's
   required skills from HRMS Designation Skill, weighted by proficiency, and the
   designation's past applicants), then primary-key checks of the best for scope and
   engagement; nobody else is ever read;
2. the shortlist's facts are loaded with a fixed number of queries and ranked by
   `recruit_crm.domain.rediscovery`, which adds experience and location and explains each score.
"""

import heapq
from urllib.parse import quote

import frappe
from frappe import _
from frappe.utils import flt, nowdate

from recruit_crm.domain.consent import MARKETING_ALLOWED_SQL
from recruit_crm.domain.rediscovery import (
	PROFICIENCY_CREDIT,
	UNKNOWN_PROFICIENCY_CREDIT,
	CandidateFacts,
	OpeningProfile,
	SkillFact,
	rank,
	shortlist_weights,
)
from recruit_crm.services.engagement import touchpoints
from recruit_crm.services.engagement.scoring import score_sql
from recruit_crm.services.nurture import audience

CAMPAIGN = "RC Nurture Campaign"
SQL_SHORTLIST = 1000  # best by skills and designation, in scope
SHORTLIST = 500  # best of those after engagement, loaded and ranked
SCOPE_BATCH = 1500
# Who rediscovery considers: pool members and past applicants, never anonymised people.
IN_SCOPE_SQL = """c.is_anonymized = 0 and (c.application_count > 0 or exists (select 1
	from `tabRC Talent Pool Member` m where m.candidate = c.name and m.removed_at is null))"""
MAX_RESULTS = 200
# Who may be emailed: consent, or legitimate interest without an objection (params: %(today)s).
SENDABLE_SQL = (
	"c.do_not_contact = 0 and c.is_unsubscribed = 0 and c.has_bounced = 0 "
	f"and {MARKETING_ALLOWED_SQL} and c.is_anonymized = 0"
)


def opening_profile(
	job_opening: str, min_experience_years: float | None = None, max_experience_years: float | None = None
) -> OpeningProfile:
	"""What the opening asks for: designation, its required skills, experience range, location."""
	meta = frappe.get_meta("Job Opening")
	fields = ["name", "job_title", "designation", "location", "company"]
	for extra in ("rc_min_experience_years", "rc_max_experience_years"):
		if meta.has_field(extra):
			fields.append(extra)
	opening = frappe.db.get_value("Job Opening", job_opening, fields, as_dict=True)
	if not opening:
		frappe.throw(_("Job Opening {0} does not exist.").format(job_opening), frappe.DoesNotExistError)
	skills = ()
	if opening.designation:
		skills = tuple(
			frappe.get_all(
				"Designation Skill",
				filters={"parent": opening.designation, "parenttype": "Designation"},
				pluck="skill",
				order_by="idx asc",
			)
		)
	low = min_experience_years if min_experience_years is not None else opening.get("rc_min_experience_years")
	high = (
		max_experience_years if max_experience_years is not None else opening.get("rc_max_experience_years")
	)
	return OpeningProfile(
		name=opening.name,
		designation=opening.designation,
		required_skills=tuple(s for s in skills if s),
		min_experience_years=flt(low) if low else None,
		max_experience_years=flt(high) if high else None,
		location=opening.location,
		country=frappe.db.get_value("Company", opening.company, "country") if opening.company else None,
	)


def find_candidates(
	job_opening: str,
	limit: int = 50,
	*,
	min_experience_years: float | None = None,
	max_experience_years: float | None = None,
	include_applied: bool = False,
) -> dict:
	"""Rank pool members and past applicants for an opening; each result explains its score."""
	limit = max(1, min(int(limit or 50), MAX_RESULTS))
	opening = opening_profile(job_opening, min_experience_years, max_experience_years)
	scale = flt(frappe.db.get_single_value("RC Settings", "hot_threshold")) or 20.0
	names = _shortlist(opening, scale)
	facts = _load_facts(names, opening)
	if not include_applied:
		# People already in this opening's pipeline are not "found"; dropped here, where their
		# applications are loaded anyway, rather than by a separate scan of the opening.
		facts = [f for f in facts if not f.has_applied_to_opening]
	ranked = rank(opening, facts, limit=limit, engagement_scale=scale)
	extra = _display_fields([r.candidate for r in ranked])
	results = []
	for r in ranked:
		row = r.as_dict()
		row.update(extra.get(r.candidate, {}))
		results.append(row)
	return {
		"job_opening": opening.name,
		"designation": opening.designation,
		"required_skills": list(opening.required_skills),
		"min_experience_years": opening.min_experience_years,
		"max_experience_years": opening.max_experience_years,
		"location": opening.location,
		"considered": len(names),
		"results": results,
	}


def _shortlist(opening: OpeningProfile, scale: float) -> list[str]:
	"""Up to SHORTLIST people worth ranking, best first by what SQL sees cheaply.

	1. Index-only reads of the required-skill rows and of the designation's applicants give
	   each matching person a credit (grouping 100k skill rows by the unicode-collated name in
	   SQL sorts several times slower than summing them here);
	2. the best of them, in batches, are checked by primary key for scope (pool members and
	   past applicants, not anonymised) and read for engagement, until SQL_SHORTLIST are in;
	3. engagement reorders those and the best SHORTLIST go on to the full ranking.
	"""
	per_skill, w_designation, w_engagement = shortlist_weights(len(opening.required_skills))
	credit: dict[str, float] = {}
	if opening.required_skills:
		for parent, proficiency in frappe.db.sql(
			"""select s.parent, s.proficiency from `tabRC Candidate Skill` s
			where s.parenttype = 'RC Candidate' and s.skill in %(skills)s""",
			{"skills": list(opening.required_skills)},
		):
			credit[parent] = credit.get(parent, 0.0) + per_skill * PROFICIENCY_CREDIT.get(
				proficiency or "", UNKNOWN_PROFICIENCY_CREDIT
			)
	if opening.designation:
		for candidate in frappe.db.sql(
			"""select distinct rc_candidate from `tabJob Applicant`
			where designation = %s and rc_candidate is not null""",
			opening.designation,
			pluck=True,
		):
			credit[candidate] = credit.get(candidate, 0.0) + w_designation
	if not credit:
		return _most_engaged_in_scope()
	ordered = sorted(credit.items(), key=lambda kv: (-kv[1], kv[0]))
	kept: list[tuple[float, str]] = []
	for start in range(0, len(ordered), SCOPE_BATCH):
		batch = ordered[start : start + SCOPE_BATCH]
		names = [name for name, _ in batch]
		# Two plain index lookups; written as one query with EXISTS, MariaDB materialises every
		# active membership of every pool first.
		people = frappe.db.sql(
			f"""select c.name, {score_sql("c")}, c.application_count > 0 from `tabRC Candidate` c
			where c.name in %(names)s and c.is_anonymized = 0""",
			{"names": names},
		)
		members = set(
			frappe.db.sql(
				"""select candidate from `tabRC Talent Pool Member`
				where candidate in %(names)s and removed_at is null""",
				{"names": names},
				pluck=True,
			)
		)
		engagement = {name: score for name, score, applied in people if applied or name in members}
		for name, base in batch:
			if name in engagement:
				kept.append((base + min(max(flt(engagement[name]), 0.0) / scale, 1.0) * w_engagement, name))
		if len(kept) >= SQL_SHORTLIST:
			break
	return [name for _score, name in heapq.nlargest(SHORTLIST, kept, key=lambda t: (t[0], t[1]))]


def _most_engaged_in_scope() -> list[str]:
	"""With nothing to match on (no designation, no skills), the most engaged people in scope."""
	return frappe.db.sql(
		f"""select c.name from `tabRC Candidate` c where {IN_SCOPE_SQL}
		order by {score_sql("c")} desc, c.name limit %(limit)s""",
		{"limit": SHORTLIST},
		pluck=True,
	)


def _load_facts(names: list[str], opening: OpeningProfile) -> list[CandidateFacts]:
	if not names:
		return []
	# Anonymised people are dropped here rather than in the shortlist: no index finds them cheaply,
	# and erasure leaves them without skills or applications, so they rarely reach a shortlist.
	rows = frappe.db.sql(
		f"""select c.name, c.full_name, c.current_title, c.total_experience_years, c.location, c.country,
			{score_sql("c")} as engagement_score
		from `tabRC Candidate` c where c.name in %(names)s and c.is_anonymized = 0""",
		{"names": names},
		as_dict=True,
	)
	skills: dict[str, list[SkillFact]] = {}
	for s in frappe.db.sql(
		"""select parent, skill, proficiency, years from `tabRC Candidate Skill`
		where parenttype = 'RC Candidate' and parent in %(names)s order by idx""",
		{"names": names},
		as_dict=True,
	):
		skills.setdefault(s.parent, []).append(SkillFact(s.skill, s.proficiency, flt(s.years)))
	applied: dict[str, set] = {}
	applied_here: set[str] = set()
	for a in frappe.db.sql(
		"""select rc_candidate, designation, job_title from `tabJob Applicant`
		where rc_candidate in %(names)s""",
		{"names": names},
		as_dict=True,
	):
		if a.designation:
			applied.setdefault(a.rc_candidate, set()).add(a.designation)
		if a.job_title == opening.name:
			applied_here.add(a.rc_candidate)
	interviewed: dict[str, set] = {}
	for a in frappe.db.sql(
		"""select ja.rc_candidate, coalesce(iv.designation, ja.designation) as designation
		from `tabInterview` iv join `tabJob Applicant` ja on ja.name = iv.job_applicant
		where ja.rc_candidate in %(names)s and iv.docstatus < 2""",
		{"names": names},
		as_dict=True,
	):
		if a.designation:
			interviewed.setdefault(a.rc_candidate, set()).add(a.designation)
	memberships = frappe.db.sql(
		"""select candidate, talent_pool from `tabRC Talent Pool Member`
		where candidate in %(names)s and removed_at is null""",
		{"names": names},
	)
	pool_names = dict(
		frappe.db.sql(
			"select name, pool_name from `tabRC Talent Pool` where name in %(pools)s",
			{"pools": list({pool for _, pool in memberships}) or [""]},
		)
	)
	pools: dict[str, list[str]] = {}
	for candidate, pool in memberships:
		pools.setdefault(candidate, []).append(pool_names.get(pool, pool))
	for names_in_pools in pools.values():
		names_in_pools.sort()
	return [
		CandidateFacts(
			name=r.name,
			full_name=r.full_name or "",
			current_title=r.current_title,
			skills=tuple(skills.get(r.name, ())),
			total_experience_years=flt(r.total_experience_years) or None,
			location=r.location,
			country=r.country,
			engagement_score=flt(r.engagement_score),
			designations_applied=frozenset(applied.get(r.name, ())),
			designations_interviewed=frozenset(interviewed.get(r.name, ())),
			pools=tuple(pools.get(r.name, ())),
			has_applied_to_opening=r.name in applied_here,
		)
		for r in rows
	]


def _display_fields(names: list[str]) -> dict[str, dict]:
	if not names:
		return {}
	rows = frappe.db.sql(
		f"""select c.name, c.current_title, c.crm_stage, c.location, c.country, c.total_experience_years,
			{score_sql("c")} as engagement_score, c.readiness_stage, c.do_not_contact,
			({SENDABLE_SQL}) as can_email
		from `tabRC Candidate` c where c.name in %(names)s""",
		{"names": names, "today": nowdate()},
		as_dict=True,
	)
	return {
		r.name: {
			"current_title": r.current_title,
			"crm_stage": r.crm_stage,
			"location": r.location,
			"country": r.country,
			"total_experience_years": flt(r.total_experience_years),
			"engagement_score": flt(r.engagement_score),
			"readiness_stage": r.readiness_stage,
			"do_not_contact": bool(r.do_not_contact),
			"can_email": bool(r.can_email),
		}
		for r in rows
	}


# --- actions from the results --------------------------------------------------------------


def apply_link(job_opening: str) -> str:
	"""The public URL where a person applies to this opening (HRMS's job application web form)."""
	route = frappe.db.get_value("Job Opening", job_opening, "job_application_route") or "job_application"
	return frappe.utils.get_url(f"/{route.strip('/')}/new?job_title={quote(job_opening)}")


def invite_to_apply(job_opening: str, candidates: list[str]) -> dict:
	"""Email each person an invitation with the opening's apply link.

	Only people we may email (consent given, not unsubscribed, bounced, anonymised or marked do
	not contact) are invited; the rest come back in `skipped` with the reason.
	"""
	opening = frappe.db.get_value(
		"Job Opening", job_opening, ["name", "job_title", "status", "company"], as_dict=True
	)
	if not opening:
		frappe.throw(_("Job Opening {0} does not exist.").format(job_opening), frappe.DoesNotExistError)
	if opening.status != "Open":
		frappe.throw(_("{0} is closed; reopen it before inviting people to apply.").format(opening.job_title))
	names = sorted({c for c in candidates or [] if c})
	rows = frappe.db.sql(
		f"""select c.name, c.full_name, c.email, ({SENDABLE_SQL}) as sendable, c.do_not_contact,
			c.has_marketing_consent, c.is_unsubscribed, c.has_bounced, c.is_anonymized,
			exists(select 1 from `tabJob Applicant` ja where ja.rc_candidate = c.name and ja.job_title = %(opening)s)
				as has_applied
		from `tabRC Candidate` c where c.name in %(names)s""",
		{"names": names or [""], "opening": job_opening, "today": nowdate()},
		as_dict=True,
	)
	link = apply_link(job_opening)
	invited, skipped = [], []
	found = {r.name for r in rows}
	skipped += [{"candidate": n, "reason": _("Not found")} for n in names if n not in found]
	contacted = []
	for r in rows:
		reason = _skip_reason(r)
		if reason:
			skipped.append({"candidate": r.name, "reason": reason})
			continue
		frappe.sendmail(
			recipients=[r.email],
			subject=_("{0}: an opening you may like").format(opening.job_title),
			message=_invitation_html(r.full_name, opening, link),
			reference_doctype="Job Opening",
			reference_name=job_opening,
			delayed=True,
		)
		invited.append(r.name)
		contacted.append(
			{
				"candidate": r.name,
				"touchpoint_type": "Email Sent",
				"channel": "Email",
				"direction": "Outbound",
				"job_opening": job_opening,
				"reference_doctype": "Job Opening",
				"reference_name": job_opening,
				"details": "Invited to apply (Find Candidates)",
			}
		)
	_record_touchpoints(contacted)
	return {"invited": invited, "skipped": skipped, "apply_link": link}


def _skip_reason(row) -> str | None:
	if row.has_applied:
		return _("Already applied to this opening")
	if row.sendable:
		return None
	if row.is_anonymized:
		return _("Anonymised")
	if row.do_not_contact:
		return _("Do not contact")
	if row.is_unsubscribed:
		return _("Unsubscribed")
	if row.has_bounced:
		return _("Email bounced")
	return _("No marketing consent")


def _invitation_html(full_name: str, opening, link: str) -> str:
	esc = frappe.utils.escape_html
	company = esc(opening.company or "")
	return (
		f"<p>{esc(_('Hello {0},').format(full_name or ''))}</p>"
		f"<p>{esc(_('We have a new opening at {0} that matches your background: {1}.').format(company, opening.job_title))}</p>"
		f'<p><a href="{esc(link)}">{esc(_("Read about it and apply"))}</a></p>'
		f"<p>{esc(_('If the timing is not right, no action is needed.'))}</p>"
	)


def _record_touchpoints(rows: list[dict]) -> None:
	if rows:
		touchpoints.record_many(rows)


def campaign_enrolment_available() -> bool:
	"""Whether there is a campaign people can be enrolled in (not completed)."""
	return bool(frappe.db.exists(CAMPAIGN, {"status": ("!=", "Completed")}))


def enroll_in_campaign(candidates: list[str], campaign: str, job_opening: str | None = None) -> dict:
	"""Enrol the chosen people in a nurture campaign; people who may not be emailed are skipped.

	Returns {"enrolled", "skipped"}.
	"""
	if not frappe.db.exists(CAMPAIGN, campaign):
		frappe.throw(_("Campaign {0} does not exist.").format(campaign), frappe.DoesNotExistError)
	return audience.enroll(campaign, list(candidates), enrolled_by=frappe.session.user)
