"""Content library rules: which videos may be embedded, and how."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{6,20}$")
_VIMEO_ID = re.compile(r"^[0-9]{4,12}$")


def embed_url(url: str | None) -> str | None:
	"""The privacy-friendly embed address of a YouTube or Vimeo link, or None if not allowed.

	Only these two hosts are embedded, and only with an id of the expected shape, so a
	recruiter-entered link can never frame an arbitrary site on a career page.
	"""
	if not url:
		return None
	try:
		parsed = urlparse(url.strip())
	except ValueError:
		return None
	if parsed.scheme not in ("http", "https"):
		return None
	host = (parsed.hostname or "").lower().removeprefix("www.").removeprefix("m.")
	video_id = None
	if host == "youtu.be":
		video_id = parsed.path.lstrip("/").split("/")[0]
	elif host in ("youtube.com", "youtube-nocookie.com"):
		if parsed.path == "/watch":
			video_id = (parse_qs(parsed.query).get("v") or [""])[0]
		elif parsed.path.startswith(("/embed/", "/shorts/")):
			video_id = parsed.path.split("/")[2]
	if video_id is not None:
		return f"https://www.youtube-nocookie.com/embed/{video_id}" if _YOUTUBE_ID.match(video_id) else None
	if host in ("vimeo.com", "player.vimeo.com"):
		parts = [p for p in parsed.path.split("/") if p]
		candidate = parts[-1] if parts else ""
		return f"https://player.vimeo.com/video/{candidate}?dnt=1" if _VIMEO_ID.match(candidate) else None
	return None
