"""Export, erasure, retention and consent renewal for one person's data.

Frappe's own data-privacy requests only cover doctypes declared in `user_data_fields` and
people with a User account; HRMS declares nothing. This module covers a candidate whether or
not they have an account: every doctype with a Link to RC Candidate (found through meta, so
doctypes other features add are covered without edits), their Job Applicants (which HRMS names
after the email address, so they are renamed), the Interviews, Offers and Feedback pointing at
those, and the Communications, Comments, Versions, Files, Contacts, Email Queue rows, ToDos,
tags and search index entries about any of them.
"""

import hashlib
import json
from datetime import datetime

import frappe
from frappe import _
from frappe.utils import add_days, cint, get_datetime, getdate, now_datetime, today

from recruit_crm.domain.consent import RetentionFacts, retention_due_on

CANDIDATE = "RC Candidate"
APPLICANT = "Job Applicant"
ERASED_NAME = "Erased"
ANONYMISED_NAME = "Anonymised"

# Kept (scrubbed) when a candidate is anonymised rather than erased: history without a person.
KEPT_WHEN_ANONYMISED = ("RC Touchpoint", "RC Readiness Change")

# Personal fields on HRMS records that stay behind for HR's statistics.
APPLICANT_PII = ("applicant_name", "email_id", "phone_number", "cover_letter", "resume_attachment",
	"resume_link", "notes", "country", "source_name")  # fmt: skip
# Frappe's cached activity columns repeat comment text and user names.
CACHE_COLUMNS = ("_comments", "_assign", "_liked_by", "_seen", "_user_tags")
OFFER_PII = ("applicant_name", "applicant_email")
INTERVIEW_PII = ("resume_link", "interview_summary")
FEEDBACK_PII = ("feedback",)

_CANDIDATE_PII_BLANK = ("phone", "current_title", "current_employer", "location", "timezone",
	"education_field", "education_institution", "linkedin_url", "portfolio_url", "resume", "recruiter",
	"referred_by", "source_referrer", "source_campaign", "source_medium", "_user_tags", "_comments",
	"_assign", "_liked_by")  # fmt: skip


# ---------------------------------------------------------------------------------------------
# What belongs to a person


def candidate_link_fields() -> list[tuple[str, str]]:
	"""(doctype, fieldname) of every Link to RC Candidate, standard or custom, except Job Applicant's."""
	fields = set()
	for parent, fieldname in frappe.get_all(
		"DocField",
		filters={"fieldtype": "Link", "options": CANDIDATE},
		fields=["parent", "fieldname"],
		as_list=True,
	):
		fields.add((parent, fieldname))
	for parent, fieldname in frappe.get_all(
		"Custom Field",
		filters={"fieldtype": "Link", "options": CANDIDATE},
		fields=["dt", "fieldname"],
		as_list=True,
	):
		fields.add((parent, fieldname))
	result = []
	for doctype, fieldname in sorted(fields):
		if doctype == APPLICANT or not frappe.db.table_exists(doctype):
			continue
		meta = frappe.get_meta(doctype)
		if meta.issingle or meta.is_virtual:
			continue
		result.append((doctype, fieldname))
	return result


def _footprint(candidate: str) -> dict:
	"""Names of everything that is about this person."""
	applicants = frappe.get_all(APPLICANT, filters={"rc_candidate": candidate}, pluck="name", order_by=None)
	from recruit_crm.services.consent import candidate_emails

	emails = candidate_emails(candidate)
	emails += (
		[
			e.lower()
			for e in frappe.get_all(
				APPLICANT, filters={"name": ("in", applicants)}, pluck="email_id", order_by=None
			)
			if e and e.lower() not in emails
		]
		if applicants
		else []
	)
	return {"candidate": candidate, "applicants": applicants, "emails": emails}


def _documents(fp: dict) -> list[tuple[str, str]]:
	return [(CANDIDATE, fp["candidate"]), *((APPLICANT, a) for a in fp["applicants"])]


