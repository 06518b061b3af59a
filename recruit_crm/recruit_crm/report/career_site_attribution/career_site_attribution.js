frappe.query_reports["Career Site Attribution"] = {
	filters: [
		{ fieldname: "from_date", label: __("From"), fieldtype: "Date", default: frappe.datetime.add_days(frappe.datetime.get_today(), -90) },
		{ fieldname: "to_date", label: __("To"), fieldtype: "Date", default: frappe.datetime.get_today() },
		{ fieldname: "job_opening", label: __("Job Opening"), fieldtype: "Link", options: "Job Opening" },
	],
};
