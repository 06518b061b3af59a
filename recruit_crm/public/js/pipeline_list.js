// Job Applicant list: "Move in Pipeline" moves every selected application at once, by the
// Workflow's transitions and the caller's roles, with or without the target state's emails.

(function () {
	const settings = (frappe.listview_settings["Job Applicant"] = frappe.listview_settings["Job Applicant"] || {});
	if (settings.__rc_pipeline_action) return;
	settings.__rc_pipeline_action = true;
	const previous = settings.onload;
	settings.onload = function (listview) {
		previous && previous.call(this, listview);
		if (!frappe.model.can_write("Job Applicant")) return;
		listview.page.add_actions_menu_item(__("Move in Pipeline"), () => {
			const names = listview.get_checked_items(true);
			if (!names.length) {
				frappe.msgprint(__("Select the applications to move first."));
				return;
			}
			frappe.call("recruit_crm.api.pipeline.states").then((r) => {
				const dialog = new frappe.ui.Dialog({
					title: __("Move {0} applications", [names.length]),
					fields: [
						{
							fieldname: "state",
							fieldtype: "Select",
							label: __("To Stage"),
							reqd: 1,
							options: (r.message || []).map((s) => s.name),
						},
						{
							fieldname: "send_emails",
							fieldtype: "Check",
							label: __("Send the stage's emails"),
							default: 1,
							description: __("The emails set up for that stage (RC Pipeline Automation), in each person's time zone."),
						},
					],
					primary_action_label: __("Move"),
					primary_action(values) {
						frappe
							.call({
								method: "recruit_crm.api.pipeline.bulk_move",
								args: { names, state: values.state, send_emails: values.send_emails ? 1 : 0 },
								freeze: true,
								freeze_message: __("Moving…"),
							})
							.then((res) => {
								dialog.hide();
								const m = res.message || {};
								const skipped = Object.entries(m.skipped || {});
								const lines = skipped
									.slice(0, 20)
									.map(([n, why]) => `<li>${frappe.utils.escape_html(n)}: ${frappe.utils.escape_html(why)}</li>`)
									.join("");
								frappe.msgprint({
									title: __("Moved"),
									indicator: skipped.length ? "orange" : "green",
									message:
										__("{0} moved to {1}.", [m.moved || 0, frappe.utils.escape_html(values.state)]) +
										(skipped.length ? `<p>${__("{0} not moved:", [skipped.length])}</p><ul>${lines}</ul>` : ""),
								});
								listview.clear_checked_items();
								listview.refresh();
							});
					},
				});
				dialog.show();
			});
		});
	};
})();
