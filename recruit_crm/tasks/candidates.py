"""Background work for candidates and the career site's intake."""

from recruit_crm.services.candidates.backfill import link_unlinked_applicants
from recruit_crm.services.portal.applications import process_pending
from recruit_crm.services.portal.community import expire_stale_signups


def link_unlinked_job_applicants() -> None:
	"""Hourly safety net: link applicants whose live linking failed (errors are in the Error Log)."""
	link_unlinked_applicants()


def process_pending_applications() -> None:
	"""Every 5 minutes: applications whose after-response processing never ran or failed."""
	process_pending()


def expire_community_signups() -> None:
	"""Daily: delete talent-community sign-ups never confirmed within 7 days (no consent, no data)."""
	expire_stale_signups()
