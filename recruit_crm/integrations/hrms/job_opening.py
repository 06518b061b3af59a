"""Job Opening events: cached career pages go stale; a closed opening's applicants become past
applicants."""

from recruit_crm.integrations.hrms._affected import POOL_UPKEEP_FAILED
from recruit_crm.integrations.isolation import isolated
from recruit_crm.services.pools import system
from recruit_crm.services.portal.careers import clear_careers_cache


def on_update(doc, method=None) -> None:
	clear_careers_cache()
	before = doc.get_doc_before_save()
	if doc.status == "Closed" and (before is None or before.status != "Closed"):
		isolated(
			lambda: system.update_past_applicants(system.candidates_of_opening(doc.name)),
			doc,
			POOL_UPKEEP_FAILED,
		)


def on_trash(doc, method=None) -> None:
	clear_careers_cache()
