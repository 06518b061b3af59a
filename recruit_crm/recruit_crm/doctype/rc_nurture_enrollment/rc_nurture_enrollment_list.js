frappe.listview_settings["RC Nurture Enrollment"] = {
	add_fields: ["status", "exit_reason"],
	get_indicator(doc) {
		const colors = { Active: "blue", Waiting: "orange", Paused: "yellow", Completed: "green", Exited: "gray" };
		return [__(doc.status), colors[doc.status] || "gray", "status,=," + doc.status];
	},
	onload(listview) {
		for (const [label, action] of [[__("Pause"), "pause"], [__("Resume"), "resume"], [__("Remove From Campaign"), "remove"]]) {
			listview.page.add_action_item(label, () =>
				frappe.call({
					method: "recruit_crm.api.nurture_campaign.change_enrollments",
					args: { enrollments: listview.get_checked_items(true), action },
					freeze: true,
				}).then(() => listview.refresh())
			);
		}
	},
};
