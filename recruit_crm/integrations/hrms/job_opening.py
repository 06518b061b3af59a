"""Job Opening events: cached career pages go stale; a closed opening's applicants become past
applicants; the opening's own waiting days re-flag its applications."""

import frappe

from recruit_crm.integrations.hrms._affected import POOL_UPKEEP_FAILED
from recruit_crm.integrations.isolation import isolated
from recruit_crm.services.pipeline import stay_facts
from recruit_crm.services.pools import system
from recruit_crm.services.portal.careers import clear_careers_cache


def on_update(doc, method=None) -> None:
	clear_careers_cache()
	stay_facts.opening_changed(doc)  # the reports' copy of the opening's department
	before = doc.get_doc_before_save()
	if _stage_days(doc) != _stage_days(before):
		frappe.enqueue(
			"recruit_crm.tasks.pipeline.recompute_opening_flags",
			job_opening=doc.name,
			job_id=f"rc-sla-opening-{doc.name}",
			deduplicate=True,
			enqueue_after_commit=True,
		)
	if doc.status == "Closed" and (before is None or before.status != "Closed"):
		isolated(
			lambda: system.update_past_applicants(system.candidates_of_opening(doc.name)),
			doc,
			POOL_UPKEEP_FAILED,
		)


def on_trash(doc, method=None) -> None:
	clear_careers_cache()


def _stage_days(doc) -> list[tuple]:
	if doc is None:
		return []
	return sorted(
		(r.state or "", float(r.ideal_days or 0), float(r.max_days or 0))
		for r in doc.get("rc_stage_slas") or []
	)
