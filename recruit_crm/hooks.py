app_name = "recruit_crm"
app_title = "Recruit CRM"
app_publisher = "recruit_crm contributors"
app_description = (
	"Candidate Relationship Management for Frappe HRMS: one record per person, talent pools, nurture."
)
app_email = "recruit-crm@users.noreply.github.com"
app_license = "GPL-3.0"
required_apps = ["frappe/erpnext", "frappe/hrms"]

export_python_type_annotations = True

# Installation
after_install = "recruit_crm.setup.install.after_install"
after_migrate = "recruit_crm.setup.install.after_migrate"
before_uninstall = "recruit_crm.setup.uninstall.before_uninstall"
before_tests = "recruit_crm.setup.install.before_tests"

# Desk
boot_session = "recruit_crm.boot.boot_session"
doctype_js = {
	"Job Applicant": "public/js/job_applicant.js",
	"Job Opening": [
		"public/js/job_opening_share.js",
		"public/js/job_opening_rediscovery.js",
		"public/js/job_opening_pipeline.js",
	],
	"RC Candidate": [
		"public/js/candidate_engagement.js",
		"public/js/talent_pool_actions.js",
		"public/js/candidate_pools.js",
		"public/js/candidate_applications.js",
	],
	# One rule editor for smart pools and campaign audiences; merge fields for email steps.
	"RC Talent Pool": ["public/js/rule_editor.js"],
	"RC Nurture Campaign": ["public/js/rule_editor.js", "public/js/merge_fields.js"],
}
doctype_list_js = {
	"Job Applicant": ["public/js/talent_pool_actions.js", "public/js/pipeline_list.js"],
	"RC Candidate": [
		"public/js/nurture_enrol.js",
		"public/js/talent_pool_actions.js",
		"public/js/merge_fields.js",
		"public/js/one_off_email.js",
	],
}

# Document events: one adapter module per source doctype, one function per event
# (recruit_crm.integrations). Each hands the document to services.
_HRMS = "recruit_crm.integrations.hrms"
_FRAPPE = "recruit_crm.integrations.frappe"
_OWN = "recruit_crm.integrations.recruit_crm"


def _events(module: str, *events: str) -> dict[str, str]:
	return {event: f"{module}.{event}" for event in events}


doc_events = {
	# Every application belongs to one candidate; stage, pools and touchpoints follow it.
	"Job Applicant": _events(
		f"{_HRMS}.job_applicant",
		"before_insert",
		"validate",
		"after_insert",
		"on_update",
		"on_change",
		"after_delete",
	),
	"Interview": _events(
		f"{_HRMS}.interview", "after_insert", "on_update", "on_submit", "on_cancel", "on_change"
	),
	"Interview Feedback": _events(f"{_HRMS}.interview_feedback", "on_submit"),
	"Job Offer": _events(f"{_HRMS}.job_offer", "after_insert", "on_update", "on_change", "on_cancel"),
	"Employee": _events(f"{_HRMS}.employee", "after_insert", "on_change"),
	"Exit Interview": _events(f"{_HRMS}.exit_interview", "on_change"),
	"Job Opening": _events(f"{_HRMS}.job_opening", "on_update", "on_trash"),
	# Emails to and from candidates: touchpoints, and replies that stop or pause nurture sequences.
	"Communication": _events(f"{_FRAPPE}.communication", "after_insert", "on_update"),
	# Frappe's privacy requests reach the candidate behind a website user.
	"Personal Data Deletion Request": {"on_update": f"{_FRAPPE}.personal_data.on_deletion_request_update"},
	# Errors on the app's routes or from its code keep no personal data.
	"Error Log": _events(f"{_FRAPPE}.error_log", "before_insert"),
	# An admin's change to the pipeline's days re-flags waiting applications.
	"Workflow": _events(f"{_FRAPPE}.workflow", "on_update"),
	"RC Candidate": _events(f"{_OWN}.candidate", "on_update"),
	"RC Content": _events(f"{_OWN}.content", "on_update", "on_trash"),
	"RC Settings": _events(f"{_OWN}.settings", "on_update"),
}

