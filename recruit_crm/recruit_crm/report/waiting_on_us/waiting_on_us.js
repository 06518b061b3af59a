// Applications past their stage's ideal (amber) or maximum (red) days.
frappe.query_reports["Waiting on Us"] = {
	filters: [
		{ fieldname: "job_opening", label: __("Job Opening"), fieldtype: "Link", options: "Job Opening" },
		{ fieldname: "recruiter", label: __("Recruiter"), fieldtype: "Link", options: "User" },
		{ fieldname: "waiting", label: __("Waiting"), fieldtype: "Select", options: ["", "Past Ideal", "Past Max"] },
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (column.fieldname === "waiting" && data) {
			const colour = data.waiting === "Past Max" ? "red" : "orange";
			return `<span class="indicator-pill ${colour}">${value}</span>`;
		}
		return value;
	},
};
