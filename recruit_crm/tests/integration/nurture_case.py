"""Shared set-up for the nurture integration tests: a loopback SMTP sink, an outgoing account,
candidates and campaigns.
"""

import email
import os

import frappe

from recruit_crm.benchmarks.smtp_sink import SmtpSink
from recruit_crm.services.nurture import (
	audience,
	constants,
	delivery,
	engine,
	lifecycle,
)
from recruit_crm.tests.factories import (
	ensure_sink_email_account,
	make_email_template,
	make_nurture_campaign,
	make_sendable_candidate,
	unique_email,
)
from recruit_crm.tests.integration import RCTestCase

# A fixed loopback port per test process; set RC_TEST_SMTP_PORT to run two suites side by side.
SINK_PORT = int(os.environ.get("RC_TEST_SMTP_PORT") or 2671)
MESSAGE = constants.MESSAGE
ENROLLMENT = constants.ENROLLMENT


class NurtureCase(RCTestCase):
	"""Starts the loopback SMTP server and an Email Account for it; cleans committed rows up."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.sink_ctx = SmtpSink(SINK_PORT, keep=True)
		cls.sink = cls.sink_ctx.__enter__()
		cls.account = ensure_sink_email_account(SINK_PORT)
		cls.template = make_email_template()
		frappe.db.commit()  # nosemgrep: the sender commits; it must see these

	@classmethod
	def tearDownClass(cls):
		cls.sink_ctx.__exit__(None, None, None)
		super().tearDownClass()

	def setUp(self):
		self.campaigns: list[str] = []
		self.candidates: list[str] = []
		# Other test classes commit applicants, and the shipped pipeline automations queue an
		# acknowledgement for each (to the site's default sender, which may not answer). Those
		# are not this test's mail: take them out of the way, so sends and claims here see only
		# what the test queued.
		frappe.db.sql(
			f"""update `tab{MESSAGE}` set status = 'Cancelled', error = 'Left over from an earlier test'
			where status = 'Queued'"""
		)
		frappe.db.commit()  # nosemgrep: the sender runs in its own transactions
		with self.sink.lock:
			self.sink.kept.clear()
			self.sink.ids.clear()
			self.sink.messages = 0

	def tearDown(self):
		frappe.db.rollback()
		for campaign in self.campaigns:
			messages = frappe.get_all(MESSAGE, filters={"nurture_campaign": campaign}, pluck="name")
			if messages:
				frappe.db.delete("Communication", {"name": ["in", messages]})
				frappe.db.delete("Communication", {"in_reply_to": ["in", messages]})
				frappe.db.delete("Email Queue Recipient", {"parent": ["in", messages]})
				frappe.db.delete("Email Queue", {"name": ["in", messages]})
			frappe.db.delete(MESSAGE, {"nurture_campaign": campaign})
			frappe.db.delete(ENROLLMENT, {"nurture_campaign": campaign})
			frappe.db.delete("RC Nurture Step", {"parent": campaign})
			frappe.db.delete(constants.CAMPAIGN, {"name": campaign})
		if self.candidates:
			for doctype in ("RC Touchpoint", "RC Consent"):
				frappe.db.delete(doctype, {"candidate": ["in", self.candidates]})
			frappe.db.delete(
				"ToDo", {"reference_type": "RC Candidate", "reference_name": ["in", self.candidates]}
			)
			frappe.db.delete(
				"Tag Link", {"document_type": "RC Candidate", "document_name": ["in", self.candidates]}
			)
			frappe.db.delete(
				"Communication",
				{"reference_doctype": "RC Candidate", "reference_name": ["in", self.candidates]},
			)
			applicants = frappe.get_all(
				"Job Applicant", filters={"rc_candidate": ["in", self.candidates]}, pluck="name"
			)
			if applicants:
				frappe.db.delete("Job Applicant", {"name": ["in", applicants]})
			frappe.db.delete("RC Candidate", {"name": ["in", self.candidates]})
		frappe.db.commit()  # nosemgrep: remove what the committed sends left

	# helpers -----------------------------------------------------------------------------------
	def person(self, **values) -> frappe._dict:
		doc = make_sendable_candidate(email=values.pop("email", None) or unique_email("nurture"), **values)
		self.candidates.append(doc.name)
		return doc

	def campaign(self, steps: list[dict] | None = None, **values):
		doc = make_nurture_campaign(
			self.account, steps or [{"step_type": "Send Email", "email_template": self.template}], **values
		)
		self.campaigns.append(doc.name)
		return doc

	def launch_with(self, campaign, people) -> None:
		lifecycle.launch(campaign.name)
		audience.enroll(campaign.name, [p.name for p in people])
		engine.run_tick()
		frappe.db.commit()  # nosemgrep

	def send(self) -> dict:
		result = delivery.send_due(until_empty=True)
		frappe.db.commit()  # nosemgrep
		return result

	def messages(self, campaign) -> list[frappe._dict]:
		return frappe.get_all(
			MESSAGE,
			filters={"nurture_campaign": campaign.name},
			fields=[
				"name",
				"status",
				"candidate",
				"message_id",
				"variant",
				"subject",
				"communication",
				"entry_round",
			],
			order_by="name",
		)

	def received(self) -> list[email.message.Message]:
		with self.sink.lock:
			return [email.message_from_bytes(raw) for raw in self.sink.kept]

	@staticmethod
	def html_of(mail: email.message.Message) -> str:
		for part in mail.walk():
			if part.get_content_type() == "text/html":
				return part.get_payload(decode=True).decode()
		return ""
