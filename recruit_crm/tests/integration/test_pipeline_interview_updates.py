"""Interview invitations that change after they went out, and pipeline email on holidays.

A cancelled or deleted interview sends one cancellation (METHOD:CANCEL, the invitation's UID, a
higher SEQUENCE, STATUS:CANCELLED) and its queued reminder never goes; a rescheduled one sends an
update with the same UID and a higher SEQUENCE, and its reminder follows the new time. Business
Hours skip the company's holidays, and a delay in days counts working days. Mail goes through the
real sender to the loopback SMTP server and the .ics files are parsed back.
"""

import email
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import frappe
from frappe.utils import add_days, get_system_timezone, getdate, now_datetime, nowdate, random_string

from recruit_crm.services.pipeline import automation_preview, automations
from recruit_crm.tests.integration.test_pipeline_automations import PipelineCase
from recruit_crm.tests.unit.test_interview_updates import parse_ics, props


def calendar_of(mail: email.message.Message) -> tuple[str, dict[str, str], dict[str, str]]:
	"""The calendar attachment's content type, VCALENDAR and VEVENT properties."""
	for part in mail.walk():
		if part.get_content_type() == "text/calendar":
			parsed = parse_ics(part.get_payload(decode=True).decode())
			return part["Content-Type"].replace(" ", ""), props(parsed["VCALENDAR"]), props(parsed["VEVENT"])
	raise AssertionError("no text/calendar part")


def utc_stamp(day: str, clock: str) -> str:
	start = datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=ZoneInfo(get_system_timezone()))
	return start.astimezone(ZoneInfo("UTC")).strftime("%Y%m%dT%H%M%SZ")


class InterviewUpdatesCase(PipelineCase):
	def setUp(self):
		super().setUp()
		# scoped to this module's opening: interviews other modules left behind are not ours
		scope = {"state": None, "job_opening": self.opening}
		self.invitation = self.automation(trigger="Interview Scheduled", attach_calendar=1, **scope)
		self.reminder = self.automation(trigger="Before Interview", hours_before=24, **scope)
		self.app = self.apply()
		self.day = add_days(nowdate(), 3)
		self.booked = self.interview(self.app.name, self.day, "10:00:00", "11:00:00")

	def start_of(self, clock: str) -> datetime:
		return datetime.combine(getdate(self.day), time.fromisoformat(clock))

	def queue_reminder(self, clock: str) -> int:
		queued = automations.queue_reminders(self.start_of(clock) - timedelta(hours=24, minutes=5))
		frappe.db.commit()  # nosemgrep
		return queued

	def rows(self, automation: str | None = None) -> list[frappe._dict]:
		rows = self.ledger(self.app.name)
		return [r for r in rows if automation is None or r.pipeline_automation == automation]


