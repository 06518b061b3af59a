"""Nobody waits unseen: SLA flags per state (with an opening's own times), ToDos for the
recruiter once per level, escalation to HR Managers past the maximum, snooze and dismiss, the
"Waiting on Us" report, the digest, and the board's data."""

import frappe
from frappe.tests.test_api import FrappeAPITestCase
from frappe.utils import add_to_date, now_datetime

from recruit_crm.recruit_crm.report.waiting_on_us import waiting_on_us
from recruit_crm.services.pipeline import board, sla, transitions
from recruit_crm.tests.factories import make_interview, make_job_applicant, make_job_opening, make_user
from recruit_crm.tests.integration import RCTestCase

RECRUITER = "sla.recruiter@rc-test.localhost"
MANAGER = "sla.manager@rc-test.localhost"


def age(applicant: str, days: float) -> None:
	"""Pretend the application entered its current state `days` ago (as a move then would have:
	its flag was due for a look from that moment)."""
	when = add_to_date(now_datetime(), days=-days)
	frappe.db.set_value(
		"Job Applicant",
		applicant,
		{"rc_stage_entered_at": when, "rc_sla_due_at": when},
		update_modified=False,
	)
	frappe.db.sql(
		"update `tabRC Application Stage` set entered_at = %s where job_applicant = %s and left_at is null",
		(when, applicant),
	)


def todos(applicant: str, user: str | None = None) -> list[frappe._dict]:
	filters = {"reference_type": "Job Applicant", "reference_name": applicant, "status": "Open",
		"description": ("like", "Waiting on us:%")}  # fmt: skip
	if user:
		filters["allocated_to"] = user
	return frappe.get_all("ToDo", filters=filters, fields=["allocated_to", "priority", "description"])


