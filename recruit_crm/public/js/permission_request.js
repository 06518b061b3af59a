// Copyright (c) 2026, recruit_crm contributors
// License: GNU General Public License v3. See license.txt
// Asking people without consent for it: a preview of who is asked (and why others are not),
// then one email each with a button that records their answer. Loaded on demand.

frappe.provide("recruit_crm.permission");

recruit_crm.permission.ask = function (names, after) {
	frappe.xcall("recruit_crm.api.privacy.permission_preview", { candidates: names }).then((preview) => {
		const esc = frappe.utils.escape_html;
		const left_out = Object.entries(preview.left_out)
			.map(([reason, count]) => `<li>${esc(__(reason))}: ${count}</li>`)
			.join("");
		const message = `<p>${__(
			"{0} of the {1} people chosen will get one email asking whether we may keep in touch. Nothing is recorded until they confirm.",
			[preview.askable, names.length],
		)}</p>${left_out ? `<p>${__("Not asked")}:</p><ul>${left_out}</ul>` : ""}`;
		if (!preview.askable) return frappe.msgprint({ title: __("Ask for Permission"), message });
		frappe.confirm(message, () =>
			frappe.xcall("recruit_crm.api.privacy.ask_for_permission", { candidates: names }).then((r) => {
				frappe.show_alert({
					message: r.queued
						? __("Asking {0} people in the background", [r.asked])
						: __("{0} people asked", [r.asked]),
					indicator: "green",
				});
				after && after(r);
			}),
		);
	});
};
