"""Rules for tracked links: where a click redirect may send someone."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

_HREF = re.compile(r"""(<a\b[^>]*?\bhref\s*=\s*)(["'])(https?://[^"'\s>]+)\2""", re.IGNORECASE)


def is_safe_redirect(url: str | None) -> bool:
	"""Only absolute http(s) URLs or site-relative paths; never scheme-relative or script URLs."""
	if not url or not isinstance(url, str) or len(url) > 2000 or any(c in url for c in "\r\n\t\\ "):
		return False
	if url.startswith("/"):
		return not url.startswith("//")
	parts = urlsplit(url)
	return parts.scheme in ("http", "https") and bool(parts.netloc)


def rewrite_links(html: str, wrap: Callable[[str], str]) -> str:
	"""Replace every absolute http(s) link's href in `html` by `wrap(url)` (unsafe URLs are left alone)."""

	def replace(match: re.Match[str]) -> str:
		url = match.group(3).replace("&amp;", "&")
		if not is_safe_redirect(url):
			return match.group(0)
		return f"{match.group(1)}{match.group(2)}{wrap(url)}{match.group(2)}"

	return _HREF.sub(replace, html or "")
