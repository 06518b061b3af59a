"""The request lifecycle on the app's routes: the client's address first (rate limits and
evidence use it), no tracebacks, uncached filtered career lists; hardened responses after."""

from recruit_crm.services.portal import careers, request_context, web_guards


def before_request() -> None:
	request_context.resolve_client_address()
	web_guards.disable_tracebacks()
	careers.disable_cache_for_filtered_lists()


def after_request(response=None, request=None) -> None:
	web_guards.after_request(response, request)
