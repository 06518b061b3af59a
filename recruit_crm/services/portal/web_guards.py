"""Defences the platform leaves to apps, applied to what this app owns.

- Responses of the app's routes never carry internals: JSON errors lose their traceback and
  exception text, and the career site's pages fail with a plain page, even on a development
  server (where Frappe shows tracebacks whatever the site's settings say).
- Private files are served with `X-Content-Type-Options: nosniff`; resumes and other files on
  candidate records are served as downloads, so a file that is also a web page (a polyglot)
  never renders as one in the desk's origin.
- Error Logs written while serving the app's routes (or from its code) keep no personal data:
  the traceback is taken without local variables and email addresses, phone numbers and IP
  addresses are replaced by markers.
"""

import json
import sys

import frappe
from frappe import _

from recruit_crm.domain.redaction import redact_personal_data
from recruit_crm.services.portal.request_context import CAREERS_PREFIX, is_app_route

# Documents whose attachments are a person's files (resumes, letters): always downloaded.
CANDIDATE_FILE_DOCTYPES = frozenset(
	{"Job Applicant", "RC Candidate", "RC Community Signup", "RC Application Submission", "Job Offer"}
)
# Doctype controller methods are reachable as /api/v2/method/<doctype>/<method>.
_APP_DOCTYPE_METHODS = "/api/v2/method/RC "
_INTERNAL_KEYS = ("exc", "exception", "traceback", "_debug_messages")


def owns_error_output(path: str | None) -> bool:
	"""Whether errors on this path are the app's to shape (its API, its doctypes, its pages)."""
	return is_app_route(path) or (path or "").startswith(_APP_DOCTYPE_METHODS)


def disable_tracebacks() -> None:
	"""The app's routes never send a stack trace, whatever the site's settings."""
	request = getattr(frappe.local, "request", None)
	if request and owns_error_output(request.path):
		frappe.local.flags.disable_traceback = True


def after_request(response=None, request=None) -> None:
	"""Scrub internals from the app's error responses; harden private files."""
	if response is None or request is None:
		return
	path = request.path or ""
	if path.startswith("/private/files/"):
		_harden_private_file(response, path)
	elif owns_error_output(path) and response.status_code >= 400:
		_scrub_error(response, path)


def _scrub_error(response, path: str) -> None:
	if response.mimetype == "application/json":
		try:
			body = json.loads(response.get_data(as_text=True))
		except ValueError:
			return
		if isinstance(body, dict):
			for key in _INTERNAL_KEYS:
				body.pop(key, None)
			for error in body.get("errors") or []:
				if isinstance(error, dict):
					for key in _INTERNAL_KEYS:
						error.pop(key, None)
			response.set_data(json.dumps(body))
	elif response.mimetype == "text/html" and path.startswith(CAREERS_PREFIX) and response.status_code >= 500:
		response.set_data(_plain_error_page())


def _plain_error_page() -> str:
	title = frappe.utils.escape_html(_("Something went wrong"))
	text = frappe.utils.escape_html(_("Please try again in a moment. If it keeps happening, write to us."))
	return (
		f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
		'<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
		f'<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem">'
		f'<h1>{title}</h1><p>{text}</p><p><a href="/careers">{frappe.utils.escape_html(_("Back to careers"))}</a></p>'
		"</body></html>"
	)


def _harden_private_file(response, path: str) -> None:
	response.headers["X-Content-Type-Options"] = "nosniff"
	if response.status_code != 200:
		return
	attached_to = frappe.db.get_value("File", {"file_url": path, "is_private": 1}, "attached_to_doctype")
	name = path.rsplit("/", 1)[-1]
	if attached_to in CANDIDATE_FILE_DOCTYPES or name.startswith("resume-"):
		response.headers.pop("Content-Disposition", None)
		response.headers.add("Content-Disposition", "attachment", filename=name)


def redact_error_log(doc) -> None:
	"""No personal data in errors raised by this app or on its routes."""
	request = getattr(frappe.local, "request", None)
	on_app_route = bool(request) and owns_error_output(getattr(request, "path", None))
	if (
		not on_app_route
		and "recruit_crm" not in (doc.error or "")
		and "recruit_crm" not in (doc.method or "")
	):
		return
	if sys.exc_info()[0] is not None:
		# The traceback Frappe logs includes every frame's local variables: form data, names,
		# addresses. Take it again without them.
		doc.error = frappe.get_traceback(with_context=False)
	doc.error = redact_personal_data(doc.error)
	doc.method = redact_personal_data(doc.method)[:140]
