// "Share" on a published Job Opening: tracked links per channel, and personal referral links.
frappe.ui.form.on("Job Opening", {
	refresh(frm) {
		if (frm.is_new() || !frm.doc.publish || frm.doc.status !== "Open") return;
		frm.add_custom_button(__("Share Links"), () => show_share_dialog(frm), __("Actions"));
	},
});

function show_share_dialog(frm) {
	const dialog = new frappe.ui.Dialog({
		title: __("Share {0}", [frm.doc.job_title]),
		fields: [
			{ fieldname: "employee", fieldtype: "Link", options: "Employee", label: __("Referral links for employee"),
				description: __("Leave empty for your own referral links (if you are an employee).") },
			{ fieldname: "campaign", fieldtype: "Data", label: __("Campaign (utm_campaign)") },
			{ fieldname: "links", fieldtype: "HTML" },
		],
		primary_action_label: __("Refresh Links"),
		primary_action: (values) => load(values),
	});
	const esc = frappe.utils.escape_html;
	const row = (label, url) =>
		`<tr><td>${esc(label)}</td><td><input class="form-control input-xs" readonly value="${esc(url)}" onclick="this.select()"></td></tr>`;
	function load(values) {
		frappe
			.call("recruit_crm.api.careers.share_links", {
				job_opening: frm.doc.name,
				employee: values.employee || null,
				campaign: values.campaign || null,
			})
			.then((r) => {
				const m = r.message;
				let html = `<p><a href="${esc(m.url)}" target="_blank">${esc(m.url)}</a></p><table class="table table-sm">`;
				Object.entries(m.channels).forEach(([ch, url]) => (html += row(ch, url)));
				html += "</table>";
				if (m.referral) {
					html += `<h6>${__("Referral links for {0}", [esc(m.employee)])}</h6><table class="table table-sm">`;
					Object.entries(m.referral).forEach(([ch, url]) => (html += row(ch, url)));
					html += "</table>";
				}
				dialog.get_field("links").$wrapper.html(html);
			});
	}
	dialog.show();
	load({});
}
