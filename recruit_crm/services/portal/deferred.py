"""Work that runs once the response has been sent.

Guest endpoints answer before they do anything that depends on who the visitor is, so neither
the answer nor its timing tells anyone whether a person exists. The deferred work runs in the
same worker, in a transaction of its own, after the response has left.
"""

from collections.abc import Callable

import frappe


def after_response(fn: Callable[[], object], title: str) -> None:
	"""Run `fn` after the response (committing it), or at once when there is no web request.

	A failure is rolled back and logged under `title`; callers that must not lose work keep a
	row that a sweep retries (see `applications.process_pending`).
	"""
	request = getattr(frappe.local, "request", None)
	callbacks = getattr(request, "after_response", None) if request else None
	if callbacks is None:
		fn()
		return

	def run() -> None:
		try:
			fn()
			frappe.db.commit()  # nosemgrep: after_response runs outside the request transaction
		except Exception:
			frappe.db.rollback()
			frappe.log_error(title=title)

	callbacks.add(run)
