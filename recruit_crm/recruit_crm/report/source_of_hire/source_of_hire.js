// Applications, interviews, offers and hires by source, UTM campaign or referrer.
// What each number means: docs/analytics.md.
frappe.query_reports["Source of Hire"] = {
	filters: [
		{ fieldname: "from_date", label: __("From"), fieldtype: "Date", default: frappe.datetime.add_days(frappe.datetime.get_today(), -90) },
		{ fieldname: "to_date", label: __("To"), fieldtype: "Date", default: frappe.datetime.get_today() },
		{ fieldname: "job_opening", label: __("Job Opening"), fieldtype: "Link", options: "Job Opening" },
		{ fieldname: "department", label: __("Department"), fieldtype: "Link", options: "Department" },
		{ fieldname: "source", label: __("Source"), fieldtype: "Link", options: "Job Applicant Source" },
		{ fieldname: "recruiter", label: __("Recruiter"), fieldtype: "Link", options: "User" },
		{ fieldname: "drive", label: __("Hiring Drive"), fieldtype: "Link", options: "RC Hiring Drive" },
		{ fieldname: "group_by", label: __("Group By"), fieldtype: "Select", options: ["Source", "UTM Campaign", "UTM Source", "Referrer"], default: "Source" },
	],
};