def _communications(fp: dict) -> list[str]:
	docs = _documents(fp)
	names = set()
	for doctype, name in docs:
		names.update(
			frappe.get_all(
				"Communication",
				filters={"reference_doctype": doctype, "reference_name": name},
				pluck="name",
				order_by=None,
			)
		)
		names.update(
			frappe.get_all(
				"Communication Link",
				filters={"link_doctype": doctype, "link_name": name, "parenttype": "Communication"},
				pluck="parent",
				order_by=None,
			)
		)
	if fp["emails"]:
		# Addresses also hide inside "Name <address>" senders and comma-separated recipient lists.
		comm = frappe.qb.DocType("Communication")
		condition = None
		for email in fp["emails"]:
			for field in (comm.sender, comm.recipients, comm.cc, comm.bcc):
				clause = field.like(f"%{email}%")
				condition = clause if condition is None else condition | clause
		names.update(frappe.qb.from_(comm).select(comm.name).where(condition).run(pluck=True))
	return sorted(names)


def _contacts(fp: dict) -> list[str]:
	if not fp["emails"]:
		return []
	return sorted(
		set(
			frappe.get_all(
				"Contact Email",
				filters={"email_id": ("in", fp["emails"]), "parenttype": "Contact"},
				pluck="parent",
				order_by=None,
			)
		)
	)


def _email_queue(fp: dict, communications: list[str]) -> list[str]:
	names = set()
	if fp["emails"]:
		names.update(
			frappe.get_all(
				"Email Queue Recipient",
				filters={"recipient": ("in", fp["emails"])},
				pluck="parent",
				order_by=None,
			)
		)
	if communications:
		names.update(
			frappe.get_all(
				"Email Queue", filters={"communication": ("in", communications)}, pluck="name", order_by=None
			)
		)
	for doctype, name in _documents(fp):
		names.update(
			frappe.get_all(
				"Email Queue",
				filters={"reference_doctype": doctype, "reference_name": name},
				pluck="name",
				order_by=None,
			)
		)
	return sorted(names)


def _hrms_related(applicants: list[str]) -> dict[str, list[str]]:
	if not applicants:
		return {"Interview": [], "Interview Feedback": [], "Job Offer": [], "Employee": []}
	return {
		doctype: frappe.get_all(
			doctype, filters={"job_applicant": ("in", applicants)}, pluck="name", order_by=None
		)
		for doctype in ("Interview", "Interview Feedback", "Job Offer", "Employee")
	}


# ---------------------------------------------------------------------------------------------
# Export


def export_candidate(candidate: str) -> dict:
	"""Everything held about this person, as plain data (for a subject access request)."""
	fp = _footprint(candidate)
	data: dict = {"candidate": _plain(CANDIDATE, candidate)}
	for doctype, fieldname in candidate_link_fields():
		rows = frappe.get_all(doctype, filters={fieldname: candidate}, fields=["*"], order_by=None)
		if rows:
			data.setdefault(doctype, []).extend(rows)
	data[APPLICANT] = [_plain(APPLICANT, a) for a in fp["applicants"]]
	for doctype, names in _hrms_related(fp["applicants"]).items():
		data[doctype] = [_plain(doctype, n) for n in names]
	comms = _communications(fp)
	data["Communication"] = (
		frappe.get_all(
			"Communication",
			filters={"name": ("in", comms)},
			fields=[
				"name",
				"communication_date",
				"sent_or_received",
				"communication_medium",
				"sender",
				"recipients",
				"subject",
				"content",
			],
			order_by="communication_date",
		)
		if comms
		else []
	)
	data["Comment"] = [
		row
		for doctype, name in _documents(fp)
		for row in frappe.get_all(
			"Comment",
			filters={"reference_doctype": doctype, "reference_name": name},
			fields=["comment_type", "content", "creation", "owner"],
			order_by="creation",
		)
	]
	data["File"] = [
		row
		for doctype, name in _documents(fp)
		for row in frappe.get_all(
			"File",
			filters={"attached_to_doctype": doctype, "attached_to_name": name},
			fields=["file_name", "file_url", "file_size", "creation"],
			order_by=None,
		)
	]
	contacts = _contacts(fp)
	data["Contact"] = [_plain("Contact", c) for c in contacts]
	return json.loads(frappe.as_json(data))


