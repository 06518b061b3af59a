"""A guest applies on the career site over real HTTP, and the shipped acknowledgement lands in the
exactly-once ledger: one row, addressed to the applicant, linked to the new Job Applicant and its
first stay, however often the same person applies for the same opening.
"""

import frappe

from recruit_crm.domain.pipeline_mail import DEFAULT_AUTOMATIONS, ENTERS_STATE, entry_key
from recruit_crm.services.nurture.constants import MESSAGE
from recruit_crm.services.pipeline.workflow import AUTOMATION, STAGE
from recruit_crm.tests.factories import unique_email
from recruit_crm.tests.integration.test_portal_security import PortalTestCase

ACKNOWLEDGEMENT = next(
	a for a in DEFAULT_AUTOMATIONS if a.trigger == ENTERS_STATE and a.state_kind.value == "Applied"
)


class TestGuestAcknowledgement(PortalTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		row = frappe.db.get_value(
			AUTOMATION, {"email_template": ACKNOWLEDGEMENT.template}, ["name", "enabled"], as_dict=True
		)
		if not row:
			raise AssertionError("install ships the acknowledgement automation")
		cls.acknowledgement, cls.was_enabled = row.name, row.enabled
		if not row.enabled:  # another module's tearDown may not have run
			frappe.db.set_value(AUTOMATION, row.name, "enabled", 1)
		frappe.db.commit()  # nosemgrep: the request thread must see it

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		applicants = [name for doctype, name in cls.created if doctype == "Job Applicant"]
		if applicants:
			frappe.db.delete(MESSAGE, {"job_applicant": ["in", applicants]})
			frappe.db.delete(STAGE, {"job_applicant": ["in", applicants]})
			frappe.db.delete(
				"ToDo", {"reference_type": "Job Applicant", "reference_name": ["in", applicants]}
			)
		frappe.db.set_value(AUTOMATION, cls.acknowledgement, "enabled", cls.was_enabled)
		frappe.db.commit()  # nosemgrep
		super().tearDownClass()

	def acknowledgements(self, applicant: str) -> list[frappe._dict]:
		return frappe.get_all(
			MESSAGE,
			filters={"job_applicant": applicant, "pipeline_automation": self.acknowledgement},
			fields=["name", "status", "recipient", "candidate", "job_applicant", "is_transactional", "idempotency_key"],
		)  # fmt: skip

	def test_a_guest_application_is_acknowledged_once(self):
		opening = self.opening()
		address = unique_email("guest-ack")
		response = self.apply(opening.name, address)
		self.assertEqual(response.status_code, 200, response.get_data(as_text=True)[:300])

		[applicant] = frappe.get_all(
			"Job Applicant",
			filters={"email_id": address, "job_title": opening.name},
			fields=["name", "rc_candidate"],
		)
		self.assertTrue(applicant.rc_candidate, "the application belongs to a candidate")
		[stay] = frappe.get_all(STAGE, filters={"job_applicant": applicant.name}, pluck="name")
		[ack] = self.acknowledgements(applicant.name)
		self.assertIn(ack.status, ("Queued", "Sent"))
		self.assertEqual(ack.recipient, address)
		self.assertEqual((ack.job_applicant, ack.candidate), (applicant.name, applicant.rc_candidate))
		self.assertEqual(ack.is_transactional, 1, "no marketing consent needed")
		self.assertEqual(ack.idempotency_key, entry_key(self.acknowledgement, stay))

		for again in (address, f"  {address.upper()} "):
			response = self.apply(opening.name, again)
			self.assertEqual(response.status_code, 200)
		self.assertEqual(
			frappe.get_all(
				"Job Applicant", filters={"email_id": address, "job_title": opening.name}, pluck="name"
			),
			[applicant.name],
			"applying again makes no second application",
		)
		self.assertEqual(
			[a.name for a in self.acknowledgements(applicant.name)],
			[ack.name],
			"and no second acknowledgement",
		)
		self.assertEqual(
			frappe.db.count(MESSAGE, {"recipient": address}), 1, "nothing else was queued to them"
		)
