"""Who is in which talent pool: add and remove with a reason per membership, a change log,
member counts, and one membership per person when candidates merge.
"""

import time
from collections.abc import Iterable
from datetime import datetime

import frappe

from recruit_crm.domain.naming import sortable_names
from recruit_crm.services._sql import multi_row_insert

POOL = "RC Talent Pool"
MEMBER = "RC Talent Pool Member"
CHANGE = "RC Talent Pool Change"
CANDIDATE = "RC Candidate"
RULE_ACTOR = "Rule"
SYSTEM_ACTOR = "System"
CHUNK = 5000
MEMBER_COLUMNS = (
	"name", "talent_pool", "candidate", "added_at", "added_by", "reason", "removed_at", "removed_reason",
	"creation", "modified", "owner", "modified_by",
)  # fmt: skip
CHANGE_COLUMNS = (
	"name", "talent_pool", "candidate", "change", "changed_at", "changed_by", "reason", "creation", "modified",
	"owner", "modified_by",
)  # fmt: skip  # rows per multi-row statement


def add_members(pool: str, candidates: list[str], reason: str, added_by: str | None = None) -> int:
	"""Put people in a pool (again) and log why; people already in it are left alone.

	Unknown and anonymised candidates are skipped. Returns how many joined.
	"""
	return add_members_with_reasons(pool, dict.fromkeys(candidates or [], reason), added_by)


def add_members_with_reasons(pool: str, reasons: dict[str, str], added_by: str | None = None) -> int:
	"""`add_members` for people who each join for their own reason ({candidate: reason}).

	One pass of set-based statements for the whole set, however many distinct reasons it holds
	(system pools give every person the application that put them there). Returns how many joined.
	"""
	added_by = added_by or frappe.session.user
	names = _existing_candidates(reasons)
	if not names:
		return 0
	joining = sorted(set(names) - _active_members(pool, names))
	if not joining:
		return 0
	now = frappe.utils.now_datetime()
	stamp = str(now)  # one literal for every row: bound as text, not re-formatted per row
	user = frappe.session.user
	member_rows = [
		(_member_name(pool, c), pool, c, stamp, added_by, reasons[c], None, None, stamp, stamp, user, user)
		for c in joining
	]
	multi_row_insert(
		MEMBER,
		MEMBER_COLUMNS,
		member_rows,
		on_duplicate="""added_at = values(added_at), added_by = values(added_by), reason = values(reason),
			removed_at = null, removed_reason = null, modified = values(modified), modified_by = values(modified_by)""",
		chunk=CHUNK,
	)
	_log_changes(pool, joining, "Joined", reasons, added_by, now)
	update_member_counts([pool])
	return len(joining)


def remove_members(pool: str, candidates: list[str], reason: str, removed_by: str | None = None) -> int:
	"""Take people out of a pool, keeping their row (removed_at) and logging why. Returns how many left."""
	names = sorted({c for c in candidates or [] if c})
	if not names:
		return 0
	leaving = sorted(_active_members(pool, names))
	if not leaving:
		return 0
	now = frappe.utils.now_datetime()
	for start in range(0, len(leaving), CHUNK):
		frappe.db.sql(
			f"""update `tab{MEMBER}` set removed_at = %(now)s, removed_reason = %(reason)s,
				modified = %(now)s, modified_by = %(user)s
			where talent_pool = %(pool)s and candidate in %(names)s and removed_at is null""",
			{
				"now": now,
				"reason": reason,
				"user": frappe.session.user,
				"pool": pool,
				"names": leaving[start : start + CHUNK],
			},
		)
	_log_changes(pool, leaving, "Left", reason, removed_by or frappe.session.user, now)
	update_member_counts([pool])
	return len(leaving)


def is_member(pool: str, candidate: str) -> bool:
	"""Whether the person is currently in the pool."""
	return bool(_active_members(pool, [candidate]))


def active_members(pool: str) -> list[str]:
	"""Names of the people currently in the pool."""
	return frappe.db.sql(
		f"select candidate from `tab{MEMBER}` where talent_pool = %s and removed_at is null order by candidate",
		pool,
		pluck=True,
	)


