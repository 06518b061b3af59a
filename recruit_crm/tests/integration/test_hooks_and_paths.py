"""Every dotted path Frappe or RQ may call resolves: the hooks, and the job paths of 0.1."""

import frappe

from recruit_crm import hooks
from recruit_crm.legacy_paths import MOVED
from recruit_crm.tests.integration import RCTestCase


def _paths(value) -> list[str]:
	if isinstance(value, str):
		return [value] if value.startswith("recruit_crm.") else []
	if isinstance(value, dict):
		return [p for v in value.values() for p in _paths(v)]
	if isinstance(value, list | tuple):
		return [p for v in value for p in _paths(v)]
	return []


class TestHooksAndPaths(RCTestCase):
	def test_every_hook_target_resolves(self):
		names = (
			"doc_events", "scheduler_events", "before_request", "after_request", "override_whitelisted_methods",
			"override_doctype_class", "permission_query_conditions", "has_permission", "jinja", "page_renderer",
			"website_path_resolver", "recruit_crm_before_candidate_merge", "after_install", "after_migrate",
			"before_uninstall", "before_tests", "boot_session",
		)  # fmt: skip
		paths = [p for name in names for p in _paths(getattr(hooks, name, None))]
		self.assertGreater(len(paths), 40)
		for path in paths:
			with self.subTest(path=path):
				self.assertTrue(callable(frappe.get_attr(path)))

	def test_scheduled_and_queued_work_lives_in_tasks(self):
		for path in _paths(hooks.scheduler_events):
			with self.subTest(path=path):
				self.assertTrue(path.startswith("recruit_crm.tasks."), "scheduler targets are tasks")

	def test_jobs_queued_under_old_paths_still_run_the_same_function(self):
		for old, new in MOVED.items():
			with self.subTest(old=old):
				self.assertIs(frappe.get_attr(old), frappe.get_attr(new))
