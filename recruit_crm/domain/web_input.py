"""Shapes of values that arrive with a web request and are stored or shown later.

A value a visitor controls (a User-Agent, an address, a path, a URL) is stored only in the
shape it should have: printable text without markup characters, a real IP address, a plain
site path. Anything else is dropped rather than "fixed", so no stored value can carry script
into the desk, whatever screen later shows it.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Iterable

USER_AGENT_MAX = 500
PATH_MAX = 500
URL_MAX = 1000

# Characters that start markup or break out of an attribute; never needed in these values.
_MARKUP_CHARS = frozenset('<>"`')
_PATH = re.compile(r"^/[A-Za-z0-9\-._~/%+,;=:@!$&()*]*$")
_URL = re.compile(r"^https?://[A-Za-z0-9\-._~/%+,;=:@!$&()*?#\[\]]+$")


def plain_text(value: object, max_length: int) -> str | None:
	"""Printable one-line text without markup characters, at most `max_length` long; None if empty."""
	if not isinstance(value, str):
		return None
	kept = []
	for ch in value:
		if ch in _MARKUP_CHARS:
			continue
		if ch.isspace():
			kept.append(" ")
		elif unicodedata.category(ch)[0] != "C":  # no control, format or unassigned characters
			kept.append(ch)
	text = " ".join("".join(kept).split())[:max_length].strip()
	return text or None


def text_without_markup(value: object, max_length: int) -> str | None:
	"""Free text (newlines and quotes kept) that cannot open a tag: no angle brackets, no controls."""
	if not isinstance(value, str):
		return None
	kept = "".join(
		ch for ch in value if ch not in "<>" and (ch in "\n\t" or unicodedata.category(ch)[0] != "C")
	)
	text = kept[:max_length].strip()
	return text or None


def user_agent(value: object) -> str | None:
	"""A User-Agent as stored evidence: printable, markup-free, length-capped."""
	return plain_text(value, USER_AGENT_MAX)


def ip_address(value: object) -> str | None:
	"""The canonical text of a real IPv4/IPv6 address, or None for anything else."""
	if not isinstance(value, str) or len(value) > 64:
		return None
	try:
		return str(ipaddress.ip_address(value.strip()))
	except ValueError:
		return None


def site_path(value: object, max_length: int = PATH_MAX) -> str | None:
	"""A path on this site ("/careers/x?y" keeps only the path): no scheme, host, markup or quotes."""
	if not isinstance(value, str):
		return None
	path = value.strip().split("#", 1)[0].split("?", 1)[0]
	if not path.startswith("/") or path.startswith("//") or len(path) > max_length:
		return None
	return path if _PATH.match(path) else None


def http_url(value: object, max_length: int = URL_MAX) -> str | None:
	"""An absolute http(s) URL made only of URL characters (no quotes, spaces or markup)."""
	if not isinstance(value, str) or len(value) > max_length:
		return None
	url = value.strip()
	return url if _URL.match(url) else None


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(lines: Iterable[str] | str | None) -> list[Network]:
	"""Trusted proxy networks from one address or CIDR per line (or comma); bad lines are ignored."""
	if lines is None:
		return []
	if isinstance(lines, str):
		lines = re.split(r"[\s,]+", lines)
	networks = []
	for line in lines:
		line = (line or "").strip()
		if not line or line.startswith("#"):
			continue
		try:
			networks.append(ipaddress.ip_network(line, strict=False))
		except ValueError:
			continue
	return networks


def _trusted(address: str | None, networks: list[Network]) -> bool:
	if not address:
		return False
	try:
		ip = ipaddress.ip_address(address)
	except ValueError:
		return False
	return any(ip.version == net.version and ip in net for net in networks)


def client_ip(peer: str | None, forwarded_for: str | None, trusted: list[Network]) -> str | None:
	"""The client's address: the connection's peer, unless that peer is a trusted proxy.

	Behind trusted proxies, X-Forwarded-For is read from the right (the entry the nearest proxy
	added) leftwards, skipping further trusted proxies; the first untrusted address is the
	client. An entry that is not an address stops the walk (it was written by someone we do not
	trust), and the last address we could trust stands. With no trusted proxies configured the
	header is ignored entirely.
	"""
	peer_ip = ip_address(peer)
	if not trusted or not _trusted(peer_ip, trusted) or not forwarded_for:
		return peer_ip
	client = peer_ip
	for entry in reversed(forwarded_for.split(",")[:32]):
		address = ip_address(entry)
		if address is None:
			break
		client = address
		if not _trusted(address, trusted):
			break
	return client
