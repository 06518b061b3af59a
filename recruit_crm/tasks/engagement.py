"""Background work for touchpoints and engagement scores."""

from recruit_crm.services.engagement import capture_sweep, scoring, touchpoints


def sync_email_delivery() -> None:
	"""Every 5 minutes: delivery, bounces and opens from Email Queue (it runs no hooks)."""
	capture_sweep.sync_email_queue()


def sweep_captures() -> None:
	"""Hourly: whatever the live capture missed, from every source document since its watermark."""
	capture_sweep.sweep()


def refresh_scores_nightly() -> None:
	"""Nightly: unscored touchpoints are counted, then readiness follows decay and the window."""
	scoring.refresh_nightly()


def recompute_scores(candidates: list[str] | None = None) -> None:
	"""Queued job: rebuild these candidates' scores from their touchpoints (after a merge)."""
	scoring.recompute(candidates)


def recompute_all_scores() -> None:
	"""Queued job after a scoring settings change: rebuild every score from the touchpoints."""
	scoring.recompute_all()


def retry_capture(rows: list[dict], source: str) -> None:
	"""Queued job: record a capture that failed in its request; raises so RQ records a failure."""
	touchpoints.record_many(rows)
