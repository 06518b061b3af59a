frappe.listview_settings["RC Candidate"] = {
	add_fields: ["crm_stage", "do_not_contact"],
	get_indicator(doc) {
		if (doc.do_not_contact) return [__("Do Not Contact"), "red", "do_not_contact,=,1"];
		const colors = {
			Prospect: "gray",
			Contacted: "blue",
			Engaged: "cyan",
			Applied: "orange",
			Interviewing: "purple",
			Offered: "yellow",
			Hired: "green",
			"Past Applicant": "light-blue",
			"Not Interested": "darkgrey",
		};
		return [__(doc.crm_stage), colors[doc.crm_stage] || "gray", `crm_stage,=,${doc.crm_stage}`];
	},
};
