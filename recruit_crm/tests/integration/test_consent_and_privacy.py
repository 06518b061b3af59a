"""Consent enforcement, retention, export and erasure on a real site. Erasure and anonymisation
are checked against every table in the database: nothing that identifies the person is left."""

import frappe
from frappe.core.doctype.communication.email import make as make_communication
from frappe.utils import add_days, add_months, now_datetime, today

from recruit_crm.services.compliance import consent, erasure, export, renewal, retention
from recruit_crm.services.engagement import touchpoints
from recruit_crm.services.nurture.constants import SENDABLE_SQL
from recruit_crm.tests.factories import (
	make_candidate,
	make_interview,
	make_job_applicant,
	make_job_opening,
	make_user,
)
from recruit_crm.tests.integration import RCTestCase


def flags(candidate: str) -> frappe._dict:
	return frappe.db.get_value(
		"RC Candidate",
		candidate,
		[
			"has_pool_consent",
			"has_marketing_consent",
			"consent_expires_on",
			"is_unsubscribed",
			"do_not_contact",
		],
		as_dict=True,
	)


def sendable(candidate: str) -> bool:
	return bool(
		frappe.db.sql(
			f"select 1 from `tabRC Candidate` c where c.name = %(name)s and {SENDABLE_SQL}",
			{"name": candidate, "today": frappe.utils.nowdate()},
		)
	)


def tables_mentioning(*needles: str) -> dict[str, list[str]]:
	"""Every table (all apps) with text columns containing any of the needles, and those columns."""
	columns = frappe.db.sql(
		"""select table_name, column_name from information_schema.columns
		where table_schema = database() and data_type in ('varchar', 'text', 'mediumtext', 'longtext', 'char', 'json')""",
	)
	by_table: dict[str, list[str]] = {}
	for table, column in columns:
		by_table.setdefault(table, []).append(column)
	found = {}
	for table, cols in by_table.items():
		if table.startswith("__") and table != "__global_search":
			continue
		params = {f"n{i}": f"%{n}%" for i, n in enumerate(needles)}
		matches = [f"({' or '.join(f'`{c}` like %(n{i})s' for i in range(len(needles)))})" for c in cols]
		hits = frappe.db.sql(f"select {', '.join(f'max{m}' for m in matches)} from `{table}`", params)[0]
		hit_columns = [c for c, hit in zip(cols, hits, strict=True) if hit]
		if hit_columns:
			found[table] = hit_columns
	return found


