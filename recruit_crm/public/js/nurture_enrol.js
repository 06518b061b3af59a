// RC Candidate list: "Enrol in Nurture Campaign" for the selected people.
(function () {
	const settings = (frappe.listview_settings["RC Candidate"] = frappe.listview_settings["RC Candidate"] || {});
	const previous = settings.onload;
	settings.onload = function (listview) {
		if (previous) previous(listview);
		listview.page.add_action_item(__("Enrol in Nurture Campaign"), () => {
			const names = listview.get_checked_items(true);
			if (!names.length) return;
			const dialog = new frappe.ui.Dialog({
				title: __("Enrol {0} candidates", [names.length]),
				fields: [
					{
						fieldname: "campaign",
						fieldtype: "Link",
						options: "RC Nurture Campaign",
						label: __("Campaign"),
						reqd: 1,
						get_query: () => ({ filters: { status: ["in", ["Draft", "Active", "Paused"]] } }),
					},
					{
						fieldtype: "HTML",
						options: `<p class="text-muted small">${__(
							"People without marketing consent, unsubscribed, bounced or marked Do Not Contact are skipped."
						)}</p>`,
					},
				],
				primary_action_label: __("Enrol"),
				primary_action(values) {
					frappe
						.call({
							method: "recruit_crm.api.nurture_campaign.enroll",
							args: { campaign: values.campaign, candidates: names },
							freeze: true,
						})
						.then((r) => {
							dialog.hide();
							frappe.show_alert({
								message: __("{0} enrolled, {1} skipped", [r.message.enrolled, r.message.skipped]),
								indicator: "green",
							});
							listview.clear_checked_items();
						});
				},
			});
			dialog.show();
		});
	};
})();