override_doctype_class = {
	"Personal Data Download Request": f"{_FRAPPE}.personal_data.RCPersonalDataDownloadRequest",
}

# Candidate merges: each feature keeps one row per person for the surviving candidate.
recruit_crm_before_candidate_merge = [f"{_OWN}.candidate.before_merge"]

# Background work (recruit_crm.tasks): thin, one typed service call each.
_TASKS = "recruit_crm.tasks"
scheduler_events = {
	"cron": {
		"* * * * *": [f"{_TASKS}.nurture.run_every_minute"],
		"*/15 * * * *": [f"{_TASKS}.pipeline.scan_waiting_applications"],
		"*/5 * * * *": [
			f"{_TASKS}.engagement.sync_email_delivery",
			f"{_TASKS}.candidates.process_pending_applications",
			f"{_TASKS}.nurture.sync_audiences",
			f"{_TASKS}.pipeline_reminders.queue_interview_reminders",
		],
	},
	"hourly_long": [
		f"{_TASKS}.candidates.link_unlinked_job_applicants",
		f"{_TASKS}.engagement.sweep_captures",
	],
	"daily": [
		f"{_TASKS}.pipeline.send_waiting_digests",
		f"{_TASKS}.candidates.expire_community_signups",
		f"{_TASKS}.drives.expire_event_signups",
		f"{_TASKS}.compliance.request_consent_renewals",
	],
	"daily_long": [
		f"{_TASKS}.engagement.refresh_scores_nightly",
		f"{_TASKS}.compliance.run_retention_daily",
		f"{_TASKS}.pools.upkeep_smart_pools_daily",
		f"{_TASKS}.pools.upkeep_alumni_daily",
	],
}

# Career site and candidate portal
jinja = {
	"methods": [
		"recruit_crm.website.jinja.rc_jobs_for_block",
		"recruit_crm.website.jinja.rc_stories_for_block",
		"recruit_crm.website.jinja.rc_embed_url",
		"recruit_crm.website.jinja.rc_safe_color",
	]
}
# "My applications" in the portal menu of every signed-in user ("All": website users have no
# other role; the page shows a candidate their own applications and nobody anything else).
portal_menu_items = [
	{
		"title": "My Applications",
		"route": "/careers/applications",
		"reference_doctype": "Job Applicant",
		"role": "All",
	}
]
page_renderer = ["recruit_crm.website.careers_renderer.CareersPage"]
website_path_resolver = ["recruit_crm.website.careers_renderer.resolve_path"]
before_request = [f"{_FRAPPE}.web_requests.before_request"]
after_request = [f"{_FRAPPE}.web_requests.after_request"]

# Frappe's counting endpoints skip permission checks; for candidate data they must not.
override_whitelisted_methods = {
	"frappe.client.get_count": "recruit_crm.api.platform_overrides.get_count",
	"frappe.desk.reportview.get_count": "recruit_crm.api.platform_overrides.get_report_count",
	"frappe.desk.listview.get_group_by_count": "recruit_crm.api.platform_overrides.get_group_by_count",
}

# Candidate data is HR data; talent pools follow their visibility.
permission_query_conditions = {
	"Job Applicant": "recruit_crm.permissions.job_applicant_query_conditions",
	"RC Candidate": "recruit_crm.permissions.candidate_query_conditions",
	"RC Talent Pool": "recruit_crm.permissions.talent_pool_query_conditions",
	"RC Talent Pool Member": "recruit_crm.permissions.talent_pool_member_query_conditions",
	"RC Talent Pool Change": "recruit_crm.permissions.talent_pool_member_query_conditions",
}
has_permission = {
	"Job Applicant": "recruit_crm.permissions.job_applicant_has_permission",
	"RC Candidate": "recruit_crm.permissions.candidate_has_permission",
	"RC Talent Pool": "recruit_crm.permissions.talent_pool_has_permission",
	"RC Talent Pool Member": "recruit_crm.permissions.talent_pool_member_has_permission",
	"RC Talent Pool Change": "recruit_crm.permissions.talent_pool_member_has_permission",
}

global_search_doctypes = {"Default": [{"doctype": "RC Candidate", "index": 1}]}
