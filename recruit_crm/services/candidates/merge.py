"""Merging duplicate candidates without losing history, and merging an imported row into a
known person (fill the blanks, union skills).
"""

import frappe
from frappe import _

from recruit_crm.domain.candidates import (
	fill_blanks,
	merge_skill_rows,
	union_by_key,
)
from recruit_crm.services.candidates.records import CANDIDATE, refresh_candidates
from recruit_crm.services.engagement import first_response


def merge_candidates(source: str, target: str) -> str:
	"""Fold `source` into `target`; every application, email, skill and history entry moves.

	Target values win; the source fills the target's blanks. Applications, comments,
	communications, attachments and every Link to the source are re-pointed by Frappe's
	merge-rename, then the source is deleted.
	"""
	if source == target:
		frappe.throw(_("Choose two different candidates to merge."))
	src = frappe.get_doc(CANDIDATE, source)
	dst = frappe.get_doc(CANDIDATE, target)
	src.check_permission("write")
	dst.check_permission("write")

	_absorb_profile(dst, src, note=_("Merged from {0}").format(source))
	tags = set(filter(None, (dst.get("_user_tags") or "").split(","))) | set(
		filter(None, (src.get("_user_tags") or "").split(","))
	)
	dst.flags.ignore_links = True
	dst.save()
	if tags:
		frappe.db.set_value(
			CANDIDATE, target, "_user_tags", "," + ",".join(sorted(tags)), update_modified=False
		)

	for hook in frappe.get_hooks("recruit_crm_before_candidate_merge"):
		frappe.get_attr(hook)(source, target)
	_repoint_history(source, target)
	frappe.rename_doc(
		CANDIDATE, source, target, merge=True, force=True, show_alert=False, rebuild_search=False
	)
	refresh_candidates([target])
	first_response.recompute_for_candidates([target])  # both people's touches now answer each application
	return target


# Dynamic links that carry a person's history. Frappe's merge-rename finds dynamic links
# through a cached map that can miss doctypes, so these are moved explicitly.
_HISTORY_LINKS: tuple[tuple[str, str, str], ...] = (
	("Comment", "reference_doctype", "reference_name"),
	("Communication", "reference_doctype", "reference_name"),
	("Communication Link", "link_doctype", "link_name"),
	("ToDo", "reference_type", "reference_name"),
	("File", "attached_to_doctype", "attached_to_name"),
	("Version", "ref_doctype", "docname"),
)


def _repoint_history(source: str, target: str) -> None:
	for doctype, type_field, name_field in _HISTORY_LINKS:
		table = frappe.qb.DocType(doctype)
		(
			frappe.qb.update(table)
			.set(table[name_field], target)
			.where((table[type_field] == CANDIDATE) & (table[name_field] == source))
		).run()
	tag_link = frappe.qb.DocType("Tag Link")
	target_tags = (
		frappe.qb.from_(tag_link)
		.select(tag_link.tag)
		.where((tag_link.document_type == CANDIDATE) & (tag_link.document_name == target))
	)
	(
		frappe.qb.update(tag_link)
		.set(tag_link.document_name, target)
		.where((tag_link.document_type == CANDIDATE) & (tag_link.document_name == source))
		.where(tag_link.tag.notin(target_tags))
	).run()


def merge_import_row(existing: str, incoming) -> None:
	"""Fold an import row for a known person into their candidate: blanks filled, nothing overwritten."""
	dst = frappe.get_doc(CANDIDATE, existing)
	_absorb_profile(dst, incoming, note=_("Imported"))
	dst.flags.ignore_links = True
	dst.save()
	dst.add_comment("Edit", _("Import row merged into this candidate (existing values kept)."))


def _absorb_profile(dst, src, note: str) -> None:
	"""Copy into `dst` what `src` knows and `dst` does not: blanks, skills, languages, emails."""
	dst.update(fill_blanks(dst.as_dict(), src.as_dict()))
	if src.get("do_not_contact"):
		dst.do_not_contact = 1
	dst.set(
		"skills",
		merge_skill_rows([s.as_dict() for s in dst.skills], [s.as_dict() for s in src.get("skills") or []]),
	)
	for row in union_by_key(
		[lang.as_dict() for lang in dst.languages],
		[lang.as_dict() for lang in src.get("languages") or []],
		"language",
	):
		dst.append("languages", {"language": row["language"], "proficiency": row.get("proficiency")})
	known = [{"email": dst.email}, *[e.as_dict() for e in dst.alternate_emails]]
	incoming = [
		{"email": src.get("email"), "note": note},
		*[e.as_dict() for e in src.get("alternate_emails") or []],
	]
	for row in union_by_key(known, incoming, "email"):
		dst.append("alternate_emails", {"email": row["email"], "note": row.get("note")})
