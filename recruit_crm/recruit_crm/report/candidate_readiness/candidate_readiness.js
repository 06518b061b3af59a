// Copyright (c) 2026, recruit_crm contributors
// License: GNU General Public License v3. See license.txt

frappe.query_reports["Candidate Readiness"] = {
	filters: [
		{ fieldname: "from_date", label: __("From"), fieldtype: "Date", default: frappe.datetime.add_days(frappe.datetime.get_today(), -30) },
		{ fieldname: "to_date", label: __("To"), fieldtype: "Date", default: frappe.datetime.get_today() },
		{ fieldname: "talent_pool", label: __("Talent Pool"), fieldtype: "Link", options: "RC Talent Pool" },
		{ fieldname: "recruiter", label: __("Recruiter"), fieldtype: "Link", options: "User" },
		{ fieldname: "contact_days", label: __("No Personal Contact For (Days)"), fieldtype: "Int", default: 14 },
	],
	formatter(value, row, column, data, default_formatter) {
		const shown = default_formatter(value, row, column, data);
		// a stage opens the candidate list on that stage (the pool filter stays in the report)
		if (column.fieldname === "stage" && data && data.stage) {
			const recruiter = frappe.query_report.get_filter_value("recruiter");
			const query = new URLSearchParams({ readiness_stage: data.stage });
			if (recruiter) query.set("recruiter", recruiter);
			return `<a href="/app/rc-candidate?${query}">${shown}</a>`;
		}
		return shown;
	},
};