def pools_of(candidate: str) -> list[dict]:
	"""The pools a person is in, with the reason they are there."""
	return frappe.db.sql(
		f"""select m.talent_pool, p.pool_name, p.pool_type, m.reason, m.added_at, m.added_by
		from `tab{MEMBER}` m join `tab{POOL}` p on p.name = m.talent_pool
		where m.candidate = %s and m.removed_at is null order by m.added_at desc""",
		candidate,
		as_dict=True,
	)


def update_member_counts(pools: Iterable[str]) -> None:
	"""Store each pool's active member count on the pool (one statement)."""
	names = sorted({p for p in pools if p})
	if not names:
		return
	frappe.db.sql(
		f"""update `tab{POOL}` p set p.member_count = (
			select count(*) from `tab{MEMBER}` m where m.talent_pool = p.name and m.removed_at is null)
		where p.name in %(names)s""",
		{"names": names},
	)


def delete_pool_membership(pool: str) -> None:
	"""Remove a deleted pool's membership rows and log (they mean nothing without the pool)."""
	frappe.db.delete(MEMBER, {"talent_pool": pool})
	frappe.db.delete(CHANGE, {"talent_pool": pool})


def repoint_candidate(source: str, target: str) -> None:
	"""Before two candidates merge: keep one membership row per pool for the surviving person.

	Rows of the source in pools where the target already has a row are folded into the
	target's (active wins), so the unique (talent_pool, candidate) key holds after the rename.
	"""
	frappe.db.sql(
		f"""update `tab{MEMBER}` t join `tab{MEMBER}` s
			on s.talent_pool = t.talent_pool and s.candidate = %(source)s
		set t.removed_at = if(s.removed_at is null, null, t.removed_at),
			t.removed_reason = if(s.removed_at is null, null, t.removed_reason)
		where t.candidate = %(target)s""",
		{"source": source, "target": target},
	)
	frappe.db.sql(
		f"""delete s from `tab{MEMBER}` s join `tab{MEMBER}` t
			on t.talent_pool = s.talent_pool and t.candidate = %(target)s
		where s.candidate = %(source)s""",
		{"source": source, "target": target},
	)


def _existing_candidates(candidates: Iterable[str]) -> list[str]:
	names = sorted({c for c in candidates or [] if c})
	found: list[str] = []
	for start in range(0, len(names), CHUNK):
		found += frappe.db.sql(
			f"select name from `tab{CANDIDATE}` where name in %(names)s and is_anonymized = 0",
			{"names": names[start : start + CHUNK]},
			pluck=True,
		)
	return found


def _active_members(pool: str, candidates: list[str]) -> set[str]:
	active: set[str] = set()
	for start in range(0, len(candidates), CHUNK):
		active.update(
			frappe.db.sql(
				f"""select candidate from `tab{MEMBER}`
				where talent_pool = %(pool)s and candidate in %(names)s and removed_at is null""",
				{"pool": pool, "names": candidates[start : start + CHUNK]},
				pluck=True,
			)
		)
	return active


def _member_name(pool: str, candidate: str) -> str:
	# Same value as the SQL side (concat(pool, candidate)): opaque (both are random names),
	# stable, and ordered within a pool, so bulk inserts append instead of scattering.
	return f"{pool}{candidate}"


def log_prefix() -> str:
	"""A time-ordered prefix for one statement's change-log names (prefix + candidate)."""
	return sortable_names(1, int(time.time() * 1000))[0]


def _log_changes(
	pool: str, candidates: list[str], change: str, reason: str | dict[str, str], changed_by: str, at: datetime
) -> None:
	"""Log one change per candidate; `reason` is one for all, or {candidate: reason}."""
	user = frappe.session.user
	prefix = log_prefix()
	stamp = str(at)
	rows = [
		(f"{prefix}{c}", pool, c, change, stamp, changed_by, reason[c] if isinstance(reason, dict) else reason,
			stamp, stamp, user, user)
		for c in candidates
	]  # fmt: skip
	multi_row_insert(CHANGE, CHANGE_COLUMNS, rows, chunk=CHUNK)
