frappe.listview_settings["RC Nurture Message"] = {
	add_fields: ["status"],
	get_indicator(doc) {
		const colors = { Queued: "blue", Sending: "orange", Sent: "green", Unknown: "red", Failed: "red", Suppressed: "gray", Cancelled: "gray" };
		return [__(doc.status), colors[doc.status] || "gray", "status,=," + doc.status];
	},
};
