"""Authoring a campaign without help: audience rules in the pool format (in words), emails written on
the step with merge fields, a test send to yourself, a dry run that says why people are left out,
and a one-off email to people picked from the candidate list that takes the campaign road.

Real sends go to the loopback SMTP sink of `NurtureCase` (they commit; tearDown cleans up).
"""

from datetime import timedelta
from email.header import decode_header, make_header

import frappe
from frappe.utils import add_days, random_string, today

from recruit_crm.api import nurture_campaign as api
from recruit_crm.services.compliance import consent
from recruit_crm.services.nurture import (
	audience,
	campaigns,
	constants,
	engine,
	one_off,
	readiness,
	rendering,
	reports,
)
from recruit_crm.tests.factories import make_job_opening, make_user
from recruit_crm.tests.integration.nurture_case import MESSAGE, NurtureCase

LIVE_TRACKING = ("email_open", "email_click", "api.portal.unsubscribe", "unsubscribe?t=")


def subject_of(mail) -> str:
	return str(make_header(decode_header(mail["Subject"])))


def rules(*conditions, match="all"):
	return {"match": match, "conditions": list(conditions)}


class TestAudienceRules(NurtureCase):
	def test_pool_format_rules_enrol_the_people_they_name_and_read_as_words(self):
		marker = random_string(8).lower()
		inside = self.person(email=f"in.{marker}@example.org", current_title=f"Data Engineer {marker}")
		self.person(email=f"out.{marker}@example.org", current_title="Chef")
		campaign = self.campaign(
			audience_rules=frappe.as_json(
				rules({"field": "current_title", "operator": "like", "value": marker})
			)
		)
		self.assertEqual(
			campaign.audience_rules_summary, f"Candidates whose current title contains \u201c{marker}\u201d"
		)
		self.assertEqual(audience.enroll_audience(campaign.name), 1)
		self.assertEqual(
			frappe.get_all(constants.ENROLLMENT, {"nurture_campaign": campaign.name}, pluck="candidate"),
			[inside.name],
		)

	def test_older_frappe_filter_rules_keep_working(self):
		marker = random_string(8).lower()
		people = [self.person(email=f"old.{marker}.{i}@example.org") for i in range(2)]
		campaign = self.campaign(audience_rules=frappe.as_json([["email", "like", f"old.{marker}.%"]]))
		self.assertEqual(audience.enroll_audience(campaign.name), 2)
		self.assertIn(f"old.{marker}", campaign.audience_rules_summary)
		self.assertEqual(len(people), 2)

	def test_an_editor_left_without_conditions_means_no_rules(self):
		campaign = self.campaign(audience_rules=frappe.as_json(rules()))
		self.assertFalse(campaign.audience_rules, "pools (or manual enrolment) alone decide")

	def test_the_live_preview_counts_who_matches_and_who_may_be_emailed(self):
		marker = random_string(8).lower()
		self.person(current_title=f"Analyst {marker}")
		self.person(current_title=f"Analyst {marker}", has_marketing_consent=0)
		result = api.audience_preview(
			frappe.as_json(rules({"field": "current_title", "operator": "like", "value": marker}))
		)
		self.assertEqual((result["count"], result["sendable"], result["error"]), (2, 1, None))
		self.assertEqual(result["summary"], f"Candidates whose current title contains \u201c{marker}\u201d")

	def test_a_rule_without_its_value_is_refused_on_save_with_its_place(self):
		with self.assertRaises(frappe.ValidationError) as ctx:
			self.campaign(
				audience_rules=frappe.as_json(rules({"field": "country", "operator": "=", "value": ""}))
			)
		self.assertIn("condition 1", str(ctx.exception))


