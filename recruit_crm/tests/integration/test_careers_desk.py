"""Recruiter-side career site tools: share links, attribution, page-builder blocks."""

import json

import frappe
from frappe.utils import random_string

from recruit_crm.services.portal import applications, community, visits
from recruit_crm.tests.factories import make_job_opening
from recruit_crm.tests.integration import RCTestCase


def _employee() -> str:
	existing = frappe.get_all("Employee", filters={"status": "Active"}, pluck="name", limit=1)
	if existing:
		return existing[0]
	company = frappe.db.get_value("Company", {}, "name")
	return (
		frappe.get_doc(
			{
				"doctype": "Employee",
				"first_name": "Referrer",
				"gender": frappe.db.get_value("Gender", {}, "name"),
				"date_of_birth": "1990-01-01",
				"date_of_joining": "2020-01-01",
				"company": company,
				"status": "Active",
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


class TestShareAndAttribution(RCTestCase):
	def test_share_links_credit_channel_campaign_and_employee(self):
		from recruit_crm.api.careers import share_links

		opening = make_job_opening()
		employee = _employee()
		links = share_links(opening.name, employee=employee, campaign="spring")
		self.assertEqual(set(links["channels"]), {"linkedin", "x", "facebook", "whatsapp", "email", "direct"})
		referral = links["referral"]["direct"]
		ref = referral.split("ref=")[1]
		self.assertEqual(applications.referrer_employee(ref), employee)
		self.assertIsNone(applications.referrer_employee(ref[:-2] + "xx"), "a forged token credits nobody")

	def test_unpublished_jobs_cannot_be_shared(self):
		from recruit_crm.api.careers import share_links

		opening = make_job_opening(publish=0)
		with self.assertRaises(frappe.ValidationError):
			share_links(opening.name)

	def test_visits_and_applications_are_credited_in_the_report(self):
		from recruit_crm.recruit_crm.report.career_site_attribution.career_site_attribution import execute
		from recruit_crm.services.portal.careers import job_path

		opening = make_job_opening()
		campaign = f"camp-{random_string(6)}"
		for _ in range(3):
			visits.track_visit(
				{"utm_source": "linkedin", "utm_campaign": campaign, "landing": job_path(opening.route)}
			)
		visits.track_visit({"utm_source": "<script>", "landing": "https://evil.example/"})
		frappe.get_doc(
			{
				"doctype": "Job Applicant",
				"applicant_name": "Credited",
				"email_id": f"credited.{random_string(6)}@example.org",
				"status": "Open",
				"job_title": opening.name,
				"rc_utm_source": "linkedin",
				"rc_utm_campaign": campaign,
			}
		).insert(ignore_permissions=True)
		_columns, data, _message, chart = execute({"job_opening": opening.name})
		row = next(r for r in data if r["campaign"] == campaign)
		self.assertEqual((row["channel"], row["visits"], row["applications"]), ("LinkedIn", 3, 1))
		self.assertAlmostEqual(row["conversion"], 33.33, places=1)
		self.assertTrue(chart["data"]["labels"])

	def test_only_known_channels_are_credited_by_name(self):
		from recruit_crm.recruit_crm.report.career_site_attribution.career_site_attribution import execute

		opening = make_job_opening()
		for source in ("x", "xx", "free-money"):
			visits.track_visit({"utm_source": source, "landing": "/careers"})
			frappe.db.set_value("RC Career Visit", {"utm_source": source}, "job_opening", opening.name)
		channels = {r["channel"]: r["visits"] for r in execute({"job_opening": opening.name})[1]}
		self.assertEqual(channels, {"X (Twitter)": 1, "other": 2}, "typed-in sources are not channels")
		frappe.db.rollback()

	def test_the_report_opens_under_recruit_crm(self):
		self.assertEqual(
			frappe.get_meta(frappe.db.get_value("Report", "Career Site Attribution", "ref_doctype")).module,
			"Recruit CRM",
		)
		self.assertFalse(
			frappe.db.exists("RC Career Visit", {"utm_source": "<script>"}), "junk attribution is not stored"
		)


class TestPageBuilderBlocks(RCTestCase):
	def test_blocks_render_jobs_with_campaign_links_and_safe_embeds(self):
		opening = make_job_opening(title=f"RC Block Role {random_string(5)}")
		page = frappe.get_doc(
			{
				"doctype": "Web Page",
				"title": f"RC Campaign {random_string(5)}",
				"published": 1,
				"content_type": "Page Builder",
				"page_blocks": [
					{
						"web_template": "RC Campaign Hero",
						"web_template_values": json.dumps(
							{
								"title": "Hello <b>world</b>",
								"primary_color": "red;}</style><script>",
								"campaign": "c1",
							}
						),
					},
					{
						"web_template": "RC Job List",
						"web_template_values": json.dumps(
							{"designation": opening.designation, "campaign": "c1", "limit": 50}
						),
					},
					{
						"web_template": "RC Video",
						"web_template_values": json.dumps({"video_url": "https://evil.example/x.mp4"}),
					},
					{
						"web_template": "RC Talent Community Signup",
						"web_template_values": json.dumps({"title": "Stay in touch"}),
					},
				],
			}
		).insert(ignore_permissions=True)
		from frappe.website.serve import get_response_content

		html = get_response_content(page.route)
		self.assertIn(opening.job_title, html)
		self.assertIn("utm_campaign=c1", html)
		self.assertIn("Hello &lt;b&gt;world&lt;/b&gt;", html)
		self.assertNotIn("red;}</style><script>", html)
		self.assertIn("background:#1f4fbf", html, "an unsafe colour falls back to the brand default")
		self.assertNotIn("evil.example/x.mp4", html, "only YouTube and Vimeo are embedded")
		self.assertIn("recruit_crm.api.portal.join_community", html)


class TestHrmsJobsRedirect(RCTestCase):
	def test_hrms_job_urls_can_be_sent_to_the_career_site_and_back(self):
		from frappe.website.path_resolver import resolve_redirect

		settings = frappe.get_single("RC Settings")
		settings.redirect_hrms_jobs = 1
		settings.save()
		for path, target in (("jobs", "/careers"), ("jobs/acme/data-analyst", "/careers/acme/data-analyst")):
			frappe.cache.delete_value("website_redirects")
			with self.assertRaises(frappe.Redirect):
				resolve_redirect(path)
			self.assertEqual(frappe.flags.redirect_location, target)
		settings.redirect_hrms_jobs = 0
		settings.save()
		frappe.cache.delete_value("website_redirects")
		resolve_redirect("jobs")  # no redirect any more
		self.assertFalse(frappe.db.exists("Website Route Redirect", {"source": "jobs"}))


class TestWelcomeCampaign(RCTestCase):
	def test_confirmed_community_members_join_the_configured_welcome_campaign(self):
		from recruit_crm.services.nurture import lifecycle
		from recruit_crm.services.portal import tokens
		from recruit_crm.tests.factories import (
			ensure_sink_email_account,
			make_email_template,
			make_nurture_campaign,
			unique_email,
		)

		campaign = make_nurture_campaign(
			ensure_sink_email_account(2599),
			[{"step_type": "Send Email", "email_template": make_email_template()}],
		)
		lifecycle.launch(campaign.name)
		settings = frappe.get_single("RC Settings")
		settings.welcome_campaign = campaign.name
		settings.save()
		email = unique_email("welcome")
		signup = frappe.get_doc(
			{
				"doctype": "RC Community Signup",
				"email": email,
				"full_name": "Welcome Person",
				"status": "Pending",
				"submitted_at": frappe.utils.now_datetime(),
			}
		).insert(ignore_permissions=True)
		token = tokens.make_token(signup.name, tokens.CONFIRM_COMMUNITY, ttl_days=7)

		self.assertTrue(community.confirm_community(token))

		candidate = frappe.db.get_value("RC Candidate", {"email": email}, "name")
		self.assertTrue(
			frappe.db.exists(
				"RC Nurture Enrollment", {"nurture_campaign": campaign.name, "candidate": candidate}
			),
			"the new member is enrolled in the welcome campaign",
		)
		settings.welcome_campaign = None
		settings.save()
