frappe.listview_settings["RC Candidate"] = {
	add_fields: ["readiness_stage", "crm_stage", "do_not_contact", "engagement_updated_at"],
	onload(listview) {
		listview.page.add_actions_menu_item(__("Ask for Permission"), () => ask_for_permission(listview), false);
	},
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
			// One decimal, half up: the precision stage thresholds judge (domain/scoring.py).
			return format_number(Math.floor(score * 10 + 0.5) / 10, null, 1);
		},
	},
	// The list leads with readiness (how close someone is to a move); the CRM stage is a filter
	// and shows on the form.
	get_indicator(doc) {
		if (doc.do_not_contact) return [__("Do Not Contact"), "red", "do_not_contact,=,1"];
		const stage = doc.readiness_stage || "Cold";
		const colors = { Ready: "green", Hot: "orange", Warm: "yellow", Cold: "gray" };
		return [__(stage), colors[stage] || "gray", `readiness_stage,=,${stage}`];
	},
};

function ask_for_permission(listview) {
	const names = listview.get_checked_items(true);
	if (!names.length) return frappe.msgprint(__("Tick the people to ask first."));
	frappe.require("/assets/recruit_crm/js/permission_request.js", () =>
		recruit_crm.permission.ask(names, () => listview.refresh()),
	);
}
