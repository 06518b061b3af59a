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
	"Job Opening": ["public/js/job_opening_share.js", "public/js/job_opening_rediscovery.js"],
	"RC Candidate": ["public/js/candidate_engagement.js", "public/js/talent_pool_actions.js"],
}
doctype_list_js = {
	"Job Applicant": ["public/js/talent_pool_actions.js"],
	"RC Candidate": ["public/js/nurture_enrol.js", "public/js/talent_pool_actions.js"],
}

# Document events. One key per doctype; handlers of one event run in list order.
_HRMS = "recruit_crm.integrations.hrms"
_REFRESH = "recruit_crm.integrations.hrms.application_documents.refresh_applicant_candidate"
_POOLS = "recruit_crm.integrations.pool_upkeep"
_CAPTURE = "recruit_crm.services.capture.capture_document"  # touchpoints from platform documents
_CAREERS_CACHE = "recruit_crm.services.careers.clear_careers_cache"

doc_events = {
	# Every application belongs to one candidate; stage, pools and touchpoints follow it.
	"Job Applicant": {
		"before_insert": f"{_HRMS}.job_applicant.before_insert",
		"validate": f"{_HRMS}.job_applicant.validate",
		"after_insert": [_CAPTURE],
		"on_update": f"{_HRMS}.job_applicant.on_update",
		"on_change": [f"{_HRMS}.job_applicant.on_change", f"{_POOLS}.job_applicant_on_change"],
		"after_delete": [f"{_HRMS}.job_applicant.after_delete", f"{_POOLS}.job_applicant_after_delete"],
	},
	"Interview": {
		"on_update": _REFRESH,
		"on_submit": [_REFRESH, _CAPTURE],
		"on_cancel": _REFRESH,
		"on_change": [f"{_POOLS}.interview_on_change"],
	},
	"Interview Feedback": {"on_submit": [_CAPTURE]},
	"Job Offer": {
		"on_update": _REFRESH,
		"on_change": [_REFRESH, _CAPTURE],
		"on_cancel": _REFRESH,
	},
	"Employee": {
		"after_insert": [_REFRESH, _CAPTURE],
		"on_change": [f"{_POOLS}.employee_on_update"],
	},
	"Exit Interview": {"on_change": [f"{_POOLS}.exit_interview_on_change"]},
	# Emails to and from candidates: touchpoints, and replies that stop or pause nurture sequences.
	"Communication": {
		"after_insert": ["recruit_crm.integrations.nurture.communication_after_insert"],
		"on_update": [_CAPTURE],
	},
	"RC Candidate": {
		"on_update": ["recruit_crm.services.consent.on_candidate_update", f"{_POOLS}.candidate_on_update"],
	},
	# Cached career pages go stale when what they show changes.
	"Job Opening": {
		"on_update": [_CAREERS_CACHE, f"{_POOLS}.job_opening_on_update"],
		"on_trash": _CAREERS_CACHE,
	},
	"RC Content": {"on_update": _CAREERS_CACHE, "on_trash": _CAREERS_CACHE},
	"RC Settings": {"on_update": [_CAREERS_CACHE, "recruit_crm.services.scoring.on_settings_update"]},
	# Frappe's privacy requests reach the candidate behind a website user.
	"Personal Data Deletion Request": {
		"on_update": "recruit_crm.integrations.frappe.personal_data.on_deletion_request_update"
	},
	# Errors on the app's routes or from its code keep no personal data.
	"Error Log": {"before_insert": "recruit_crm.services.web_guards.redact_error_log"},
}

override_doctype_class = {
	"Personal Data Download Request": (
		"recruit_crm.integrations.frappe.personal_data.RCPersonalDataDownloadRequest"
	),
}

# Candidate merges: each feature keeps one row per person for the surviving candidate.
recruit_crm_before_candidate_merge = [
	"recruit_crm.services.scoring.rescore_after_merge",
	"recruit_crm.services.nurture.repoint_candidate",
	f"{_POOLS}.before_candidate_merge",
]

scheduler_events = {
	"cron": {
		"* * * * *": ["recruit_crm.tasks_nurture.run_every_minute"],
		"*/5 * * * *": [
			"recruit_crm.services.capture.run_email_delivery_sync",
			"recruit_crm.tasks.process_pending_applications",
			"recruit_crm.tasks_nurture.sync_audiences",
		],
	},
	"hourly_long": [
		"recruit_crm.tasks.link_unlinked_job_applicants",
		"recruit_crm.services.capture.run_capture_sweep",
	],
	"daily": [
		"recruit_crm.tasks.expire_community_signups",
		"recruit_crm.services.privacy.run_consent_renewal_requests",
	],
	"daily_long": [
		"recruit_crm.services.scoring.run_nightly_refresh",
		"recruit_crm.services.privacy.run_retention_daily",
		"recruit_crm.services.pools.run_smart_pool_upkeep_daily",
		"recruit_crm.services.system_pools.run_alumni_upkeep_daily",
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
page_renderer = ["recruit_crm.website.careers_renderer.CareersPage"]
website_path_resolver = ["recruit_crm.website.careers_renderer.resolve_path"]
before_request = [
	# The client's address first: rate limits and stored evidence use it.
	"recruit_crm.services.request_context.resolve_client_address",
	"recruit_crm.services.web_guards.disable_tracebacks",
	"recruit_crm.services.careers.before_request",
]
after_request = ["recruit_crm.services.web_guards.after_request"]

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
