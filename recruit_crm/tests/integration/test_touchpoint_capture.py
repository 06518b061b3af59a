"""Every automatic capture path on a real site: HRMS documents, emails (sent, threaded replies,
delivery), tracked opens and clicks, portal events, and the sweep that catches what was missed."""

from unittest.mock import patch

import frappe
from frappe.core.doctype.communication.email import make as make_communication
from frappe.email.receive import InboundMail
from frappe.utils import add_days, now_datetime, nowdate

from recruit_crm.services.engagement import capture, capture_sweep, touchpoints, tracking
from recruit_crm.tests.factories import (
	make_candidate,
	make_employee,
	make_interview,
	make_job_applicant,
	make_job_opening,
)
from recruit_crm.tests.integration import RCTestCase


def touchpoint_types(candidate: str, **filters) -> list[str]:
	return frappe.get_all(
		"RC Touchpoint",
		filters={"candidate": candidate, **filters},
		pluck="touchpoint_type",
		order_by="occurred_at asc, name asc",
	)


class CaptureCase(RCTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		self.opening = make_job_opening()
		self.applicant = make_job_applicant(job_opening=self.opening.name)
		self.candidate = self.applicant.rc_candidate


class TestHRMSCapture(CaptureCase):
	def test_a_new_application_is_an_applied_touchpoint_for_its_opening(self):
		rows = frappe.get_all(
			"RC Touchpoint",
			filters={"candidate": self.candidate},
			fields=["touchpoint_type", "job_opening", "job_applicant", "reference_doctype"],
		)
		self.assertEqual(len(rows), 1)
		self.assertEqual(rows[0].touchpoint_type, "Applied")
		self.assertEqual(rows[0].job_opening, self.opening.name)
		self.assertEqual(rows[0].job_applicant, self.applicant.name)

	def test_a_submitted_interview_is_recorded_once_even_with_feedback(self):
		interview = make_interview(self.applicant.name, status="Cleared", average_rating=0.8)
		interview.submit()
		self.assertEqual(touchpoint_types(self.candidate, touchpoint_type="Interviewed"), ["Interviewed"])
		capture.capture_document(interview)  # a retry changes nothing
		self.assertEqual(touchpoint_types(self.candidate, touchpoint_type="Interviewed"), ["Interviewed"])

	def test_submitted_interview_feedback_records_the_interview(self):
		interview = make_interview(self.applicant.name, status="Under Review")
		feedback = frappe.get_doc(
			{
				"doctype": "Interview Feedback",
				"interview": interview.name,
				"interview_round": interview.interview_round,
				"interviewer": "Administrator",
				"result": "Cleared",
				"feedback": "Strong",
			}
		)
		feedback.flags.ignore_validate = True
		feedback.flags.ignore_links = True
		feedback.flags.ignore_mandatory = True  # no skill ratings needed for this
		feedback.insert(ignore_permissions=True)
		feedback.submit()
		rows = frappe.get_all(
			"RC Touchpoint",
			filters={"candidate": self.candidate, "touchpoint_type": "Interviewed"},
			fields=["reference_name", "details"],
		)
		self.assertEqual([r.reference_name for r in rows], [interview.name])
		self.assertIn("feedback Cleared", rows[0].details)

	def test_an_offer_is_recorded_when_made_and_when_accepted(self):
		offer = frappe.get_doc(
			{
				"doctype": "Job Offer",
				"job_applicant": self.applicant.name,
				"offer_date": nowdate(),
				"designation": self.opening.designation,
				"company": self.opening.company,
				"status": "Awaiting Response",
			}
		).insert(ignore_permissions=True)
		self.assertEqual(touchpoint_types(self.candidate, reference_doctype="Job Offer"), [])
		offer.submit()
		self.assertEqual(touchpoint_types(self.candidate, reference_doctype="Job Offer"), ["Offer Made"])
		frappe.set_value("Job Offer", offer.name, "status", "Accepted")
		self.assertEqual(
			sorted(touchpoint_types(self.candidate, reference_doctype="Job Offer")),
			["Offer Accepted", "Offer Made"],
		)

	def test_an_employee_created_from_the_applicant_is_a_hire(self):
		make_employee(job_applicant=self.applicant.name)
		self.assertIn("Hired", touchpoint_types(self.candidate))


class TestEmailCapture(CaptureCase):
	def send_to_applicant(self, subject="Your application"):
		result = make_communication(
			doctype="Job Applicant",
			name=self.applicant.name,
			content="Thanks for applying. Can we talk?",
			subject=subject,
			recipients=self.applicant.email_id,
			send_email=True,
		)
		return frappe.get_doc("Communication", result["name"])

	def test_an_email_to_any_application_lands_on_the_candidate(self):
		comm = self.send_to_applicant()
		rows = frappe.get_all(
			"RC Touchpoint",
			filters={"candidate": self.candidate, "reference_name": comm.name},
			fields=["touchpoint_type", "direction", "job_applicant", "job_opening"],
		)
		self.assertEqual(len(rows), 1)
		self.assertEqual((rows[0].touchpoint_type, rows[0].direction), ("Email Sent", "Outbound"))
		self.assertEqual(rows[0].job_opening, self.opening.name)

	def test_a_real_reply_threaded_by_in_reply_to_is_an_email_reply(self):
		sent = self.send_to_applicant()
		self.assertTrue(sent.message_id)
		account = frappe.get_doc("Email Account", {"default_outgoing": 1})
		raw = (
			f"From: Test Applicant <{self.applicant.email_id}>\r\n"
			f"To: {account.email_id}\r\n"
			f"Subject: Re: Your application\r\n"
			f"Message-ID: <reply-{frappe.generate_hash(length=10)}@example.org>\r\n"
			f"In-Reply-To: <{sent.message_id.strip('<>')}>\r\n"
			f"Date: {frappe.utils.formatdate(nowdate(), 'EEE, dd MMM yyyy')} 10:00:00 +0000\r\n"
			"Content-Type: text/plain; charset=utf-8\r\n\r\n"
			"Yes, happy to talk on Tuesday.\r\n"
		)
		reply = InboundMail(raw, account).process()
		self.assertEqual(
			(reply.reference_doctype, reply.reference_name), ("Job Applicant", self.applicant.name)
		)
		self.assertEqual(reply.in_reply_to, sent.name)
		rows = frappe.get_all(
			"RC Touchpoint",
			filters={"candidate": self.candidate, "reference_name": reply.name},
			fields=["touchpoint_type", "direction", "channel"],
		)
		self.assertEqual([(r.touchpoint_type, r.direction) for r in rows], [("Email Replied", "Inbound")])
		self.assertEqual(frappe.db.get_value("RC Candidate", self.candidate, "readiness_stage"), "Hot")

	def test_a_call_logged_as_a_communication_is_a_call(self):
		comm = frappe.get_doc(
			{
				"doctype": "Communication",
				"communication_type": "Communication",
				"communication_medium": "Phone",
				"sent_or_received": "Sent",
				"subject": "Screening call",
				"reference_doctype": "RC Candidate",
				"reference_name": self.candidate,
			}
		).insert(ignore_permissions=True)
		self.assertEqual(touchpoint_types(self.candidate, reference_name=comm.name), ["Call"])

	def test_delivery_and_hard_bounces_sync_from_the_email_queue(self):
		comm = self.send_to_applicant()
		queue = frappe.get_all("Email Queue", filters={"communication": comm.name}, pluck="name")
		self.assertTrue(queue)
		frappe.db.set_value("Email Queue", queue[0], "status", "Sent")  # as the sender does: no hooks
		capture_sweep.sync_email_queue()
		self.assertIn("Email Delivered", touchpoint_types(self.candidate))
		bounce = self.send_to_applicant(subject="Second")
		queue = frappe.get_all("Email Queue", filters={"communication": bounce.name}, pluck="name")
		frappe.db.set_value(
			"Email Queue",
			queue[0],
			{"status": "Error", "error": "SMTPRecipientsRefused: (550, b'5.1.1 User unknown')"},
		)
		capture_sweep.sync_email_queue()
		capture_sweep.sync_email_queue()  # re-reading the overlap window records nothing twice
		self.assertEqual(touchpoint_types(self.candidate, touchpoint_type="Email Bounced"), ["Email Bounced"])
		self.assertEqual(
			touchpoint_types(self.candidate, touchpoint_type="Email Delivered"), ["Email Delivered"]
		)
		self.assertEqual(frappe.db.get_value("RC Candidate", self.candidate, "has_bounced"), 1)


class TestReliableCapture(CaptureCase):
	def test_a_failing_capture_never_breaks_the_save_and_the_sweep_records_it_later(self):
		capture_sweep._set_watermark("Job Applicant", add_days(now_datetime(), -1))  # last sweep: yesterday
		with patch.object(touchpoints, "record_many", side_effect=RuntimeError("database hiccup")):
			second = make_job_applicant(email=self.applicant.email_id, job_opening=make_job_opening().name)
		self.assertTrue(frappe.db.exists("Job Applicant", second.name))
		self.assertEqual(touchpoint_types(self.candidate, job_applicant=second.name), [])
		self.assertTrue(frappe.db.exists("Error Log", {"method": ("like", "%touchpoint capture failed%")}))
		capture_sweep.sweep(["Job Applicant"])
		self.assertEqual(touchpoint_types(self.candidate, job_applicant=second.name), ["Applied"])
		capture_sweep.sweep(["Job Applicant"])
		self.assertEqual(touchpoint_types(self.candidate, job_applicant=second.name), ["Applied"])

	def test_touchpoints_cannot_be_edited_or_deleted(self):
		name = frappe.get_all("RC Touchpoint", filters={"candidate": self.candidate}, pluck="name")[0]
		doc = frappe.get_doc("RC Touchpoint", name)
		doc.details = "rewritten history"
		self.assertRaises(frappe.PermissionError, doc.save)
		self.assertRaises(frappe.PermissionError, frappe.delete_doc, "RC Touchpoint", name)


class TestTrackedEvents(CaptureCase):
	def test_a_pixel_records_one_open_per_email(self):
		pixel = tracking.open_pixel_url(self.candidate, nurture_campaign="Spring Hiring")
		token = pixel.split("t=")[1]
		tracking.handle_open(token)
		tracking.handle_open(token)
		rows = frappe.get_all(
			"RC Touchpoint",
			filters={"candidate": self.candidate, "touchpoint_type": "Email Opened"},
			pluck="nurture_campaign",
		)
		self.assertEqual(rows, ["Spring Hiring"])

	def test_a_click_on_a_job_link_redirects_there_and_is_a_job_click(self):
		url = f"https://jobs.example.org/{self.opening.name}"
		link = tracking.click_url(self.candidate, url, job_opening=self.opening.name)
		self.assertEqual(tracking.handle_click(link.split("t=")[1]), url)
		rows = frappe.get_all(
			"RC Touchpoint",
			filters={"candidate": self.candidate, "touchpoint_type": "Email Clicked"},
			fields=["job_opening", "details"],
		)
		self.assertEqual([(r.job_opening, r.details) for r in rows], [(self.opening.name, url)])

	def test_email_html_gets_every_link_tracked_and_a_pixel(self):
		html = tracking.track_email_html('<p><a href="https://example.org/a">A</a></p>', self.candidate)
		self.assertIn("recruit_crm.api.portal.email_click?t=", html)
		self.assertIn("recruit_crm.api.portal.email_open?t=", html)
		self.assertNotIn('href="https://example.org/a"', html)

	def test_portal_events_are_recorded_for_the_visitor_the_token_names(self):
		token = tracking.portal_event_token(self.candidate)
		tracking.handle_portal_event("Portal Visit", token, "/jobs", None)
		tracking.handle_portal_event("Form Submitted", token, "/careers/community", None)
		tracking.handle_portal_event("Delete Everything", token, "/", None)
		self.assertEqual(
			sorted(touchpoint_types(self.candidate, channel="Portal")), ["Form Submitted", "Portal Visit"]
		)

	def test_the_timeline_shows_every_application_and_recruiter_logs(self):
		make_job_applicant(email=self.applicant.email_id, job_opening=make_job_opening().name)
		candidate = make_candidate()
		touchpoints.log_activity(
			candidate.name, "Call", summary="Intro call", occurred_at=add_days(now_datetime(), -1)
		)
		self.assertEqual(
			[r.touchpoint_type for r in touchpoints.timeline(self.candidate)], ["Applied", "Applied"]
		)
		self.assertEqual(touchpoints.timeline(candidate.name)[0].details, "Intro call")
		self.assertRaises(frappe.ValidationError, touchpoints.log_activity, candidate.name, "Hired")
