"""Background work for consent, retention and renewal."""

from recruit_crm.services.compliance import permission, renewal, retention


def request_consent_renewals() -> None:
	"""Daily: ask everyone whose consent lapses soon to renew it, once per consent."""
	renewal.send_due_renewal_requests()


def run_retention_daily() -> None:
	"""Daily: lapse expired consent, then anonymise everyone whose retention period is over."""
	retention.run_retention()


def ask_for_permission(candidates: list[str]) -> None:
	"""Queued job: send permission requests to one chunk of a large selection."""
	permission.send_requests(candidates)
