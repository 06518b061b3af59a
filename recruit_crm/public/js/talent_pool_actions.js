// "Add to Talent Pool": the dialog, and the bulk action of the RC Candidate and Job Applicant
// list views. The candidate form uses the dialog from candidate_pools.js.


frappe.provide("recruit_crm.pools");

recruit_crm.pools.add_to_pool_dialog = function ({ candidates = [], job_applicants = [], after } = {}) {
	const count = candidates.length + job_applicants.length;
	const dialog = new frappe.ui.Dialog({
		title: __("Add {0} to a Talent Pool", [count === 1 ? __("1 person") : __("{0} people", [count])]),
		fields: [
			{
				fieldname: "pool",
				fieldtype: "Link",
				label: __("Talent Pool"),
				options: "RC Talent Pool",
				reqd: 1,
				get_query: () => ({ filters: { pool_type: "Manual" } }),
				description: __("Manual pools only: smart and system pools choose their own members."),
			},
			{
				fieldname: "reason",
				fieldtype: "Small Text",
				label: __("Why"),
				description: __("Shown next to each person in the pool."),
			},
		],
		primary_action_label: __("Add"),
		primary_action(values) {
			frappe
				.call({
					method: "recruit_crm.api.talent_pool.add_to_pool",
					args: { pool: values.pool, candidates, job_applicants, reason: values.reason },
					type: "POST",
					freeze: true,
				})
				.then((r) => {
					dialog.hide();
					const d = r.message;
					frappe.show_alert({
						message: d.already_members
							? __("{0} added; {1} were already in the pool", [d.joined, d.already_members])
							: __("{0} added to the pool", [d.joined]),
						indicator: "green",
					});
					after && after(d);
				});
		},
	});
	dialog.show();
	return dialog;
};

function rc_extend_listview(doctype, key) {
	const settings = (frappe.listview_settings[doctype] = frappe.listview_settings[doctype] || {});
	if (settings.__rc_pool_action) return;
	settings.__rc_pool_action = true;
	const previous = settings.onload;
	settings.onload = function (listview) {
		previous && previous.call(this, listview);
		if (!frappe.model.can_read("RC Talent Pool")) return;
		listview.page.add_actions_menu_item(__("Add to Talent Pool"), () => {
			const names = listview.get_checked_items(true);
			if (!names.length) {
				frappe.msgprint(__("Select the people to add first."));
				return;
			}
			recruit_crm.pools.add_to_pool_dialog({ [key]: names, after: () => listview.clear_checked_items() });
		});
	};
}

rc_extend_listview("RC Candidate", "candidates");
rc_extend_listview("Job Applicant", "job_applicants");
