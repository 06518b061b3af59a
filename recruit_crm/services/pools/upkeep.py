"""What follows a change to people's applications, wherever it came from (a document event, a
bulk pipeline move): smart, silver-medalist and past-applicant pools."""

from recruit_crm.services.pools import smart, system


def applications_changed(candidates: list[str | None]) -> None:
	"""Applications of these people changed: smart, silver-medalist and past-applicant pools follow."""
	candidates = [c for c in candidates if c]
	if not candidates:
		return
	smart.refresh_smart_pools_for(candidates)
	system.update_silver_medalists(candidates)
	system.update_past_applicants(candidates)
