"""Opaque, time-ordered document names for rows written in bulk.

Random names (Frappe's `hash`) scatter bulk inserts across the primary-key B-tree; names that
start with a timestamp append at its right edge instead, which keeps big imports fast. They stay
opaque: nothing about the person is in them.
"""

from __future__ import annotations

import random

_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


def _base36(value: int, width: int) -> str:
	digits = []
	for _ in range(width):
		value, rem = divmod(value, 36)
		digits.append(_ALPHABET[rem])
	return "".join(reversed(digits))


def sortable_names(count: int, now_ms: int, rng: random.Random | None = None) -> list[str]:
	"""`count` distinct names: 8 chars of millisecond time, 4 of sequence, 4 random.

	Names from one call sort in creation order; calls in different milliseconds never collide,
	and the random tail keeps concurrent writers in the same millisecond apart.
	"""
	rng = rng or random.SystemRandom()
	if count > 36**4:
		raise ValueError("at most 1,679,616 names per call")
	prefix = _base36(now_ms, 8)
	tail = "".join(rng.choice(_ALPHABET) for _ in range(4))
	return [f"{prefix}{_base36(i, 4)}{tail}" for i in range(count)]
