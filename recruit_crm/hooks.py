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
doctype_js = {"Job Applicant": "public/js/job_applicant.js", "Job Opening": "public/js/job_opening_share.js"}

# HRMS documents feed the candidate record
doc_events = {
	"Job Applicant": {
		"before_insert": "recruit_crm.integrations.hrms.job_applicant.before_insert",
		"validate": "recruit_crm.integrations.hrms.job_applicant.validate",
		"on_update": "recruit_crm.integrations.hrms.job_applicant.on_update",
		"on_change": "recruit_crm.integrations.hrms.job_applicant.on_change",
		"after_delete": "recruit_crm.integrations.hrms.job_applicant.after_delete",
	},
	"Interview": {
		"on_update": "recruit_crm.integrations.hrms.interview.on_update",
		"on_submit": "recruit_crm.integrations.hrms.interview.on_submit",
		"on_cancel": "recruit_crm.integrations.hrms.interview.on_cancel",
	},
	"Job Offer": {
		"on_update": "recruit_crm.integrations.hrms.job_offer.on_update",
		"on_change": "recruit_crm.integrations.hrms.job_offer.on_change",
		"on_cancel": "recruit_crm.integrations.hrms.job_offer.on_cancel",
	},
	"Employee": {
		"after_insert": "recruit_crm.integrations.hrms.employee.after_insert",
	},
	# Cached career pages go stale when what they show changes.
	"Job Opening": {
		"on_update": "recruit_crm.services.careers.clear_careers_cache",
		"on_trash": "recruit_crm.services.careers.clear_careers_cache",
	},
	"RC Content": {
		"on_update": "recruit_crm.services.careers.clear_careers_cache",
		"on_trash": "recruit_crm.services.careers.clear_careers_cache",
	},
	"RC Settings": {
		"on_update": "recruit_crm.services.careers.clear_careers_cache",
	},
}

