"""Talent pool endpoints for the desk: rule editor, live count, membership, rebuild, insights, CSV."""

import frappe
from frappe import _

from recruit_crm.api._params import names as names_param
from recruit_crm.domain.pool_rules import RuleError, field_catalog
from recruit_crm.domain.rule_words import describe_rules
from recruit_crm.permissions import can_see_pool
from recruit_crm.services.pools import membership, smart
from recruit_crm.services.pools.insights import export_members_csv, pool_insights

MAX_BULK = 10_000


def _require_candidate_read() -> None:
	if not frappe.has_permission("RC Candidate", "read"):
		frappe.throw(_("Not permitted to read candidates."), frappe.PermissionError)


def _pool_for(pool: str, ptype: str = "read"):
	doc = frappe.get_doc("RC Talent Pool", pool)
	doc.check_permission(ptype)
	if not can_see_pool(doc):
		frappe.throw(_("Not permitted"), frappe.PermissionError)
	return doc


@frappe.whitelist()
def rule_fields() -> list[dict]:
	"""The fields, operators and options the rule editor offers."""
	_require_candidate_read()
	return field_catalog()


@frappe.whitelist()
@frappe.read_only()
def preview_count(rules: dict | str) -> dict:
	"""How many candidates the (unsaved) rules match now, with a few examples and the rules in words
	(as the Rules in Words field will read once saved), or the rule error."""
	_require_candidate_read()
	try:
		parsed = smart.parse_rules(rules)
		count = smart.count_matches(parsed)
		sample = smart.sample_matches(parsed, limit=5)
	except frappe.ValidationError as e:
		frappe.clear_last_message()
		return {"count": None, "error": str(e), "sample": []}
	except RuleError as e:
		return {"count": None, "error": str(e), "sample": []}
	return {"count": count, "error": None, "sample": sample, "summary": describe_rules(parsed)}


@frappe.whitelist(methods=["POST"])
def add_to_pool(
	pool: str,
	candidates: list | str | None = None,
	job_applicants: list | str | None = None,
	reason: str | None = None,
) -> dict:
	"""Add people (candidates, or the candidates behind Job Applicants) to a manual pool."""
	doc = _pool_for(pool, "write")
	_require_candidate_read()
	if doc.pool_type != "Manual":
		frappe.throw(
			_("{0} is a {1} pool: its members are chosen by {2}.").format(
				doc.pool_name, _(doc.pool_type), _("its rules") if doc.pool_type == "Smart" else _("the app")
			)
		)
	names = names_param(candidates)
	applicants = names_param(job_applicants)
	if applicants:
		if not frappe.has_permission("Job Applicant", "read"):
			frappe.throw(_("Not permitted to read Job Applicants."), frappe.PermissionError)
		names += frappe.get_all(
			"Job Applicant",
			filters={"name": ["in", applicants], "rc_candidate": ["is", "set"]},
			pluck="rc_candidate",
			limit=0,
		)
	if len(names) > MAX_BULK:
		frappe.throw(_("Add at most {0} people at a time.").format(MAX_BULK))
	joined = membership.add_members(
		doc.name, names, reason or _("Added by hand"), added_by=frappe.session.user
	)
	return {"joined": joined, "already_members": len(set(names)) - joined, "pool": doc.name}


@frappe.whitelist(methods=["POST"])
def remove_from_pool(pool: str, candidates: list | str, reason: str | None = None) -> dict:
	"""Take people out of a manual pool (their history stays)."""
	doc = _pool_for(pool, "write")
	if doc.pool_type != "Manual":
		frappe.throw(_("Only manual pools can be edited by hand."))
	left = membership.remove_members(doc.name, names_param(candidates), reason or _("Removed by hand"))
	return {"left": left}


@frappe.whitelist(methods=["POST"])
def rebuild(pool: str) -> dict:
	"""Queue a full rebuild of a smart pool (progress shows on the pool form)."""
	doc = _pool_for(pool, "write")
	if doc.pool_type != "Smart":
		frappe.throw(_("Only smart pools are rebuilt from rules."))
	return {"job_id": smart.enqueue_rebuild(doc.name)}


@frappe.whitelist()
@frappe.read_only()
def insights(pool: str) -> dict:
	"""Size, growth, stage mix, average engagement and top skills of a pool."""
	doc = _pool_for(pool)
	return pool_insights(doc.name)


@frappe.whitelist()
@frappe.read_only()
def candidate_pools(candidate: str) -> list[dict]:
	"""The pools a person is in (those the user may see), with the reason."""
	frappe.get_doc("RC Candidate", candidate).check_permission("read")
	return [p for p in membership.pools_of(candidate) if can_see_pool(p.talent_pool)]


@frappe.whitelist()
def export_csv(pool: str) -> None:
	"""Download the pool's members as CSV."""
	doc = _pool_for(pool)
	if not frappe.has_permission("RC Talent Pool", "export"):
		frappe.throw(_("Not permitted to export talent pools."), frappe.PermissionError)
	frappe.response["type"] = "download"
	frappe.response["filename"] = f"{frappe.scrub(doc.pool_name)}_members.csv"
	frappe.response["filecontent"] = export_members_csv(doc.name)
