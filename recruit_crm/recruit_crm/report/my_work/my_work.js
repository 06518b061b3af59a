// My work: your candidates by readiness, applications by stage, campaigns, tasks due and the hot
// candidates nobody contacted. HR Managers may pick a recruiter or leave it empty for everyone.
frappe.query_reports["My Work"] = {
	filters: [
		{
			fieldname: "view",
			label: __("View"),
			fieldtype: "Select",
			options: ["Candidates by Readiness", "Applicants by Stage", "My Campaigns", "Tasks Due", "Hot or Ready, Not Contacted"],
			default: "Candidates by Readiness",
			reqd: 1,
		},
		{
			fieldname: "recruiter",
			label: __("Recruiter"),
			fieldtype: "Link",
			options: "User",
			default: frappe.user.has_role("HR Manager") || frappe.user.has_role("System Manager") ? "" : frappe.session.user,
			read_only: !(frappe.user.has_role("HR Manager") || frappe.user.has_role("System Manager")),
		},
	],
};
