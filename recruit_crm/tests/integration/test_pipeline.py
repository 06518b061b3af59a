"""The hiring pipeline is a Frappe Workflow on Job Applicant: moves follow its transitions and
roles, keep HRMS's status in step, leave a stage history, and follow interviews, offers and
statuses set elsewhere, forward only."""

import frappe
from frappe.model.workflow import apply_workflow
from frappe.utils import add_days, now_datetime

from recruit_crm.domain.pipeline import MoveSource
from recruit_crm.services.pipeline import history, transitions, workflow
from recruit_crm.tests.factories import (
	make_interview,
	make_job_applicant,
	make_job_opening,
	make_user,
	unique_email,
)
from recruit_crm.tests.integration import RCTestCase

STAGE = "RC Application Stage"
RECRUITER = "pipeline.recruiter@rc-test.localhost"
RECRUITER_2 = "pipeline.recruiter2@rc-test.localhost"
HR_MANAGER = "pipeline.manager@rc-test.localhost"


def stays(applicant: str) -> list[frappe._dict]:
	return frappe.get_all(
		STAGE,
		filters={"job_applicant": applicant},
		fields=["state", "stage_kind", "source", "left_at", "days_in_stage", "entered_by", "action"],
		order_by="entered_at asc, creation asc",
	)