def _plain(doctype: str, name: str) -> dict:
	doc = frappe.get_doc(doctype, name)
	return {"name": doc.name, **doc.as_dict(no_default_fields=True)}


# ---------------------------------------------------------------------------------------------
# Erasure and anonymisation


def _opaque(prefix: str, value: str) -> str:
	digest = hashlib.sha256(
		f"{frappe.local.site}:{value}:{frappe.generate_hash(length=8)}".encode()
	).hexdigest()
	return f"{prefix}-{digest[:12]}"


def erase_candidate(candidate: str) -> dict:
	"""Erase this person: nothing that identifies them remains anywhere.

	Refuses people who became employees (their records follow HR retention rules).
	Returns what was removed, per kind.
	"""
	return _remove_person(candidate, keep_candidate=False)


def anonymise_candidate(candidate: str) -> dict:
	"""Anonymise this person: the record and its history stay for statistics, with nothing personal."""
	return _remove_person(candidate, keep_candidate=True)


def _remove_person(candidate: str, keep_candidate: bool) -> dict:
	if not frappe.db.exists(CANDIDATE, candidate):
		frappe.throw(_("Candidate {0} does not exist.").format(candidate), frappe.DoesNotExistError)
	fp = _footprint(candidate)
	hrms = _hrms_related(fp["applicants"])
	if hrms["Employee"]:
		frappe.throw(
			_("This person was hired; their records are employee records and follow HR retention rules."),
			title=_("Cannot Remove"),
		)
	report: dict[str, int] = {}
	frappe.flags.rc_erasure = True
	try:
		comms = _communications(fp)
		queue = _email_queue(fp, comms)
		contacts = _contacts(fp)
		_delete_attached("Communication", comms, report)
		if comms:
			_delete_rows("Communication Link", {"parent": ("in", comms)}, report)
			_delete_rows("Communication", {"name": ("in", comms)}, report)
		if queue:
			_delete_rows("Email Queue Recipient", {"parent": ("in", queue)}, report)
			_delete_rows("Email Queue", {"name": ("in", queue)}, report)
		if fp["emails"]:
			_delete_rows("Email Unsubscribe", {"email": ("in", fp["emails"])}, report)
		for contact in contacts:
			_delete_attached("Contact", [contact], report)
			for child in ("Contact Email", "Contact Phone", "Dynamic Link"):
				_delete_rows(child, {"parent": contact, "parenttype": "Contact"}, report)
			_delete_rows("Contact", {"name": contact}, report)

		# Our own doctypes, and any other feature's, found through their Link to RC Candidate.
		for doctype, fieldname in candidate_link_fields():
			if keep_candidate and doctype in KEPT_WHEN_ANONYMISED:
				continue
			_delete_linked(doctype, fieldname, candidate, report)
		if keep_candidate:
			_scrub_history(candidate)

		# HRMS: interviews, feedback and offers keep their statistics; the applicant loses its name.
		for doctype, fields in (
			("Job Offer", OFFER_PII),
			("Interview", INTERVIEW_PII),
			("Interview Feedback", FEEDBACK_PII),
		):
			for name in hrms[doctype]:
				_clear_history(doctype, name, report)
				frappe.db.set_value(
					doctype, name, dict.fromkeys(fields + _cache_columns(doctype)), update_modified=False
				)
		for applicant in fp["applicants"]:
			_erase_applicant(applicant, report)

		_clear_history(CANDIDATE, candidate, report)
		if keep_candidate:
			_scrub_candidate(candidate)
		else:
			for child in ("RC Candidate Skill", "RC Candidate Language", "RC Candidate Email"):
				_delete_rows(child, {"parent": candidate, "parenttype": CANDIDATE}, report)
			_delete_rows(CANDIDATE, {"name": candidate}, report)
	finally:
		frappe.flags.rc_erasure = False
	return report


def _cache_columns(doctype: str) -> tuple[str, ...]:
	return tuple(c for c in CACHE_COLUMNS if frappe.db.has_column(doctype, c))