class TestCancelledInterview(InterviewUpdatesCase):
	def test_cancelling_sends_one_cancel_with_the_same_uid_and_voids_the_reminder(self):
		self.send()
		[invite] = self.mails_to(self.app.email)
		_type, _cal, sent = calendar_of(invite)
		self.assertEqual(self.queue_reminder("10:00:00"), 1)

		self.booked.db_set("status", "Cancelled")  # runs the Interview's on_change, as HRMS saves do
		frappe.db.commit()  # nosemgrep
		self.assertEqual(automations.interview_scheduled(self.booked), 0, "a replay queues nothing")
		self.assertEqual(self.queue_reminder("10:00:00"), 0, "no reminder for a cancelled interview")
		self.send()
		self.send()

		mails = self.mails_to(self.app.email)
		self.assertEqual(len(mails), 2, "the invitation, then exactly one cancellation")
		cancel = mails[1]
		self.assertTrue(cancel["Subject"].startswith("Cancelled: your interview"), cancel["Subject"])
		content_type, vcalendar, event = calendar_of(cancel)
		self.assertIn("method=CANCEL", content_type)
		self.assertEqual(vcalendar["METHOD"], "CANCEL")
		self.assertEqual(event["STATUS"], "CANCELLED")
		self.assertEqual(event["UID"], sent["UID"])
		self.assertGreater(int(event["SEQUENCE"]), int(sent["SEQUENCE"]))
		self.assertEqual(event["DTSTART"], utc_stamp(self.day, "10:00:00"))

		[reminder] = self.rows(self.reminder)
		self.assertEqual((reminder.status, reminder.error), ("Cancelled", "The interview was cancelled."))
		statuses = {r.idempotency_key: r.status for r in self.rows(self.invitation)}
		self.assertEqual(
			statuses,
			{
				f"{self.invitation}:{self.booked.name}:{self.day}:10:00:00": "Sent",
				f"{self.booked.name}:cancel:1": "Sent",
			},
		)

	def test_an_invitation_not_sent_yet_is_withdrawn_quietly(self):
		self.booked.db_set("status", "Cancelled")
		frappe.db.commit()  # nosemgrep
		self.send()
		self.assertEqual(self.mails_to(self.app.email), [], "nothing to take back: no email at all")
		[row] = self.rows()
		self.assertEqual((row.status, row.error), ("Cancelled", "The interview was cancelled."))

	def test_a_cancelled_document_sends_the_cancellation_once(self):
		self.send()
		self.booked.reload()
		self.booked.status = "Cleared"
		self.booked.submit()
		self.booked.cancel()  # docstatus 2
		frappe.db.commit()  # nosemgrep
		self.assertEqual(automations.interview_scheduled(self.booked), 0)
		self.send()
		mails = self.mails_to(self.app.email)
		self.assertEqual(len(mails), 2)
		self.assertEqual(calendar_of(mails[1])[1]["METHOD"], "CANCEL")

	def test_a_deleted_interview_is_withdrawn_from_the_slot_on_the_row(self):
		self.send()
		[invite] = self.mails_to(self.app.email)
		uid = calendar_of(invite)[2]["UID"]
		frappe.delete_doc("Interview", self.booked.name, force=True, ignore_permissions=True)
		frappe.db.commit()  # nosemgrep
		self.send()
		mails = self.mails_to(self.app.email)
		self.assertEqual(len(mails), 2)
		_type, vcalendar, event = calendar_of(mails[1])
		self.assertEqual((vcalendar["METHOD"], event["UID"], event["SEQUENCE"]), ("CANCEL", uid, "1"))
		self.assertEqual(event["DTSTART"], utc_stamp(self.day, "10:00:00"))
		self.assertIn(", 10:00 (", self.html_of(mails[1]), "the email still names the time")


class TestRescheduledInterview(InterviewUpdatesCase):
	def test_moves_update_the_same_event_and_the_reminder_follows(self):
		self.send()
		self.assertEqual(self.queue_reminder("10:00:00"), 1)
		self.booked.db_set({"from_time": "14:00:00", "to_time": "15:00:00"})  # as HRMS reschedules
		frappe.db.commit()  # nosemgrep
		old_reminder = next(r for r in self.rows(self.reminder) if r.idempotency_key.endswith(":10:00:00"))
		self.assertEqual(
			(old_reminder.status, old_reminder.error), ("Cancelled", "The interview was rescheduled.")
		)
		self.send()
		self.assertEqual(self.queue_reminder("14:00:00"), 1, "the reminder follows the new time")
		[new_reminder] = [r for r in self.rows(self.reminder) if r.status == "Queued"]
		self.assertEqual(new_reminder.due_at, self.start_of("14:00:00") - timedelta(hours=24))

		self.booked.db_set({"from_time": "10:00:00", "to_time": "11:00:00"})  # and back again
		frappe.db.commit()  # nosemgrep
		self.send()

		events = [calendar_of(m) for m in self.mails_to(self.app.email)]
		self.assertEqual(len(events), 3, "invitation, update, update")
		self.assertEqual({vcal["METHOD"] for _t, vcal, _e in events}, {"REQUEST"})
		self.assertEqual(len({e["UID"] for _t, _v, e in events}), 1)
		self.assertEqual([int(e["SEQUENCE"]) for _t, _v, e in events], [0, 1, 2])
		self.assertEqual(
			[e["DTSTART"] for _t, _v, e in events],
			[utc_stamp(self.day, c) for c in ("10:00:00", "14:00:00", "10:00:00")],
		)
		moved_away = [r for r in self.rows(self.reminder) if ":14:00:00" in r.idempotency_key]
		self.assertEqual(
			[(r.status, r.error) for r in moved_away], [("Cancelled", "The interview was rescheduled.")]
		)

	def test_preview_knows_the_update_is_already_queued(self):
		self.send()
		self.booked.db_set({"from_time": "14:00:00", "to_time": "15:00:00"})
		frappe.db.commit()  # nosemgrep
		result = automation_preview.preview(self.invitation)
		[row] = [r for r in result["rows"] if r["interview"] == self.booked.name]
		self.assertEqual((row["already"], row["will_send"]), ("Queued", False))
		self.assertEqual(result["sample"]["attachments"], ["interview.ics"])

	def test_saving_the_same_slot_again_sends_nothing_new(self):
		self.booked.reload()
		self.booked.save(ignore_permissions=True)
		frappe.db.commit()  # nosemgrep
		self.send()
		self.assertEqual(len(self.mails_to(self.app.email)), 1)
		self.assertEqual([r.status for r in self.rows()], ["Sent"])


