"""Dotted paths from before the services were grouped into capability packages (0.1), kept
working for one release.

Background jobs and scheduled runs are queued in Redis by the dotted path of the function they
call. A job queued under an old path before an upgrade must still run after it, so each old path
of a queued or scheduled function resolves to its new home: old modules that no longer exist are
provided by a finder, and old names on packages that now exist (`recruit_crm.tasks`,
`recruit_crm.services.pools`) by the packages' `__getattr__`. Nothing else imports old paths.
Pure Python: imported by `recruit_crm/__init__.py` before anything touches Frappe.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import types
from collections.abc import Callable, Sequence
from typing import Any

Job = Callable[..., Any]

# Old dotted path of a queued or scheduled function -> its new dotted path.
MOVED: dict[str, str] = {
	"recruit_crm.services.scoring.recompute": "recruit_crm.tasks.engagement.recompute_scores",
	"recruit_crm.services.scoring.run_recompute_all": "recruit_crm.tasks.engagement.recompute_all_scores",
	"recruit_crm.services.scoring.run_nightly_refresh": "recruit_crm.tasks.engagement.refresh_scores_nightly",
	"recruit_crm.services.touchpoints.retry_capture": "recruit_crm.tasks.engagement.retry_capture",
	"recruit_crm.services.capture.run_email_delivery_sync": "recruit_crm.tasks.engagement.sync_email_delivery",
	"recruit_crm.services.capture.run_capture_sweep": "recruit_crm.tasks.engagement.sweep_captures",
	"recruit_crm.services.pools.run_rebuild_job": "recruit_crm.tasks.pools.rebuild_pool",
	"recruit_crm.services.pools.run_smart_pool_upkeep_daily": "recruit_crm.tasks.pools.upkeep_smart_pools_daily",
	"recruit_crm.services.system_pools.run_alumni_upkeep_daily": "recruit_crm.tasks.pools.upkeep_alumni_daily",
	"recruit_crm.services.system_pools.backfill_system_pools": "recruit_crm.tasks.pools.backfill_system_pools",
	"recruit_crm.services.privacy.run_retention_daily": "recruit_crm.tasks.compliance.run_retention_daily",
	"recruit_crm.services.privacy.run_consent_renewal_requests": "recruit_crm.tasks.compliance.request_consent_renewals",
	"recruit_crm.services.nurture_delivery.send_due": "recruit_crm.tasks.nurture.send_due",
	"recruit_crm.tasks_nurture.run_every_minute": "recruit_crm.tasks.nurture.run_every_minute",
	"recruit_crm.tasks_nurture.sync_audiences": "recruit_crm.tasks.nurture.sync_audiences",
	"recruit_crm.tasks.link_unlinked_job_applicants": "recruit_crm.tasks.candidates.link_unlinked_job_applicants",
	"recruit_crm.tasks.expire_community_signups": "recruit_crm.tasks.candidates.expire_community_signups",
	"recruit_crm.tasks.process_pending_applications": "recruit_crm.tasks.candidates.process_pending_applications",
}

_OLD_MODULES = {path.rsplit(".", 1)[0] for path in MOVED}


def resolve(old_path: str) -> Job:
	"""The function now living at the new home of `old_path`."""
	module, name = MOVED[old_path].rsplit(".", 1)
	function: Job = getattr(importlib.import_module(module), name)
	return function


def module_getattr(module_name: str) -> Callable[[str], Job]:
	"""A PEP 562 `__getattr__` for a module or package whose old names moved elsewhere."""

	def __getattr__(name: str) -> Job:
		old_path = f"{module_name}.{name}"
		if old_path in MOVED:
			return resolve(old_path)
		raise AttributeError(f"module {module_name!r} has no attribute {name!r}")

	return __getattr__


class _OldModuleFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
	"""Provides old modules that no longer exist as files, as stand-ins that forward by name."""

	def find_spec(
		self,
		fullname: str,
		path: Sequence[str] | None = None,
		target: types.ModuleType | None = None,
	) -> importlib.machinery.ModuleSpec | None:
		if fullname not in _OLD_MODULES:
			return None
		if importlib.machinery.PathFinder.find_spec(fullname, path) is not None:
			return None  # the name exists as a real module or package: it forwards itself
		return importlib.util.spec_from_loader(fullname, self)

	def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
		module = types.ModuleType(spec.name, "Forwards pre-0.2 job paths (see recruit_crm.legacy_paths).")
		setattr(module, "__getattr__", module_getattr(spec.name))  # noqa: B010 (PEP 562 hook)
		return module

	def exec_module(self, module: types.ModuleType) -> None:
		pass


def install() -> None:
	"""Register the finder once per process."""
	if not any(isinstance(finder, _OldModuleFinder) for finder in sys.meta_path):
		sys.meta_path.append(_OldModuleFinder())