class TestPipelineWorkflow(RCTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(RECRUITER, ("Recruiter",))
		make_user(RECRUITER_2, ("Recruiter",))
		make_user(HR_MANAGER, ("HR Manager", "HR User"))
		cls.opening = make_job_opening()

	def tearDown(self):
		frappe.set_user("Administrator")

	def applicant(self, **values):
		return make_job_applicant(job_opening=self.opening.name, **values)

	def test_install_ships_an_active_workflow_that_sets_hrms_statuses(self):
		name = workflow.workflow_name()
		self.assertEqual(name, workflow.WORKFLOW_NAME)
		pipeline = workflow.current()
		self.assertEqual(
			[s.name for s in pipeline.states],
			["Applied", "Screening", "Interview", "Offer", "Hired", "Rejected", "Withdrawn"],
		)
		self.assertEqual(pipeline.state("Hired").status, "Accepted")
		self.assertEqual(pipeline.state("Applied").public_label, "Application received")
		self.assertTrue(pipeline.move_to("Applied", "Screening", ["Recruiter"]))
		self.assertIsNone(pipeline.move_to("Interview", "Offer", ["Recruiter"]), "offers are HR's call")

	def test_a_new_application_enters_the_first_state_with_a_history(self):
		doc = self.applicant()
		self.assertEqual(frappe.db.get_value("Job Applicant", doc.name, "workflow_state"), "Applied")
		rows = stays(doc.name)
		self.assertEqual([(r.state, r.stage_kind, r.left_at) for r in rows], [("Applied", "Applied", None)])
		self.assertTrue(frappe.db.get_value("Job Applicant", doc.name, "rc_stage_entered_at"))

	def test_a_move_checks_roles_sets_the_status_and_closes_the_stay(self):
		doc = self.applicant()
		frappe.set_user(RECRUITER)
		result = transitions.move([doc.name], "Screening")
		self.assertEqual(result.moved, [doc.name])
		state, status = frappe.db.get_value("Job Applicant", doc.name, ["workflow_state", "status"])
		self.assertEqual((state, status), ("Screening", "Replied"))
		refused = transitions.move([doc.name], "Offer")
		self.assertEqual(refused.moved, [])
		self.assertIn("no move from Screening to Offer", refused.skipped[doc.name])
		frappe.set_user(HR_MANAGER)
		self.assertEqual(transitions.move([doc.name], "Offer").moved, [doc.name])
		frappe.set_user("Administrator")
		rows = stays(doc.name)
		self.assertEqual([r.state for r in rows], ["Applied", "Screening", "Offer"])
		self.assertTrue(rows[0].left_at and rows[1].left_at and not rows[2].left_at)
		self.assertEqual(rows[1].entered_by, RECRUITER)
		self.assertEqual(rows[1].action, "Screen")
		self.assertGreaterEqual(rows[0].days_in_stage, 0)
		self.assertTrue(
			frappe.db.exists(
				"Comment",
				{
					"reference_doctype": "Job Applicant",
					"reference_name": doc.name,
					"comment_type": "Workflow",
					"content": "Offer",
				},
			)
		)

	def test_a_bulk_reject_moves_every_allowed_application_in_one_go(self):
		docs = [self.applicant() for _ in range(30)]
		frappe.set_user(RECRUITER)
		result = transitions.move([d.name for d in docs] + ["no-such-applicant"], "Rejected")
		self.assertEqual(sorted(result.moved), sorted(d.name for d in docs))
		self.assertIn("no-such-applicant", result.skipped)
		frappe.set_user("Administrator")
		statuses = frappe.get_all(
			"Job Applicant",
			filters={"name": ("in", [d.name for d in docs])},
			fields=["distinct status", "workflow_state"],
		)
		self.assertEqual([(s.status, s.workflow_state) for s in statuses], [("Rejected", "Rejected")])
		self.assertEqual(
			frappe.db.count(
				STAGE, {"job_applicant": ("in", [d.name for d in docs]), "left_at": ("is", "not set")}
			),
			30,
			"one open stay each",
		)

	def test_a_workflow_action_on_the_form_is_recorded(self):
		doc = self.applicant()
		doc.reload()
		apply_workflow(doc, "Invite to Interview")
		self.assertEqual(frappe.db.get_value("Job Applicant", doc.name, "status"), "Replied")
		self.assertEqual([r.state for r in stays(doc.name)], ["Applied", "Interview"])

	def test_an_interview_moves_the_application_forward_and_never_back(self):
		doc = self.applicant()
		make_interview(doc.name, scheduled_on=add_days(now_datetime().date(), 3))
		self.assertEqual(frappe.db.get_value("Job Applicant", doc.name, "workflow_state"), "Interview")
		self.assertEqual(stays(doc.name)[-1].source, MoveSource.INTERVIEW.value)
		transitions.move([doc.name], "Offer")
		make_interview(doc.name, scheduled_on=add_days(now_datetime().date(), 4))
		self.assertEqual(frappe.db.get_value("Job Applicant", doc.name, "workflow_state"), "Offer")
		self.assertTrue(
			frappe.db.exists(
				"Comment",
				{
					"reference_doctype": "Job Applicant",
					"reference_name": doc.name,
					"comment_type": "Info",
					"content": ("like", "%stays in Offer%"),
				},
			)
		)

	def test_a_status_set_outside_the_pipeline_brings_the_state_along(self):
		doc = self.applicant()
		doc.reload()
		doc.status = "Rejected"  # e.g. HRMS's "Mark as Rejected" on an interview, or the form
		doc.save()
		self.assertEqual(frappe.db.get_value("Job Applicant", doc.name, "workflow_state"), "Rejected")
		self.assertEqual(stays(doc.name)[-1].source, MoveSource.STATUS.value)
		doc.save()  # saving the same document again must not trip the Workflow's own check

	def test_new_applicants_are_shared_out_among_the_openings_recruiters(self):
		opening = make_job_opening()
		opening.append("rc_recruiters", {"user": RECRUITER})
		opening.append("rc_recruiters", {"user": RECRUITER_2})
		opening.save()
		owners = [
			frappe.db.get_value(
				"Job Applicant", make_job_applicant(job_opening=opening.name).name, "rc_recruiter"
			)
			for _ in range(4)
		]
		self.assertEqual(owners, [RECRUITER, RECRUITER_2, RECRUITER, RECRUITER_2])
		todo = frappe.get_all(
			"ToDo",
			filters={"reference_type": "Job Applicant", "allocated_to": RECRUITER, "status": "Open"},
			pluck="description",
		)
		self.assertTrue(any("New application" in (t or "") for t in todo))

	def test_existing_applications_are_placed_by_what_hrms_knows(self):
		accepted = self.applicant(email=unique_email("placed"))
		interviewed = self.applicant()
		make_interview(interviewed.name)
		names = [accepted.name, interviewed.name]
		frappe.db.sql(
			"update `tabJob Applicant` set workflow_state = null, rc_stage_entered_at = null where name in %s",
			[names],
		)
		frappe.db.set_value("Job Applicant", accepted.name, "status", "Accepted", update_modified=False)
		frappe.db.delete(STAGE, {"job_applicant": ("in", names)})
		history.place_existing_applications(workflow.current())
		self.assertEqual(frappe.db.get_value("Job Applicant", accepted.name, "workflow_state"), "Hired")
		self.assertEqual(
			frappe.db.get_value("Job Applicant", interviewed.name, "workflow_state"), "Interview"
		)
		self.assertEqual(
			frappe.db.get_value("Job Applicant", accepted.name, "status"), "Accepted", "untouched"
		)
		self.assertEqual(stays(interviewed.name)[0].source, MoveSource.INSTALL.value)