class HolidayCase(PipelineCase):
	"""The opening's company gets a Holiday List of its own for the test (restored afterwards)."""

	def setUp(self):
		super().setUp()
		self.company = frappe.db.get_value("Job Opening", self.opening, "company")
		self.previous_list = frappe.db.get_value("Company", self.company, "default_holiday_list")
		self.holiday_list = None

	def tearDown(self):
		frappe.db.rollback()
		frappe.db.set_value("Company", self.company, "default_holiday_list", self.previous_list)
		if self.holiday_list:
			frappe.db.delete("Holiday", {"parent": self.holiday_list})
			frappe.db.delete("Holiday List", {"name": self.holiday_list})
		frappe.db.commit()  # nosemgrep
		super().tearDown()

	def company_holidays(self, *days: date) -> None:
		today = getdate(nowdate())
		doc = frappe.get_doc(
			{
				"doctype": "Holiday List",
				"holiday_list_name": f"RC Test Holidays {random_string(6)}",
				"from_date": add_days(today, -7),
				"to_date": add_days(today, 60),
				"holidays": [{"holiday_date": d, "description": "Company holiday"} for d in days],
			}
		).insert(ignore_permissions=True)
		self.holiday_list = doc.name
		frappe.db.set_value("Company", self.company, "default_holiday_list", doc.name)
		frappe.db.commit()  # nosemgrep


def working_days_after(day: date, skip: set[date]) -> list[date]:
	"""The next weekdays after `day`, without `skip` (written out here, not taken from the app)."""
	out, d = [], day
	while len(out) < 5:
		d += timedelta(days=1)
		if d.weekday() < 5 and d not in skip:
			out.append(d)
	return out


class TestHolidays(HolidayCase):
	def test_a_rejection_two_working_days_later_lands_after_the_holiday(self):
		self.automation(state="Rejected", delay_value=2, delay_unit="Days", send_window="Business Hours",
			only_while_in_state=1)  # fmt: skip
		today = getdate(nowdate())
		first_working_day = working_days_after(today, set())[0]
		self.company_holidays(first_working_day)
		app = self.apply()
		before = now_datetime()
		self.move(app.name, "Rejected")
		[row] = self.ledger(app.name)
		expected = working_days_after(today, {first_working_day})[1]
		self.assertEqual(row.due_at.date(), expected, "two working days, the holiday not counted")
		self.assertLess(abs((row.due_at.time().hour * 60 + row.due_at.time().minute)
			- (before.hour * 60 + before.minute)), 2, "at the time it was rejected")  # fmt: skip

	def test_business_hours_wait_for_the_next_working_day_after_a_holiday(self):
		self.automation(state="Applied", send_window="Business Hours")
		today = getdate(nowdate())
		tomorrow = today + timedelta(days=1)
		self.company_holidays(today, tomorrow)
		app = self.apply(timezone=get_system_timezone())
		self.send()
		self.assertEqual(self.mails_to(app.email), [], "not on a company holiday")
		[row] = self.ledger(app.name)
		self.assertEqual(row.status, "Queued")
		next_open = working_days_after(tomorrow, set())[0]
		self.assertEqual(row.due_at, datetime.combine(next_open, time(9, 0)), "09:00 on the next working day")
