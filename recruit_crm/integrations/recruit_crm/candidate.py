"""RC Candidate events: Do Not Contact takes effect at once, smart pools follow the profile, and
a merge keeps one row per person in every feature."""

from recruit_crm.integrations.isolation import isolated
from recruit_crm.services.compliance import consent
from recruit_crm.services.engagement import scoring
from recruit_crm.services.nurture import audience
from recruit_crm.services.pools import membership, smart


def on_update(doc, method=None) -> None:
	before = doc.get_doc_before_save()
	if before is not None and bool(before.do_not_contact) != bool(doc.do_not_contact):
		consent.apply_do_not_contact(doc.name, bool(doc.do_not_contact))
	isolated(lambda: smart.refresh_smart_pools_for([doc.name]), doc, "recruit_crm: talent pool upkeep failed")


def before_merge(source: str, target: str) -> None:
	"""`recruit_crm_before_candidate_merge`: the survivor keeps one row per pool and campaign, and
	its score counts both histories."""
	scoring.rescore_after_merge(source, target)
	audience.repoint_candidate(source, target)
	membership.repoint_candidate(source, target)
