// Size, growth in the period, engaged, stale and contactable shares, and conversions of the pools you can see.
// What each number means: docs/analytics.md.
frappe.query_reports["Talent Pool Health"] = {
	filters: [
		{ fieldname: "from_date", label: __("From"), fieldtype: "Date", default: frappe.datetime.add_days(frappe.datetime.get_today(), -30) },
		{ fieldname: "to_date", label: __("To"), fieldtype: "Date", default: frappe.datetime.get_today() },
		{ fieldname: "talent_pool", label: __("Talent Pool"), fieldtype: "Link", options: "RC Talent Pool" },
		{ fieldname: "stale_days", label: __("Stale After (Days)"), fieldtype: "Int", default: 90 },
	],
};