def _delete_rows(doctype: str, filters: dict, report: dict) -> None:
	count = frappe.db.count(doctype, filters)
	if count:
		frappe.db.delete(doctype, filters)
		report[doctype] = report.get(doctype, 0) + count


def _delete_attached(doctype: str, names: list[str], report: dict) -> None:
	"""Files attached to these documents (and their content on disk), plus comments, versions, tags."""
	if not names:
		return
	for file in frappe.get_all(
		"File",
		filters={"attached_to_doctype": doctype, "attached_to_name": ("in", names)},
		pluck="name",
		order_by=None,
	):
		frappe.delete_doc("File", file, ignore_permissions=True, force=True, delete_permanently=True)
		report["File"] = report.get("File", 0) + 1
	for name in names:
		_clear_history(doctype, name, report, files=False)


def _clear_history(doctype: str, name: str, report: dict, files: bool = True) -> None:
	if files:
		_delete_attached(doctype, [name], report)
	_delete_rows("Comment", {"reference_doctype": doctype, "reference_name": name}, report)
	_delete_rows("Version", {"ref_doctype": doctype, "docname": name}, report)
	_delete_rows("ToDo", {"reference_type": doctype, "reference_name": name}, report)
	_delete_rows("Tag Link", {"document_type": doctype, "document_name": name}, report)
	_delete_rows("DocShare", {"share_doctype": doctype, "share_name": name}, report)
	_delete_rows("View Log", {"reference_doctype": doctype, "reference_name": name}, report)
	_delete_rows("Activity Log", {"reference_doctype": doctype, "reference_name": name}, report)
	_delete_rows("Error Log", {"reference_doctype": doctype, "reference_name": name}, report)
	frappe.db.sql("delete from `__global_search` where doctype = %s and name = %s", (doctype, name))


def _delete_linked(doctype: str, fieldname: str, candidate: str, report: dict) -> None:
	names = frappe.get_all(doctype, filters={fieldname: candidate}, pluck="name", order_by=None)
	if not names:
		return
	meta = frappe.get_meta(doctype)
	for table in meta.get_table_fields():
		_delete_rows(table.options, {"parent": ("in", names), "parenttype": doctype}, report)
	_delete_attached(doctype, names, report)
	_delete_rows(doctype, {"name": ("in", names)}, report)


def _erase_applicant(applicant: str, report: dict) -> None:
	"""Rename the applicant (HRMS names it by email) and blank what identifies the person."""
	_clear_history(APPLICANT, applicant, report)
	new_name = _opaque("erased-applicant", applicant)
	frappe.rename_doc(APPLICANT, applicant, new_name, force=True, show_alert=False, rebuild_search=False)
	frappe.db.set_value(
		APPLICANT,
		new_name,
		{
			**dict.fromkeys(APPLICANT_PII + _cache_columns(APPLICANT)),
			"applicant_name": ERASED_NAME,
			"email_id": f"{new_name}@erased.invalid",
			"rc_candidate": None,
		},
		update_modified=False,
	)
	_clear_history(APPLICANT, new_name, report)  # the rename itself leaves a comment
	report[APPLICANT] = report.get(APPLICANT, 0) + 1


def _scrub_history(candidate: str) -> None:
	"""Touchpoints and stage changes of an anonymised person keep type and time, nothing else."""
	frappe.db.sql(
		"""update `tabRC Touchpoint` set details = null, recruiter = null, job_applicant = null,
			reference_doctype = null, reference_name = null
		where candidate = %s""",
		candidate,
	)


def _scrub_candidate(candidate: str) -> None:
	for child in ("RC Candidate Language", "RC Candidate Email"):
		frappe.db.delete(child, {"parent": candidate, "parenttype": CANDIDATE})
	values = {
		**dict.fromkeys(_CANDIDATE_PII_BLANK),
		"full_name": ANONYMISED_NAME,
		"email": f"{candidate}@anonymised.invalid",
		"is_anonymized": 1,
		"anonymized_at": now_datetime(),
		"has_pool_consent": 0,
		"has_marketing_consent": 0,
		"consent_expires_on": None,
		"do_not_contact": 1,
	}
	frappe.db.set_value(CANDIDATE, candidate, values, update_modified=False)


