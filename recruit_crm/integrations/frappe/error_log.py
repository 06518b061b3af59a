"""Error Log events: errors raised by the app or on its routes keep no personal data."""

from recruit_crm.services.portal.web_guards import redact_error_log


def before_insert(doc, method=None) -> None:
	redact_error_log(doc)
