"""The pipeline board of a Job Opening: one column per Workflow state, one card per application
(name, days in the state with its SLA colour, engagement today, next interview), and the moves the
viewer may make from each state. One query for the cards, whatever their number."""

import frappe
from frappe.model.db_query import DatabaseQuery
from frappe.utils import now_datetime, nowdate

from recruit_crm.services.engagement.scoring import score_sql
from recruit_crm.services.pipeline import workflow
from recruit_crm.services.pipeline.workflow import APPLICANT, STATE_FIELD

MAX_CARDS = 5000


def board(job_opening: str, user: str | None = None) -> dict:
	pipeline = workflow.require()
	user = user or frappe.session.user
	match = DatabaseQuery(APPLICANT, user=user).build_match_conditions(as_condition=True)
	styles = dict(frappe.get_all("Workflow State", fields=["name", "style"], as_list=True))
	cards = frappe.db.sql(
		f"""select `tabJob Applicant`.name, `tabJob Applicant`.applicant_name,
			`tabJob Applicant`.{STATE_FIELD} as state, `tabJob Applicant`.rc_sla_status as sla,
			`tabJob Applicant`.rc_recruiter as recruiter, `tabJob Applicant`.rc_candidate as candidate,
			timestampdiff(minute, `tabJob Applicant`.rc_stage_entered_at, %(now)s) / 1440.0 as days,
			{score_sql("c")} as engagement, c.readiness_stage as readiness,
			(select min(timestamp(i.scheduled_on, ifnull(i.from_time, '00:00:00'))) from `tabInterview` i
				where i.job_applicant = `tabJob Applicant`.name and i.status != 'Cancelled' and i.docstatus < 2
					and i.scheduled_on >= %(today)s) as next_interview
		from `tabJob Applicant` left join `tabRC Candidate` c on c.name = `tabJob Applicant`.rc_candidate
		where `tabJob Applicant`.job_title = %(opening)s {f"and ({match})" if match else ""}
		order by `tabJob Applicant`.rc_stage_entered_at asc limit {MAX_CARDS}""",
		{"opening": job_opening, "today": nowdate(), "now": now_datetime()},
		as_dict=True,
	)
	roles = frappe.get_roles(user)
	return {
		"job_opening": job_opening,
		"title": frappe.db.get_value("Job Opening", job_opening, "job_title") or job_opening,
		"states": [
			{
				"name": s.name,
				"label": s.public_label,
				"kind": s.kind.value,
				"closed": s.is_closed,
				"style": styles.get(s.name) or "",
				"ideal_days": s.ideal_days,
				"max_days": s.max_days,
				"moves": [t.next_state for t in pipeline.moves(s.name, roles)],
			}
			for s in pipeline.states
		],
		"cards": [
			{
				"name": c.name,
				"applicant_name": c.applicant_name,
				"state": c.state or pipeline.first.name,
				"sla": c.sla or "",
				"recruiter": c.recruiter,
				"days": round(float(c.days or 0), 1),
				"engagement": round(float(c.engagement or 0), 1),
				"readiness": c.readiness,
				"next_interview": c.next_interview,
			}
			for c in cards
		],
		"truncated": len(cards) >= MAX_CARDS,
	}
