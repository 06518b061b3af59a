// Copyright (c) 2026, recruit_crm contributors
// License: GNU General Public License v3. See license.txt

frappe.query_reports["Candidate Anonymisation Schedule"] = {
	filters: [
		{
			fieldname: "within_days",
			label: __("Due Within (Days)"),
			fieldtype: "Int",
			default: 30,
		},
	],
};