class TestWrittenEmails(NurtureCase):
	def test_an_email_written_on_the_step_is_sent_with_merge_fields_and_tracking(self):
		person = self.person(full_name="Noor Haddad", current_title="Platform Engineer")
		campaign = self.campaign(
			[
				{
					"step_type": "Send Email",
					"email_subject": "{{ candidate.first_name }}, a note from {{ campaign.campaign_name }}",
					"email_body": '<p>Hi {{ candidate.first_name }}, as a {{ candidate.current_title }} you may like <a href="https://example.org/team">our team</a>.</p>',
				}
			],
			campaign_name=f"Spring Hello {random_string(4)}",
		)
		self.launch_with(campaign, [person])
		self.send()
		mail = self.received()[0]
		self.assertEqual(mail["Subject"], f"Noor, a note from {campaign.campaign_name}")
		html = self.html_of(mail)
		self.assertIn("Hi Noor, as a Platform Engineer", html)
		self.assertIn("recruit_crm.api.portal.email_click?t=", html, "links are tracked")
		self.assertIn("recruit_crm.api.portal.email_open?t=", html, "opens are tracked")
		self.assertTrue(mail["List-Unsubscribe"])

	def test_a_send_email_step_needs_a_template_or_written_words_not_both(self):
		with self.assertRaisesRegex(frappe.ValidationError, "choose an Email Template, or write"):
			self.campaign([{"step_type": "Send Email"}])
		with self.assertRaisesRegex(frappe.ValidationError, "not both"):
			self.campaign(
				[{"step_type": "Send Email", "email_template": self.template, "email_body": "<p>Hi</p>"}]
			)
		with self.assertRaisesRegex(frappe.ValidationError, "write a subject"):
			self.campaign([{"step_type": "Send Email", "email_body": "<p>Hi</p>"}])

	def test_every_merge_field_listed_is_filled_in_a_real_email(self):
		opening = make_job_opening(title=f"Site Reliability Engineer {random_string(4)}")
		fields = api.merge_fields("Invite To Apply", job_opening=opening.name)
		tags = [f["tag"] for f in fields]
		self.assertIn("{{ candidate.first_name }}", tags)
		self.assertIn("{{ campaign.campaign_name }}", tags)
		self.assertIn("{{ job_opening.title }}", tags)
		self.assertEqual(
			next(f["example"] for f in fields if f["field"] == "job_opening.title"), opening.job_title
		)
		self.assertTrue(all(f["example"] for f in fields), "an example for each")
		self.assertNotIn("{{ candidate.readiness_stage }}", tags, "internal fields are not offered")
		self.assertNotIn("job_opening.title", [f["field"] for f in api.merge_fields("Send Email")])

		person = self.person(
			full_name="Ada Obi",
			current_title="SRE",
			current_employer="Contoso",
			location="Accra",
			country="Ghana",
		)
		body = "".join(f"<p>[{f['field']}={f['tag']}]</p>" for f in fields)
		campaign = self.campaign(
			[
				{
					"step_type": "Invite To Apply",
					"job_opening": opening.name,
					"email_subject": "Hi",
					"email_body": body,
				}
			]
		)
		self.launch_with(campaign, [person])
		self.send()
		html = self.html_of(self.received()[0])
		for f in fields:
			self.assertNotIn(f"[{f['field']}=]", html, f"{f['field']} is filled in")
		self.assertIn(f"[job_opening.title={opening.job_title}]", html)
		self.assertIn("[candidate.country=Ghana]", html)


class TestSendTestToMe(NurtureCase):
	def test_each_email_step_goes_to_me_rendered_for_a_sample_person_without_live_tracking(self):
		marker = random_string(8).lower()
		self.person(full_name="Lena Sample", email=f"sample.{marker}@example.org")
		variant_b = self.template  # the same words are enough to see a B copy arrive
		campaign = self.campaign(
			[
				{"step_type": "Send Email", "email_template": self.template},
				{"step_type": "Wait", "wait_amount": 1, "wait_unit": "Days"},
				{
					"step_type": "Send Email",
					"email_subject": "Second, {{ candidate.first_name }}",
					"email_body": '<p>More for you: <a href="https://example.org/more">more</a></p>',
				},
				{
					"step_type": "Send Email",
					"email_template": self.template,
					"variant_email_template": variant_b,
					"ab_split_percent": 50,
				},
			],
			audience_rules=frappe.as_json([["email", "like", f"sample.{marker}%"]]),
		)
		readiness.record_test(self.account, error="535 earlier failure")
		result = api.send_test(campaign.name)
		frappe.db.commit()  # nosemgrep: the sink received them; keep the account's record consistent
		self.assertEqual((result["ok"], result["sent"], result["candidate"]), (True, 4, "Lena Sample"))
		mails = self.received()
		self.assertEqual([m["To"] for m in mails], ["admin@example.com"] * 4, "sent to me, the current user")
		self.assertEqual(
			[subject_of(m) for m in mails],
			["[Test · Step 1] Hello Lena", "[Test · Step 3] Second, Lena", "[Test · Step 4 A] Hello Lena",
				"[Test · Step 4 B] Hello Lena"],
		)  # fmt: skip
		for mail in mails:
			html = self.html_of(mail)
			self.assertIn("rc-card", html, "the real branded layout")
			for live in LIVE_TRACKING:
				self.assertNotIn(live, html)
			self.assertIsNone(mail["List-Unsubscribe"], "a test unsubscribes nobody")
		self.assertFalse(
			frappe.db.exists(MESSAGE, {"nurture_campaign": campaign.name}), "nothing in the ledger"
		)
		self.assertTrue(readiness.sender_state(self.account).ready, "a passing test makes the sender ready")

	def test_without_an_audience_a_fictional_person_fills_the_email(self):
		campaign = self.campaign()
		result = api.send_test(campaign.name)
		frappe.db.commit()  # nosemgrep
		self.assertEqual(result["candidate"], rendering.SAMPLE_PERSON["full_name"])
		self.assertEqual(subject_of(self.received()[0]), "[Test · Step 1] Hello Amara")


