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
doctype_js = {"Job Applicant": "public/js/job_applicant.js"}

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
}

scheduler_events = {
	"hourly_long": ["recruit_crm.tasks.link_unlinked_job_applicants"],
}

# Candidate data is HR data
permission_query_conditions = {
	"RC Candidate": "recruit_crm.permissions.candidate_query_conditions",
}
has_permission = {
	"RC Candidate": "recruit_crm.permissions.candidate_has_permission",
}

global_search_doctypes = {"Default": [{"doctype": "RC Candidate", "index": 1}]}
