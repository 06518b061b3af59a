frappe.listview_settings["RC Candidate"] = {
	add_fields: ["crm_stage", "do_not_contact", "engagement_updated_at"],
	formatters: {
		// Stored scores are as of their last update; show them decayed to today, as pools,
		// campaigns and rediscovery read them.
		engagement_score(value, df, doc) {
			const half_life = frappe.boot.recruit_crm?.score_half_life_days || 0;
			let score = flt(value);
			if (half_life > 0 && doc.engagement_updated_at) {
				const days = moment().diff(moment(doc.engagement_updated_at), "seconds") / 86400;
				score *= Math.pow(0.5, Math.max(days, 0) / half_life);
			}
			return format_number(score, null, 2);
		},
	},
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
