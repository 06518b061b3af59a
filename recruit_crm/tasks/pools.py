"""Background work for talent pools."""

from recruit_crm.services.pools import smart, system


def upkeep_smart_pools_daily() -> None:
	"""Nightly: queue a rebuild of every active smart pool."""
	smart.enqueue_all_rebuilds()


def upkeep_alumni_daily() -> None:
	"""Nightly: people whose relieving date was yesterday or today become alumni."""
	system.update_recent_leavers()


def rebuild_pool(pool: str) -> None:
	"""Queued job: rebuild one smart pool, with progress and failures shown on its form."""
	smart.rebuild_in_background(pool)


def backfill_system_pools() -> None:
	"""Queued on install: fill the system pools from existing HRMS history."""
	system.backfill_system_pools()