class TestDryRunReasons(NurtureCase):
	def test_never_asked_withdrew_and_expired_are_told_apart(self):
		marker = random_string(8).lower()
		email = lambda tag: f"why.{marker}.{tag}@example.org"  # noqa: E731
		self.person(email=email("ok"))
		never = self.person(email=email("never"), full_name="Never Asked", has_marketing_consent=0)
		withdrew = self.person(email=email("withdrew"), has_marketing_consent=0)
		consent.give(withdrew.name, "Marketing Email", "Recruiter")
		consent.withdraw(withdrew.name, "Marketing Email", "Recruiter")
		expired = self.person(email=email("expired"), has_marketing_consent=0)
		lapsed = consent.give(expired.name, "Marketing Email", "Recruiter", expires_on=add_days(today(), 1))
		frappe.db.set_value("RC Consent", lapsed, "expires_on", add_days(today(), -3))  # time passes
		consent.sync_flags([expired.name])
		unsubscribed = self.person(email=email("unsub"), is_unsubscribed=1)
		self.assertEqual(frappe.db.get_value("RC Candidate", expired.name, "has_marketing_consent"), 0)
		campaign = self.campaign(audience_rules=frappe.as_json([["email", "like", f"why.{marker}.%"]]))

		result = reports.dry_run(campaign.name, sample_size=1)

		self.assertEqual(result["entering"], 1)
		self.assertEqual(
			result["left_out"],
			{"Never Asked": 1, "Consent Withdrawn": 1, "Consent Expired": 1, "Unsubscribed": 1},
		)
		self.assertIn("Ask for Permission", result["left_out_help"]["Never Asked"])
		self.assertEqual(
			result["left_out_examples"]["Never Asked"], [{"name": never.name, "full_name": "Never Asked"}]
		)
		self.assertEqual(result["left_out_examples"]["Unsubscribed"][0]["name"], unsubscribed.name)

	def test_delivery_time_suppression_still_says_consent_lost(self):
		"""The ledger's finer reasons are for people reading a dry run; exits keep their reason."""
		self.assertIn("'Consent Lost'", constants.SUPPRESSION_REASON_SQL)
		self.assertNotIn("Never Asked", constants.SUPPRESSION_REASON_SQL)


