"""Scheduled work of hiring drives: thin, one service call each."""

from recruit_crm.services.drives import events


def expire_event_signups() -> None:
	"""Daily: event sign-ups never confirmed are deleted once their link has expired."""
	events.expire_unconfirmed()
