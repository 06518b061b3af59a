"""Who is on the other end of a request: the client's address and what we may store about it.

Frappe takes the client address from the first X-Forwarded-For entry, which any client can
write, so rate limits keyed on it can be bypassed and forged addresses end up as consent
evidence. On the routes this app owns, the address is recomputed from the connection itself,
trusting forwarded headers only from the proxies listed in RC Settings (none by default).
"""

import frappe

from recruit_crm.domain import web_input

APP_API_PREFIXES = ("/api/method/recruit_crm.", "/api/v2/method/recruit_crm.")
CAREERS_PREFIX = "/careers"
LOOPBACK = "127.0.0.1"


def is_app_route(path: str | None) -> bool:
	"""Whether a request path belongs to this app (its API methods or the career site)."""
	path = path or ""
	return (
		path.startswith(APP_API_PREFIXES) or path == CAREERS_PREFIX or path.startswith(CAREERS_PREFIX + "/")
	)


def trusted_proxies() -> list:
	"""Networks whose X-Forwarded-For we believe (RC Settings, one address or CIDR per line)."""
	try:
		value = frappe.get_cached_doc("RC Settings").get("trusted_proxies")
	except frappe.DoesNotExistError:
		value = None
	return web_input.parse_networks(value)


def resolve_client_address() -> None:
	"""Set `frappe.local.request_ip` from the connection, honouring trusted proxies."""
	request = getattr(frappe.local, "request", None)
	if not request or not is_app_route(request.path):
		return
	# No peer address means a local connection (a unix socket, or a test client): loopback, as
	# Frappe itself assumes.
	peer = request.environ.get("REMOTE_ADDR") or request.remote_addr or LOOPBACK
	forwarded = request.headers.get("X-Forwarded-For")
	frappe.local.request_ip = web_input.client_ip(peer, forwarded, trusted_proxies()) or LOOPBACK


def request_evidence() -> dict:
	"""The client's address and User-Agent, in the shape they may be stored in."""
	request = getattr(frappe.local, "request", None)
	user_agent = request.headers.get("User-Agent") if request else None
	return {
		"ip_address": web_input.ip_address(getattr(frappe.local, "request_ip", None)),
		"user_agent": web_input.user_agent(user_agent),
	}
