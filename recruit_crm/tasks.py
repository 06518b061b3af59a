"""Scheduler entry points: thin, each calls one service."""

from recruit_crm.services.candidates import link_unlinked_applicants


def link_unlinked_job_applicants() -> None:
	"""Safety net: link applicants whose live linking failed (errors are in the Error Log)."""
	link_unlinked_applicants()