class TestWaitingApplications(RCTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(RECRUITER, ("Recruiter",))
		make_user(MANAGER, ("HR Manager", "HR User"))
		cls.opening = make_job_opening()
		cls.opening.append("rc_recruiters", {"user": RECRUITER})
		cls.opening.save()

	def applicant(self):
		doc = make_job_applicant(job_opening=self.opening.name)
		transitions.move([doc.name], "Screening")  # a real move: alerts start here
		return doc.name

	def test_flags_follow_the_states_ideal_and_maximum_days(self):
		fresh, amber, red = self.applicant(), self.applicant(), self.applicant()
		age(amber, 6)  # Screening: ideal 5, max 10
		age(red, 11)
		sla.scan()
		flags = dict(
			frappe.get_all(
				"Job Applicant",
				filters={"name": ("in", [fresh, amber, red])},
				fields=["name", "rc_sla_status"],
				as_list=True,
			)
		)
		self.assertEqual(flags, {fresh: "On Track", amber: "Past Ideal", red: "Past Max"})

	def test_an_openings_own_times_win(self):
		opening = make_job_opening()
		opening.append("rc_stage_slas", {"state": "Screening", "ideal_days": 1, "max_days": 2})
		opening.save()
		doc = make_job_applicant(job_opening=opening.name)
		transitions.move([doc.name], "Screening")
		age(doc.name, 1.5)
		sla.scan()
		self.assertEqual(frappe.db.get_value("Job Applicant", doc.name, "rc_sla_status"), "Past Ideal")
		self.assertEqual(sla.hear_back_days("Screening", opening.name), (1, 2))

	def test_alerts_once_per_level_with_escalation_past_the_maximum(self):
		name = self.applicant()
		age(name, 6)
		sla.scan()
		self.assertEqual([t.priority for t in todos(name, RECRUITER)], ["Medium"])
		sla.scan()
		self.assertEqual(len(todos(name, RECRUITER)), 1, "no second ToDo for the same level")
		age(name, 11)
		sla.scan()
		self.assertIn("High", [t.priority for t in todos(name, RECRUITER)])
		self.assertEqual([t.priority for t in todos(name, MANAGER)], ["High"], "HR Managers hear past max")

	def test_flags_advance_as_time_passes_and_the_scan_reads_only_due_rows(self):
		name = self.applicant()  # Screening: ideal 5, max 10
		sla.scan()
		entered, due = frappe.db.get_value("Job Applicant", name, ["rc_stage_entered_at", "rc_sla_due_at"])
		self.assertEqual(frappe.db.get_value("Job Applicant", name, "rc_sla_status"), "On Track")
		self.assertAlmostEqual((due - entered).total_seconds(), 5 * 86400, delta=1, msg="due at the ideal")
		later = add_to_date(now_datetime(), days=6)
		self.assertGreaterEqual(sla.scan(now=later)["refreshed"], 1)
		status, due = frappe.db.get_value("Job Applicant", name, ["rc_sla_status", "rc_sla_due_at"])
		self.assertEqual(status, "Past Ideal")
		self.assertAlmostEqual((due - entered).total_seconds(), 10 * 86400, delta=1, msg="next: the max")
		self.assertEqual([t.priority for t in todos(name, RECRUITER)], ["Medium"])
		sla.scan(now=add_to_date(now_datetime(), days=11))
		status, due = frappe.db.get_value("Job Applicant", name, ["rc_sla_status", "rc_sla_due_at"])
		self.assertEqual((status, due), ("Past Max", None), "past the maximum nothing more is due")
		self.assertIn("High", [t.priority for t in todos(name, RECRUITER)])
		# A row that is not due is not read by the 15-minute scan; the daily full recompute fixes any
		# drift (here: a hand-edited entry time).
		frappe.db.set_value(
			"Job Applicant", name, "rc_stage_entered_at", now_datetime(), update_modified=False
		)
		sla.scan()
		self.assertEqual(frappe.db.get_value("Job Applicant", name, "rc_sla_status"), "Past Max")
		sla.scan(full=True)
		self.assertEqual(frappe.db.get_value("Job Applicant", name, "rc_sla_status"), "On Track")
		self.assertIsNotNone(frappe.db.get_value("Job Applicant", name, "rc_sla_due_at"))

	def test_new_opening_days_reflag_its_applications(self):
		opening = make_job_opening()
		doc = make_job_applicant(job_opening=opening.name)
		transitions.move([doc.name], "Screening")
		age(doc.name, 3)
		sla.scan()
		self.assertEqual(frappe.db.get_value("Job Applicant", doc.name, "rc_sla_status"), "On Track")
		opening.reload()
		opening.append("rc_stage_slas", {"state": "Screening", "ideal_days": 1, "max_days": 2})
		opening.save()
		from recruit_crm.tasks.pipeline import recompute_opening_flags

		recompute_opening_flags(opening.name)  # what on_update queued
		self.assertEqual(frappe.db.get_value("Job Applicant", doc.name, "rc_sla_status"), "Past Max")

	def test_closed_states_are_never_due(self):
		name = self.applicant()
		transitions.move([name], "Rejected", notify=False)
		sla.scan()
		self.assertEqual(
			frappe.db.get_value("Job Applicant", name, ["rc_sla_status", "rc_sla_due_at"]), ("", None)
		)

	def test_snooze_and_dismiss_silence_the_alert_with_a_reason(self):
		name = self.applicant()
		age(name, 6)
		sla.scan()
		with self.assertRaises(frappe.ValidationError):
			sla.snooze(name, 3, "  ")
		sla.snooze(name, 3, "Waiting for the hiring manager's feedback")
		self.assertEqual(todos(name), [], "its ToDos close")
		age(name, 11)
		sla.scan()
		self.assertEqual(todos(name), [], "snoozed: no alert even past max")
		sla.dismiss(name, "Candidate travelling")
		frappe.db.set_value(
			"RC Application Stage",
			{"job_applicant": name, "left_at": ("is", "not set")},
			"snoozed_until",
			None,
		)
		sla.scan()
		self.assertEqual(todos(name), [])
		self.assertEqual(
			frappe.db.get_value("Job Applicant", name, "rc_sla_status"), "Past Max", "still flagged"
		)

	def test_closed_applications_are_never_waiting(self):
		name = self.applicant()
		age(name, 30)
		sla.scan()
		transitions.move([name], "Rejected", notify=False)
		sla.scan()
		self.assertEqual(frappe.db.get_value("Job Applicant", name, "rc_sla_status"), "")

	def test_the_report_lists_the_longest_wait_first_and_the_digest_goes_to_the_recruiter(self):
		first, second = self.applicant(), self.applicant()
		age(first, 12)
		age(second, 7)
		sla.scan()
		_columns, rows, *_rest, summary = waiting_on_us.execute({"job_opening": self.opening.name})
		mine = [r for r in rows if r["job_applicant"] in (first, second)]
		self.assertEqual([r["job_applicant"] for r in mine], [first, second], "longest wait first")
		self.assertEqual([r["waiting"] for r in mine], ["Past Max", "Past Ideal"])
		self.assertEqual(summary[1]["value"], sum(1 for r in rows if r["waiting"] == "Past Max"))
		before = frappe.db.count("Email Queue")
		self.assertGreaterEqual(sla.send_digests(), 1)
		self.assertGreater(frappe.db.count("Email Queue"), before)
		queued = frappe.get_all(
			"Email Queue Recipient",
			filters={"recipient": RECRUITER},
			pluck="parent",
			order_by="creation desc",
			limit=1,
		)
		self.assertTrue(queued)

	def test_the_board_shows_each_card_with_its_wait_engagement_and_next_interview(self):
		name = self.applicant()
		age(name, 6)
		make_interview(name, scheduled_on=add_to_date(now_datetime(), days=2).date())
		sla.scan()
		data = board.board(self.opening.name)
		card = next(c for c in data["cards"] if c["name"] == name)
		self.assertEqual(card["state"], "Interview", "the interview moved it")
		self.assertTrue(card["next_interview"])
		self.assertIn("engagement", card)
		states = {s["name"]: s for s in data["states"]}
		self.assertIn("Offer", states["Interview"]["moves"], "Administrator may make offers")


def login_as(user: str) -> str:
	from frappe.auth import CookieManager, LoginManager
	from frappe.utils import set_request

	set_request(path="/")
	frappe.local.cookie_manager = CookieManager()
	frappe.local.login_manager = LoginManager()
	frappe.local.login_manager.login_as(user)
	sid = frappe.session.sid
	frappe.set_user("Administrator")
	frappe.db.commit()  # nosemgrep: the session must be visible to the request
	return sid


class TestPipelineEndpoints(FrappeAPITestCase):
	def test_a_recruiter_cannot_skip_to_an_offer_over_http(self):
		make_user(RECRUITER, ("Recruiter",))
		doc = make_job_applicant(job_opening=make_job_opening().name)
		frappe.db.commit()  # nosemgrep: the HTTP request reads committed rows
		self.addCleanup(self._cleanup, doc.name)
		sid = login_as(RECRUITER)
		bad = self.post(
			"/api/method/recruit_crm.api.pipeline.move",
			{"job_applicant": doc.name, "state": "Offer", "sid": sid},
		)
		self.assertEqual(bad.status_code, 417, bad.json)
		self.assertIn("no move from Applied to Offer", str(bad.json))
		ok = self.post(
			"/api/method/recruit_crm.api.pipeline.move",
			{"job_applicant": doc.name, "state": "Screening", "sid": sid},
		)
		self.assertEqual(ok.status_code, 200, ok.json)
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value("Job Applicant", doc.name, "workflow_state"), "Screening")

	def _cleanup(self, name: str) -> None:
		frappe.db.delete("RC Application Stage", {"job_applicant": name})
		frappe.db.delete("Comment", {"reference_doctype": "Job Applicant", "reference_name": name})
		frappe.db.delete("Job Applicant", name)
		frappe.db.commit()  # nosemgrep