# ---------------------------------------------------------------------------------------------
# Retention


def retention_months() -> int:
	value = frappe.db.get_single_value("RC Settings", "retention_months")
	return 6 if value is None else cint(value)


def retention_facts(candidates: list[str] | None = None) -> list[tuple[str, RetentionFacts]]:
	"""Facts retention decides on, for every candidate without valid consent (or only these), set-based.

	The last decision is the latest of: an application closed (rejected or accepted), consent
	withdrawn or lapsed; failing both, when the candidate was created.
	"""
	params: dict = {"closed": ("Rejected", "Accepted"), "open": ("Open", "Replied", "Hold"), "today": today()}
	only = ""
	if candidates is not None:
		if not candidates:
			return []
		only = "and c.name in %(names)s"
		params["names"] = candidates
	rows = frappe.db.sql(
		f"""select c.name, c.is_anonymized, c.has_pool_consent, c.consent_expires_on, c.creation,
			c.crm_stage,
			apps.open_count, apps.last_closed_at, apps.hired_count, consent.last_consent_end
		from `tabRC Candidate` c
		left join (
			select ja.rc_candidate,
				sum(ja.status in %(open)s) as open_count,
				max(if(ja.status in %(closed)s, ja.modified, null)) as last_closed_at,
				count(e.name) as hired_count
			from `tabJob Applicant` ja
			left join `tabEmployee` e on e.job_applicant = ja.name
			where ja.rc_candidate is not null
			group by ja.rc_candidate
		) apps on apps.rc_candidate = c.name
		left join (
			select candidate, max(case when withdrawn_at is not null then withdrawn_at
				when expires_on < %(today)s then expires_on end) as last_consent_end
			from `tabRC Consent` group by candidate
		) consent on consent.candidate = c.name
		where c.is_anonymized = 0 and c.has_pool_consent = 0 and c.has_marketing_consent = 0 {only}""",
		params,
		as_dict=True,
	)
	result = []
	for row in rows:
		decisions = [get_datetime(d) for d in (row.last_closed_at, row.last_consent_end) if d]
		last_decision = max(decisions) if decisions else get_datetime(row.creation)
		result.append(
			(
				row.name,
				RetentionFacts(
					has_valid_consent=False,  # only people without valid consent are selected
					has_open_application=bool(cint(row.open_count)),
					is_hired=bool(cint(row.hired_count)) or row.crm_stage == "Hired",
					is_anonymized=bool(row.is_anonymized),
					last_decision_at=last_decision,
				),
			)
		)
	return result


def retention_schedule(
	within_days: int = 30, on: datetime | None = None, candidates: list[str] | None = None
) -> list[dict]:
	"""Who will be anonymised within `within_days` (overdue first), with the reason and date."""
	months = retention_months()
	horizon = getdate(add_days(on or today(), within_days))
	due = []
	for name, facts in retention_facts(candidates):
		due_on, reason = retention_due_on(facts, months)
		if due_on and due_on <= horizon:
			due.append(
				{
					"candidate": name,
					"due_on": due_on,
					"reason": reason,
					"last_decision_at": facts.last_decision_at,
				}
			)
	return sorted(due, key=lambda r: (r["due_on"], r["candidate"]))


def anonymise_due(candidates: list[str] | None = None, limit: int = 2000, commit_each: bool = True) -> dict:
	"""Anonymise everyone (or these candidates) whose retention period is over.

	With `commit_each`, every person is committed on their own, so one failure undoes nobody else.
	"""
	anonymised, failed = 0, 0
	for row in retention_schedule(within_days=0, candidates=candidates)[:limit]:
		savepoint = "rc_anonymise"
		frappe.db.savepoint(savepoint)
		try:
			anonymise_candidate(row["candidate"])
			anonymised += 1
		except Exception:
			frappe.db.rollback(save_point=savepoint)
			failed += 1
			frappe.log_error(title="recruit_crm: retention anonymisation failed", reference_doctype=CANDIDATE)
		if commit_each:
			frappe.db.commit()  # nosemgrep: each person is complete on their own
	return {"anonymised": anonymised, "failed": failed}