scheduler_events = {
	"hourly_long": ["recruit_crm.tasks.link_unlinked_job_applicants"],
	"daily": ["recruit_crm.tasks.expire_community_signups"],
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
before_request = ["recruit_crm.services.careers.before_request"]

# Candidate data is HR data
permission_query_conditions = {
	"RC Candidate": "recruit_crm.permissions.candidate_query_conditions",
}
has_permission = {
	"RC Candidate": "recruit_crm.permissions.candidate_has_permission",
}

global_search_doctypes = {"Default": [{"doctype": "RC Candidate", "index": 1}]}

# Touchpoints are captured from platform documents; consent and scoring follow candidate and
# settings changes. Merged into the maps above so every event keeps its other handlers.
_CAPTURE = "recruit_crm.services.capture.capture_document"
_TOUCHPOINT_EVENTS = (
	("Communication", "on_update", _CAPTURE),
	("Job Applicant", "after_insert", _CAPTURE),
	("Interview", "on_submit", _CAPTURE),
	("Interview Feedback", "on_submit", _CAPTURE),
	("Job Offer", "on_change", _CAPTURE),
	("Employee", "after_insert", _CAPTURE),
	("RC Candidate", "on_update", "recruit_crm.services.consent.on_candidate_update"),
	("RC Settings", "on_update", "recruit_crm.services.scoring.on_settings_update"),
)
for _doctype, _event, _handler in _TOUCHPOINT_EVENTS:
	_handlers = doc_events.setdefault(_doctype, {}).get(_event) or []
	doc_events[_doctype][_event] = [*([_handlers] if isinstance(_handlers, str) else _handlers), _handler]

# A merged candidate's score is recomputed over both histories.
globals().setdefault("recruit_crm_before_candidate_merge", []).append(
	"recruit_crm.services.scoring.rescore_after_merge"
)

_js = doctype_js.get("RC Candidate") or []
doctype_js["RC Candidate"] = [*([_js] if isinstance(_js, str) else _js), "public/js/candidate_engagement.js"]

for _frequency, _job in (
	("cron", ("*/5 * * * *", "recruit_crm.services.capture.run_email_delivery_sync")),
	("hourly_long", "recruit_crm.services.capture.run_capture_sweep"),
	("daily_long", "recruit_crm.services.scoring.run_recompute_all"),
	("daily_long", "recruit_crm.services.privacy.run_retention_daily"),
	("daily", "recruit_crm.services.privacy.run_consent_renewal_requests"),
):
	if _frequency == "cron":
		scheduler_events.setdefault("cron", {}).setdefault(_job[0], []).append(_job[1])
	else:
		scheduler_events.setdefault(_frequency, []).append(_job)

# Nurture campaigns: a minute tick moves sequences and starts senders; replies stop sequences.
scheduler_events.setdefault("cron", {}).setdefault("* * * * *", []).append(
	"recruit_crm.tasks_nurture.run_every_minute"
)
scheduler_events.setdefault("cron", {}).setdefault("*/5 * * * *", []).append(
	"recruit_crm.tasks_nurture.sync_audiences"
)
_handlers = doc_events.setdefault("Communication", {}).get("after_insert") or []
doc_events["Communication"]["after_insert"] = [
	*([_handlers] if isinstance(_handlers, str) else _handlers),
	"recruit_crm.integrations.nurture.communication_after_insert",
]
globals().setdefault("recruit_crm_before_candidate_merge", []).append(
	"recruit_crm.services.nurture.repoint_candidate"
)
_list_js_map = globals().setdefault("doctype_list_js", {})
_list_js = _list_js_map.get("RC Candidate") or []
_list_js_map["RC Candidate"] = [
	*([_list_js] if isinstance(_list_js, str) else _list_js),
	"public/js/nurture_enrol.js",
]

# Talent pools: kept current as candidates, applications, interviews and employees change;
# merged into the maps above so every event keeps its other handlers.
_POOLS = "recruit_crm.integrations.pool_upkeep"
for _doctype, _event, _handler in (
	("RC Candidate", "on_update", f"{_POOLS}.candidate_on_update"),
	("Job Applicant", "on_change", f"{_POOLS}.job_applicant_on_change"),
	("Job Applicant", "after_delete", f"{_POOLS}.job_applicant_after_delete"),
	("Interview", "on_change", f"{_POOLS}.interview_on_change"),
	("Job Opening", "on_update", f"{_POOLS}.job_opening_on_update"),
	("Employee", "on_change", f"{_POOLS}.employee_on_update"),
	("Exit Interview", "on_change", f"{_POOLS}.exit_interview_on_change"),
):
	_handlers = doc_events.setdefault(_doctype, {}).get(_event) or []
	doc_events[_doctype][_event] = [*([_handlers] if isinstance(_handlers, str) else _handlers), _handler]
scheduler_events.setdefault("daily_long", []).extend(
	[
		"recruit_crm.services.pools.run_smart_pool_upkeep_daily",
		"recruit_crm.services.system_pools.run_alumni_upkeep_daily",
	]
)
for _doctype, _map, _path in (
	("RC Candidate", doctype_js, "public/js/talent_pool_actions.js"),
	("Job Opening", doctype_js, "public/js/job_opening_rediscovery.js"),
	("RC Candidate", globals().setdefault("doctype_list_js", {}), "public/js/talent_pool_actions.js"),
	("Job Applicant", globals().setdefault("doctype_list_js", {}), "public/js/talent_pool_actions.js"),
):
	_js = _map.get(_doctype) or []
	_map[_doctype] = [*([_js] if isinstance(_js, str) else _js), _path]
for _doctype in ("RC Talent Pool", "RC Talent Pool Member", "RC Talent Pool Change"):
	_suffix = "talent_pool" if _doctype == "RC Talent Pool" else "talent_pool_member"
	permission_query_conditions[_doctype] = f"recruit_crm.permissions.{_suffix}_query_conditions"
	has_permission[_doctype] = f"recruit_crm.permissions.{_suffix}_has_permission"
globals().setdefault("recruit_crm_before_candidate_merge", []).append(f"{_POOLS}.before_candidate_merge")
