// Per campaign, step and variant: what was sent, what it got, and applications and hires within 30/90 days.
// What each number means: docs/analytics.md.
frappe.query_reports["Nurture Performance"] = {
	filters: [
		{ fieldname: "from_date", label: __("From"), fieldtype: "Date", default: frappe.datetime.add_days(frappe.datetime.get_today(), -90) },
		{ fieldname: "to_date", label: __("To"), fieldtype: "Date", default: frappe.datetime.get_today() },
		{ fieldname: "nurture_campaign", label: __("Campaign"), fieldtype: "Link", options: "RC Nurture Campaign" },
	],
};
