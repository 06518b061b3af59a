"""Background work for the hiring pipeline: time-in-stage flags and alerts, the daily digest."""

from recruit_crm.services.pipeline import sla, transitions


def scan_waiting_applications() -> None:
	"""Every 15 minutes: refresh SLA flags of open applications and raise due alerts."""
	sla.scan()


def send_waiting_digests() -> None:
	"""Daily: recompute every flag (days an admin lengthened lower them), then each recruiter hears
	which of their applications are waiting."""
	sla.scan(full=True)
	sla.send_digests()


def refresh_after_moves(candidates: list[str]) -> None:
	"""Queued by a bulk move: the moved people's CRM facts and pools (safe to run twice)."""
	transitions.refresh_after_moves(candidates)


def recompute_flags() -> None:
	"""Queued when an admin changes the pipeline Workflow's days: every flag and due time follows."""
	sla.scan(full=True)


def recompute_opening_flags(job_opening: str) -> None:
	"""Queued when a Job Opening's own days change: its applications' flags follow."""
	sla.recompute_opening(job_opening)
