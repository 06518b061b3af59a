"""Scheduler entry points: thin, each calls one service."""

from recruit_crm.services.applications import process_pending
from recruit_crm.services.candidates import link_unlinked_applicants
from recruit_crm.services.portal import expire_stale_signups


def link_unlinked_job_applicants() -> None:
	"""Safety net: link applicants whose live linking failed (errors are in the Error Log)."""
	link_unlinked_applicants()


def expire_community_signups() -> None:
	"""Delete talent-community sign-ups never confirmed within 7 days (no consent, no data)."""
	expire_stale_signups()


def process_pending_applications() -> None:
	"""Every 5 minutes: applications whose after-response processing never ran or failed."""
	process_pending()