def run_retention_daily() -> dict:
	"""Daily: lapse expired consent, then anonymise everyone due."""
	from recruit_crm.services.consent import expire_lapsed_consents

	expire_lapsed_consents()
	return anonymise_due()


# ---------------------------------------------------------------------------------------------
# Consent renewal (re-permission) before consent expires

RENEWAL = "rc-consent-renewal"


def renewal_url(candidate: str, purposes: list[str], ttl_days: int) -> str:
	from recruit_crm.services import portal_tokens

	token = portal_tokens.make_token(candidate, RENEWAL, ttl_days, {"p": sorted(purposes)})
	return frappe.utils.get_url(f"/api/method/recruit_crm.api.portal.confirm_consent?t={token}")


def send_renewal_request(candidate: str) -> bool:
	"""Email the candidate a signed, expiring link to renew the consent that is about to lapse."""
	row = frappe.db.get_value(
		CANDIDATE,
		candidate,
		["email", "full_name", "do_not_contact", "has_bounced", "is_anonymized"],
		as_dict=True,
	)
	if not row or row.do_not_contact or row.has_bounced or row.is_anonymized:
		return False
	consents = frappe.get_all(
		"RC Consent",
		filters={"candidate": candidate, "withdrawn_at": ("is", "not set"), "expires_on": (">=", today())},
		fields=["name", "purpose", "expires_on"],
		order_by=None,
	)
	if not consents:
		return False
	expires_on = min(getdate(c.expires_on) for c in consents)
	ttl = max(7, (expires_on - getdate(today())).days + 30)
	url = renewal_url(candidate, sorted({c.purpose for c in consents}), ttl)
	frappe.sendmail(
		recipients=[row.email],
		subject=_("Shall we keep in touch?"),
		message=frappe.render_template(
			"recruit_crm/templates/emails/consent_renewal.html",
			{
				"full_name": row.full_name,
				"url": url,
				"expires_on": expires_on,
				"purposes": sorted({c.purpose for c in consents}),
			},
		),
		reference_doctype=CANDIDATE,
		reference_name=candidate,
		delayed=True,
	)
	frappe.db.set_value(
		"RC Consent",
		{"name": ("in", [c.name for c in consents])},
		"repermission_requested_at",
		now_datetime(),
		update_modified=False,
	)
	return True


def run_consent_renewal_requests(limit: int = 5000) -> int:
	"""Daily: ask everyone whose consent lapses within the configured days, once per consent."""
	days = cint(frappe.db.get_single_value("RC Settings", "repermission_days_before_expiry") or 30)
	candidates = frappe.db.sql(
		"""select distinct rc.candidate from `tabRC Consent` rc
		join `tabRC Candidate` c on c.name = rc.candidate
		where rc.withdrawn_at is null and rc.repermission_requested_at is null
			and rc.expires_on between %s and %s
			and c.do_not_contact = 0 and c.has_bounced = 0 and c.is_anonymized = 0
		limit %s""",
		(today(), add_days(today(), days), limit),
		pluck=True,
	)
	sent = 0
	for candidate in candidates:
		sent += bool(send_renewal_request(candidate))
	return sent


def confirm_renewal(token: str | None, evidence: dict) -> None:
	"""Renew each purpose named in a genuine renewal token; anything else does nothing."""
	from recruit_crm.domain.types import ConsentMethod
	from recruit_crm.services import consent, portal_tokens

	payload = portal_tokens.read_token(token, RENEWAL)
	if not payload:
		return
	candidate = payload["s"]
	if not frappe.db.exists(CANDIDATE, {"name": candidate, "is_anonymized": 0, "do_not_contact": 0}):
		return
	for purpose in (payload.get("x") or {}).get("p") or []:
		consent.give(
			candidate, purpose, ConsentMethod.WEB_FORM.value, {**evidence, "form": "Consent renewal email"}
		)
