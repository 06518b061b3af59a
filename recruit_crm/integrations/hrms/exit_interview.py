"""Exit Interview events: a confirmed exit makes the employee alumni (if eligible for rehire)."""

from recruit_crm.integrations.hrms._affected import POOL_UPKEEP_FAILED
from recruit_crm.integrations.isolation import isolated
from recruit_crm.services.pools import system


def on_change(doc, method=None) -> None:
	if doc.get("employee"):
		isolated(lambda: system.update_alumni([doc.employee]), doc, POOL_UPKEEP_FAILED)
