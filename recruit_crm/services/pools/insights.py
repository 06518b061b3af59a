"""What a pool looks like: growth, stage mix, engagement, top skills, and its members as CSV."""

import csv
import io

import frappe

from recruit_crm.services.engagement.scoring import score_sql
from recruit_crm.services.pools.membership import CANDIDATE, CHANGE, CHUNK, MEMBER


def pool_insights(pool: str, weeks: int = 26) -> dict:
	"""Size, growth per week, stage mix, average engagement and top skills of a pool's members."""
	size = frappe.db.sql(
		f"select count(*) from `tab{MEMBER}` where talent_pool = %s and removed_at is null", pool
	)[0][0]
	since = frappe.utils.add_days(frappe.utils.nowdate(), -7 * weeks)
	flows = frappe.db.sql(
		f"""select yearweek(changed_at, 3) as week, min(date(changed_at)) as week_start,
			sum(`change` = 'Joined') as joined, sum(`change` = 'Left') as left_count
		from `tab{CHANGE}` where talent_pool = %s and changed_at >= %s
		group by yearweek(changed_at, 3) order by week""",
		(pool, since),
		as_dict=True,
	)
	net_since = sum(int(f.joined) - int(f.left_count) for f in flows)
	running = size - net_since
	growth = []
	for f in flows:
		running += int(f.joined) - int(f.left_count)
		growth.append(
			{
				"week_start": str(f.week_start),
				"joined": int(f.joined),
				"left": int(f.left_count),
				"size": running,
			}
		)
	stages = frappe.db.sql(
		f"""select coalesce(nullif(c.crm_stage, ''), 'Unknown') as stage, count(*) as count
		from `tab{MEMBER}` m join `tab{CANDIDATE}` c on c.name = m.candidate
		where m.talent_pool = %s and m.removed_at is null group by 1 order by 2 desc""",
		pool,
		as_dict=True,
	)
	engagement = frappe.db.sql(
		f"""select avg({score_sql("c")}) as average,
			sum(c.readiness_stage in ('Hot', 'Ready')) as hot_or_ready
		from `tab{MEMBER}` m join `tab{CANDIDATE}` c on c.name = m.candidate
		where m.talent_pool = %s and m.removed_at is null""",
		pool,
		as_dict=True,
	)[0]
	skills = frappe.db.sql(
		f"""select s.skill, count(*) as count
		from `tab{MEMBER}` m join `tabRC Candidate Skill` s
			on s.parent = m.candidate and s.parenttype = 'RC Candidate'
		where m.talent_pool = %s and m.removed_at is null
		group by s.skill order by count desc, s.skill limit 10""",
		pool,
		as_dict=True,
	)
	return {
		"size": size,
		"growth": growth,
		"stage_mix": [{"stage": r.stage, "count": int(r.count)} for r in stages],
		"average_engagement": round(float(engagement.average or 0), 2),
		"hot_or_ready": int(engagement.hot_or_ready or 0),
		"top_skills": [{"skill": r.skill, "count": int(r.count)} for r in skills],
	}


EXPORT_COLUMNS = (
	"candidate", "full_name", "email", "phone", "current_title", "current_employer", "location", "country",
	"crm_stage", "engagement_score", "readiness_stage", "total_experience_years", "skills",
	"do_not_contact", "has_marketing_consent", "added_at", "added_by", "reason",
)  # fmt: skip


def export_members_csv(pool: str) -> str:
	"""The pool's active members as CSV (UTF-8), one row per person, skills joined by ';'."""
	out = io.StringIO()
	writer = csv.writer(out)
	writer.writerow(EXPORT_COLUMNS)
	last = ""
	while True:
		rows = frappe.db.sql(
			f"""select m.candidate, c.full_name, c.email, c.phone, c.current_title, c.current_employer,
				c.location, c.country, c.crm_stage, round({score_sql("c")}, 2), c.readiness_stage,
				c.total_experience_years,
				(select group_concat(s.skill order by s.idx separator '; ') from `tabRC Candidate Skill` s
					where s.parent = c.name and s.parenttype = 'RC Candidate') as skills,
				c.do_not_contact, c.has_marketing_consent, m.added_at, m.added_by, m.reason
			from `tab{MEMBER}` m join `tab{CANDIDATE}` c on c.name = m.candidate
			where m.talent_pool = %s and m.removed_at is null and m.candidate > %s
			order by m.candidate limit {CHUNK}""",
			(pool, last),
		)
		if not rows:
			break
		for row in rows:
			writer.writerow([_csv_safe(v) for v in row])
		last = rows[-1][0]
	return out.getvalue()


def _csv_safe(value):
	# Spreadsheet formula injection: a cell starting with = + - @ would run as a formula.
	if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
		if value[:1] in ("+", "-") and all(ch.isdigit() or ch in " -()." for ch in value[1:]):
			return value  # a phone number or a negative number, not a formula
		return "'" + value
	return "" if value is None else value