class TestConsent(RCTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		self.candidate = make_candidate().name

	def test_consent_sets_the_flags_and_withdrawal_clears_them_at_once(self):
		consent.give(
			self.candidate, "Marketing Email", "Web Form", {"ip_address": "203.0.113.9", "form": "careers"}
		)
		consent.give(self.candidate, "Talent Pool", "Import")
		f = flags(self.candidate)
		self.assertEqual((f.has_pool_consent, f.has_marketing_consent), (1, 1))
		self.assertEqual(str(f.consent_expires_on), str(add_months(today(), 12)))
		self.assertTrue(sendable(self.candidate))
		consent.withdraw(self.candidate, "Marketing Email", "Email Reply")
		self.assertFalse(sendable(self.candidate))
		self.assertEqual(flags(self.candidate).has_pool_consent, 1)

	def test_expired_consent_stops_counting(self):
		consent.give(self.candidate, "Marketing Email", "Recruiter", expires_on=today())
		self.assertTrue(sendable(self.candidate))
		# a day later: the ledger entry and the flags it set both show yesterday's date
		frappe.db.set_value("RC Consent", {"candidate": self.candidate}, "expires_on", add_days(today(), -1))
		frappe.db.set_value("RC Candidate", self.candidate, "consent_expires_on", add_days(today(), -1))
		self.assertEqual(consent.expire_lapsed_consents(), 1)
		self.assertFalse(sendable(self.candidate))

	def test_unsubscribing_stops_queued_marketing_but_not_recruiter_mail(self):
		consent.give(self.candidate, "Marketing Email", "Web Form")
		email = frappe.db.get_value("RC Candidate", self.candidate, "email")
		marketing = frappe.sendmail(recipients=[email], subject="Newsletter", message="x",
			reference_doctype="Newsletter", reference_name="n1", now=False)  # fmt: skip
		personal = frappe.sendmail(recipients=[email], subject="Interview", message="y",
			reference_doctype="RC Candidate", reference_name=self.candidate, now=False)  # fmt: skip
		consent.unsubscribe(self.candidate, "Unsubscribe Link")
		self.assertEqual(flags(self.candidate).is_unsubscribed, 1)
		self.assertFalse(sendable(self.candidate))
		self.assertEqual(frappe.db.get_value("Email Queue", marketing.name, "status"), "Error")
		self.assertEqual(frappe.db.get_value("Email Queue", personal.name, "status"), "Not Sent")
		self.assertIn(
			"Unsubscribed",
			frappe.get_all("RC Touchpoint", {"candidate": self.candidate}, pluck="touchpoint_type"),
		)

	def test_do_not_contact_ticked_on_the_form_takes_effect_everywhere(self):
		consent.give(self.candidate, "Talent Pool", "Recruiter")
		email = frappe.db.get_value("RC Candidate", self.candidate, "email")
		queued = frappe.sendmail(recipients=[email], subject="Hi", message="x",
			reference_doctype="RC Candidate", reference_name=self.candidate, now=False)  # fmt: skip
		doc = frappe.get_doc("RC Candidate", self.candidate)
		doc.do_not_contact = 1
		doc.save()
		self.assertEqual(flags(self.candidate).has_pool_consent, 0)
		self.assertEqual(frappe.db.get_value("Email Queue", queued.name, "status"), "Error")
		self.assertTrue(frappe.db.exists("Email Unsubscribe", {"email": email, "global_unsubscribe": 1}))
		self.assertFalse(frappe.sendmail(recipients=[email], subject="Again", message="x", now=False))
		doc.reload()
		doc.do_not_contact = 0
		doc.save()
		self.assertFalse(frappe.db.exists("Email Unsubscribe", {"email": email, "global_unsubscribe": 1}))

	def test_the_ledger_cannot_be_rewritten(self):
		name = consent.give(self.candidate, "Talent Pool", "Web Form", {"ip_address": "198.51.100.1"})
		doc = frappe.get_doc("RC Consent", name)
		doc.ip_address = "10.0.0.1"
		self.assertRaises(frappe.ValidationError, doc.save)
		self.assertRaises(frappe.PermissionError, frappe.delete_doc, "RC Consent", name)

	def test_renewal_link_renews_consent_only_on_confirmation(self):
		consent.give(self.candidate, "Talent Pool", "Web Form", expires_on=add_days(today(), 10))
		self.assertEqual(renewal.send_due_renewal_requests(), 1)
		self.assertEqual(renewal.send_due_renewal_requests(), 0, "asked once per consent")
		mail = frappe.get_last_doc("Email Queue", filters={"reference_name": self.candidate})
		self.assertIn("confirm_consent?t=", mail.message.replace("=\n", ""))
		url = renewal.renewal_url(self.candidate, ["Talent Pool"], 30)
		renewal.confirm_renewal("forged." + url.split("t=")[1].split(".")[1], {})
		self.assertEqual(frappe.db.count("RC Consent", {"candidate": self.candidate}), 1)
		renewal.confirm_renewal(url.split("t=")[1], {"ip_address": "192.0.2.7"})
		self.assertEqual(frappe.db.count("RC Consent", {"candidate": self.candidate}), 2)
		self.assertEqual(str(flags(self.candidate).consent_expires_on), str(add_days(today(), 10)))
		latest = frappe.get_last_doc("RC Consent", filters={"candidate": self.candidate})
		self.assertEqual((latest.ip_address, latest.evidence_form), ("192.0.2.7", "Consent renewal email"))


class TestRetentionAndErasure(RCTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		# Values unique to this test, so the whole-database search finds only this person's traces.
		tag = frappe.generate_hash(length=8)
		self.name_part = f"Zyx{tag}"
		self.phone = f"+44 7700 {int(tag, 16) % 10**6:06d}"
		self.ip = f"198.18.{int(tag[:2], 16)}.{int(tag[2:4], 16)}"
		self.email = f"erase.{tag}@example.org"
		self.needles = (self.email, self.name_part, self.phone, self.ip)
		self.opening = make_job_opening()
		self.applicant = make_job_applicant(email=self.email, job_opening=self.opening.name,
			applicant_name=f"{self.name_part} Qutsr", phone_number=self.phone)  # fmt: skip
		self.candidate = self.applicant.rc_candidate
		make_communication(doctype="Job Applicant", name=self.applicant.name, content=f"Dear {self.name_part}",
			subject="Application", recipients=self.email, send_email=True)  # fmt: skip
		frappe.get_doc("RC Candidate", self.candidate).add_comment("Comment", f"{self.name_part} was great")
		frappe.get_doc({"doctype": "File", "file_name": "cv.txt", "content": f"{self.name_part} Qutsr CV",
			"attached_to_doctype": "Job Applicant", "attached_to_name": self.applicant.name}).insert()  # fmt: skip
		frappe.get_doc({"doctype": "Contact", "first_name": self.name_part, "last_name": "Qutsr",
			"email_ids": [{"email_id": self.email, "is_primary": 1}]}).insert(ignore_permissions=True)  # fmt: skip
		consent.give(self.candidate, "Marketing Email", "Web Form", {"ip_address": self.ip})
		self.interview = make_interview(
			self.applicant.name, status="Rejected", interview_summary=f"{self.name_part} struggled"
		)

	def reject_long_ago(self, months: int) -> None:
		"""Rejected and marketing consent withdrawn, both `months` ago."""
		consent.withdraw(self.candidate, "Marketing Email", "Email Reply")
		frappe.db.set_value(
			"RC Consent", {"candidate": self.candidate}, "withdrawn_at", add_months(now_datetime(), -months)
		)
		frappe.db.set_value("Job Applicant", self.applicant.name, "status", "Rejected")
		frappe.db.set_value(
			"Job Applicant",
			self.applicant.name,
			"modified",
			add_months(now_datetime(), -months),
			update_modified=False,
		)

	def test_the_schedule_shows_who_is_due_and_why(self):
		self.reject_long_ago(7)
		rows = {
			r["candidate"]: r
			for r in retention.retention_schedule(within_days=0, candidates=[self.candidate])
		}
		self.assertIn(self.candidate, rows)
		self.assertIn("no valid consent and no open application", rows[self.candidate]["reason"])

	def test_pool_consent_or_an_open_application_keeps_a_person(self):
		self.reject_long_ago(7)
		consent.give(self.candidate, "Talent Pool", "Recruiter")
		due = {
			r["candidate"] for r in retention.retention_schedule(within_days=0, candidates=[self.candidate])
		}
		self.assertNotIn(self.candidate, due)
		consent.withdraw(self.candidate, "Talent Pool", "Recruiter")
		frappe.db.set_value("Job Applicant", self.applicant.name, "status", "Open")
		self.assertNotIn(
			self.candidate,
			{
				r["candidate"]
				for r in retention.retention_schedule(within_days=0, candidates=[self.candidate])
			},
		)

	def test_an_accepted_offer_or_work_in_progress_is_never_due(self):
		self.reject_long_ago(7)
		for status in ("Accepted", "Hold", "Replied", "Open"):
			with self.subTest(status=status):
				frappe.db.set_value(
					"Job Applicant", self.applicant.name, "status", status, update_modified=False
				)
				due = {
					r["candidate"]
					for r in retention.retention_schedule(within_days=0, candidates=[self.candidate])
				}
				self.assertNotIn(self.candidate, due)
		frappe.db.set_value("Job Applicant", self.applicant.name, "status", "Rejected", update_modified=False)
		due = {
			r["candidate"] for r in retention.retention_schedule(within_days=0, candidates=[self.candidate])
		}
		self.assertIn(self.candidate, due, "rejected long ago with no consent: due")

	def test_an_accepted_offer_shows_as_offered(self):
		from recruit_crm.services.candidates.records import refresh_candidates

		frappe.db.set_value("Job Applicant", self.applicant.name, "status", "Accepted")
		refresh_candidates([self.candidate])
		self.assertEqual(frappe.db.get_value("RC Candidate", self.candidate, "crm_stage"), "Offered")

	def test_the_report_lists_the_same_people(self):
		self.reject_long_ago(7)
		from recruit_crm.recruit_crm.report.candidate_anonymisation_schedule.candidate_anonymisation_schedule import (
			execute,
		)

		_, data, *_ = execute({"within_days": 0})
		self.assertIn(self.candidate, [r["candidate"] for r in data])

	def test_anonymisation_leaves_statistics_and_nothing_personal(self):
		self.reject_long_ago(7)
		touchpoints.record(self.candidate, "Call", details=f"{self.name_part} asked about salary")
		erasure.anonymise_candidate(self.candidate)
		row = frappe.db.get_value(
			"RC Candidate", self.candidate, ["is_anonymized", "full_name"], as_dict=True
		)
		self.assertEqual((row.is_anonymized, row.full_name), (1, "Anonymised"))
		self.assertTrue(frappe.db.count("RC Touchpoint", {"candidate": self.candidate}))
		self.assertTrue(frappe.db.exists("Interview", self.interview.name))
		self.assertEqual(tables_mentioning(*self.needles), {})

	def test_the_retention_run_anonymises_those_due_and_nobody_else(self):
		kept = make_job_applicant(job_opening=self.opening.name).rc_candidate
		self.reject_long_ago(7)
		result = retention.anonymise_due([self.candidate, kept], commit_each=False)
		self.assertEqual(result, {"anonymised": 1, "failed": 0})
		self.assertEqual(frappe.db.get_value("RC Candidate", self.candidate, "is_anonymized"), 1)
		self.assertEqual(frappe.db.get_value("RC Candidate", kept, "is_anonymized"), 0)

	def test_export_contains_everything_held(self):
		data = export.export_candidate(self.candidate)
		self.assertEqual(data["candidate"]["email"], self.email)
		self.assertEqual([a["name"] for a in data["Job Applicant"]], [self.applicant.name])
		self.assertEqual([i["name"] for i in data["Interview"]], [self.interview.name])
		self.assertTrue(data["Communication"] and data["Comment"] and data["File"] and data["Contact"])
		self.assertEqual(data["RC Consent"][0]["ip_address"], self.ip)
		self.assertTrue(data["RC Touchpoint"])

	def test_erasure_leaves_nothing_behind_in_any_table(self):
		touchpoints.record(self.candidate, "Note", details=f"{self.name_part} prefers remote")
		removed = erasure.erase_candidate(self.candidate)
		self.assertFalse(frappe.db.exists("RC Candidate", self.candidate))
		self.assertGreaterEqual(removed.get("RC Touchpoint", 0), 1)
		self.assertEqual(tables_mentioning(*self.needles, self.candidate), {})
		erased = frappe.db.get_value("Interview", self.interview.name, "job_applicant")
		self.assertTrue(erased.startswith("erased-applicant-"))
		self.assertEqual(frappe.db.get_value("Job Applicant", erased, "applicant_name"), "Erased")
		from recruit_crm.services.candidates.records import link_job_applicant

		husk = frappe.get_doc("Job Applicant", erased)
		link_job_applicant(husk)  # what a save or the hourly backfill does: no new candidate appears
		self.assertFalse(husk.rc_candidate)

	def test_only_hr_managers_may_erase_through_the_api(self):
		from recruit_crm.api.privacy import erase_candidate

		frappe.set_user(make_user("rc.recruiter.erase@example.org", roles=("Recruiter",)))
		self.assertRaises(frappe.PermissionError, erase_candidate, self.candidate, self.email)
		frappe.set_user(make_user("rc.hrm.erase@example.org", roles=("HR Manager", "HR User")))
		self.assertRaises(frappe.ValidationError, erase_candidate, self.candidate, "wrong@example.org")
		self.assertTrue(frappe.db.exists("RC Candidate", self.candidate))
		erase_candidate(self.candidate, self.email)
		self.assertFalse(frappe.db.exists("RC Candidate", self.candidate))
