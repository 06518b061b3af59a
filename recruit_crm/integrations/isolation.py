"""Running side work of a save without ever blocking the save."""

from collections.abc import Callable

import frappe


def isolated(fn: Callable[[], object], doc, title: str) -> None:
	"""Run `fn` behind a savepoint; a failure is rolled back and logged, never raised.

	A recruiter saving a Job Applicant or an Employee must not be blocked by pool upkeep; the
	nightly rebuilds repair whatever a failure left behind. Tests see the failure.
	"""
	savepoint = "rc_isolated"
	frappe.db.savepoint(savepoint)
	try:
		fn()
	except Exception:
		frappe.db.rollback(save_point=savepoint)
		frappe.log_error(title=title, reference_doctype=doc.doctype, reference_name=doc.name)
		if frappe.flags.in_test:
			raise
