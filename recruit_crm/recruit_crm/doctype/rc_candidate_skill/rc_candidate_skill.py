# Copyright (c) 2026, recruit_crm contributors
# License: GNU General Public License v3. See license.txt

from frappe.model.document import Document


class RCCandidateSkill(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		proficiency: DF.Literal["Beginner", "Intermediate", "Advanced", "Expert"]
		skill: DF.Link
		years: DF.Float
	# end: auto-generated types
	pass


def on_doctype_update() -> None:
	import frappe

	# Smart pool rules and rediscovery look people up by skill (and proficiency, years): a
	# covering index turns a 100k-candidate scan into an index range.
	frappe.db.add_index(
		"RC Candidate Skill", ["skill", "parent", "parenttype", "proficiency", "years"], "skill_parent"
	)
