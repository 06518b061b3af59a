"""Talent pools: membership with a reason and a change log (`membership`), smart pools kept by
rules (`smart`), the app's system pools filled from HRMS events (`system`), a pool's insights and
CSV export (`insights`), and Find Candidates for a Job Opening (`rediscovery`)."""

from recruit_crm.legacy_paths import module_getattr

__getattr__ = module_getattr(__name__)  # jobs queued under a pre-0.2 path still run (one release)
