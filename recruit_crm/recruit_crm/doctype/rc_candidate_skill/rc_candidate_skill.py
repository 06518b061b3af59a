# Copyright (c) 2026, recruit_crm contributors
# License: GNU General Public License v3. See license.txt

from frappe.model.document import Document


class RCCandidateSkill(Document):
	pass


def on_doctype_update() -> None:
	import frappe

	# Smart pool rules and rediscovery look people up by skill (and proficiency, years): a
	# covering index turns a 100k-candidate scan into an index range.
	frappe.db.add_index(
		"RC Candidate Skill", ["skill", "parent", "parenttype", "proficiency", "years"], "skill_parent"
	)
