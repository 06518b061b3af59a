"""Who is who: the role sets the app's permission rules are written in."""

from __future__ import annotations

from collections.abc import Iterable

RECRUITER = "Recruiter"
HR_MANAGER = "HR Manager"
HR_USER = "HR User"
SYSTEM_MANAGER = "System Manager"
INTERVIEWER = "Interviewer"

# People who work with candidate data (it is HR data).
HR_ROLES = frozenset({HR_MANAGER, HR_USER, RECRUITER, SYSTEM_MANAGER})
# People who may author and run campaigns.
CAMPAIGN_ROLES = frozenset({HR_MANAGER, HR_USER, SYSTEM_MANAGER})
# People who see every talent pool, erase personal data, and settle nurture messages.
MANAGER_ROLES = frozenset({HR_MANAGER, SYSTEM_MANAGER})


def holds_any(roles: Iterable[str], wanted: frozenset[str]) -> bool:
	"""Whether any of a user's `roles` is among `wanted`."""
	return not wanted.isdisjoint(roles)
