"""RC Settings events: cached career pages go stale; scoring changes rebuild every score."""

from recruit_crm.services.engagement import scoring
from recruit_crm.services.portal.careers import clear_careers_cache


def on_update(doc, method=None) -> None:
	clear_careers_cache()
	scoring.on_settings_update(doc)