class TestOneOffEmail(NurtureCase):
	def setUp(self):
		super().setUp()
		readiness.record_test(self.account)
		frappe.db.commit()  # nosemgrep: the sender reads it

	def sent_campaigns(self) -> list[str]:
		names = frappe.get_all(
			constants.CAMPAIGN, {"is_one_off": 1, "email_account": self.account}, pluck="name"
		)
		self.campaigns.extend(n for n in names if n not in self.campaigns)
		return names

	def test_the_preview_counts_who_will_and_will_not_receive_it_and_why(self):
		ok = self.person(full_name="Ravi Menon")
		never = self.person(has_marketing_consent=0)
		bounced = self.person(has_bounced=1)
		result = api.preview_one_off(
			[ok.name, never.name, bounced.name, "no-such-person"],
			self.account,
			subject="Coffee next week, {{ candidate.first_name }}?",
			body="<p>Hi {{ candidate.first_name }}, shall we talk?</p>",
		)
		self.assertEqual(
			(result["selected"], result["will_receive"]), (3, 1), "unknown names are not counted"
		)
		self.assertEqual(result["left_out"], {"Never Asked": 1, "Bounced": 1})
		self.assertEqual(result["sample"]["subject"], "Coffee next week, Ravi?")
		for live in LIVE_TRACKING:
			self.assertNotIn(live, result["sample"]["html"], "a preview records nothing")
		self.assertIn("Between 09:00 and 17:00", result["window"], "business hours apply")
		self.assertTrue(result["sender"]["ready"])
		self.assertEqual(self.sent_campaigns(), [], "a preview creates nothing")

	def test_sending_takes_the_campaign_road_ledger_suppression_and_tracking(self):
		ok = self.person(full_name="Ravi Menon")
		changes_mind = self.person()
		never = self.person(has_marketing_consent=0)
		result = api.send_one_off(
			[ok.name, changes_mind.name, never.name],
			self.account,
			subject="Coffee, {{ candidate.first_name }}?",
			body='<p>Hi {{ candidate.first_name }}, see <a href="https://example.org/jobs">our roles</a>.</p>',
		)
		frappe.db.commit()  # nosemgrep
		self.sent_campaigns()
		self.assertEqual((result["enrolled"], result["skipped"], result["queued"]), (2, 1, 2))
		campaign = frappe.get_doc(constants.CAMPAIGN, result["campaign"])
		self.assertEqual((campaign.is_one_off, campaign.status, len(campaign.steps)), (1, "Active", 1))
		self.assertEqual(
			(campaign.send_start_time, campaign.send_end_time, campaign.send_on_weekends),
			(timedelta(hours=9), timedelta(hours=17), 0),
			"business hours, weekdays",
		)
		# Let it go out now whatever the hour (send rules are tested elsewhere), and have one person
		# unsubscribe after it was queued: the claim suppresses it.
		frappe.db.set_value(
			constants.CAMPAIGN,
			campaign.name,
			{
				"send_start_time": "00:00:00",
				"send_end_time": "23:59:59",
				"send_on_weekends": 1,
				"holiday_list": None,
			},
		)
		# Queued outside business hours, they were due the next working morning: due now instead,
		# and the sender must see the new window at once (workers re-read a campaign every 2 s).
		campaigns.campaign_cache.pop(campaign.name, None)
		frappe.db.sql(
			f"update `tab{constants.MESSAGE}` set due_at = %s where nurture_campaign = %s and status = 'Queued'",
			(frappe.utils.now_datetime(), campaign.name),
		)
		frappe.db.set_value("RC Candidate", changes_mind.name, "is_unsubscribed", 1)
		frappe.db.commit()  # nosemgrep
		self.send()
		mails = self.received()
		self.assertEqual([m["To"] for m in mails], [ok.email])
		html = self.html_of(mails[0])
		self.assertIn("Hi Ravi", html)
		self.assertIn("recruit_crm.api.portal.email_click?t=", html)
		self.assertIn("recruit_crm.api.portal.email_open?t=", html)
		self.assertTrue(mails[0]["List-Unsubscribe"])
		statuses = {r.candidate: r.status for r in self.messages(campaign)}
		self.assertEqual(statuses, {ok.name: "Sent", changes_mind.name: "Suppressed"})
		engine.queue_step(campaign.name, 1)
		frappe.db.commit()  # nosemgrep
		self.send()
		self.assertEqual(self.sink.messages, 1, "exactly once")

	def test_an_email_template_can_be_used_instead(self):
		person = self.person(full_name="Iris Tan")
		result = one_off.send([person.name], self.account, email_template=self.template)
		frappe.db.commit()  # nosemgrep
		self.sent_campaigns()
		self.assertEqual(result["queued"], 1)
		self.assertIn(
			frappe.db.get_value("Email Template", self.template, "subject"), result["campaign_name"]
		)

	def test_nothing_is_sent_without_words_or_from_an_account_that_is_not_ready(self):
		person = self.person()
		with self.assertRaisesRegex(frappe.ValidationError, "write a subject and a message"):
			api.send_one_off([person.name], self.account, subject="Hi", body="<p> </p>")
		readiness.record_test(self.account, error="535 authentication failed")
		with self.assertRaises(readiness.SenderNotReady) as ctx:
			api.send_one_off([person.name], self.account, subject="Hi", body="<p>Hello</p>")
		self.assertIn("535 authentication failed", str(ctx.exception))
		self.assertEqual(self.sent_campaigns(), [])

	def test_only_campaign_authors_may_send_one(self):
		person = self.person()
		recruiter = make_user(f"rc-oneoff-{random_string(5)}@example.org", ("Recruiter",))
		frappe.set_user(recruiter)
		try:
			with self.assertRaises(frappe.PermissionError):
				api.send_one_off([person.name], self.account, subject="Hi", body="<p>Hello</p>")
		finally:
			frappe.set_user("Administrator")
