"""Requests through Frappe's WSGI app, as a browser makes them.

Each request runs in its own thread with its own database connection (so it commits what it
does), and its response is read and closed before returning, which is when Frappe runs the
request's after-response work (guest endpoints do person-dependent work there).
"""

from frappe.tests.test_api import make_request


def wsgi_request(client, verb: str, path: str, **kwargs):
	"""`client.<verb>(path, **kwargs)` in a thread of its own; the response is fully consumed."""

	def call():
		response = getattr(client, verb)(path, **kwargs)
		response.get_data()
		response.close()
		return response

	return make_request(target=call, args=(), kwargs={})


def login(client, user: str, password: str) -> None:
	"""Log `client` in as `user` (its cookie jar then carries the session)."""
	response = wsgi_request(client, "post", "/api/method/login", data={"usr": user, "pwd": password})
	if response.status_code != 200:
		raise AssertionError(
			f"login as {user} failed: {response.status_code} {response.get_data(as_text=True)[:200]}"
		)
