// Copyright (c) 2026, recruit_crm contributors
// License: GNU General Public License v3. See license.txt
// Candidate form: the pools this person is in, and adding them to one.

frappe.ui.form.on("RC Candidate", {
	refresh(frm) {
		if (frm.is_new() || !frappe.model.can_read("RC Talent Pool")) return;
		frm.add_custom_button(
			__("Add to Talent Pool"),
			() => recruit_crm.pools.add_to_pool_dialog({ candidates: [frm.doc.name], after: () => frm.reload_doc() }),
			__("Actions"),
		);
		frappe.call("recruit_crm.api.talent_pool.candidate_pools", { candidate: frm.doc.name }).then((r) => {
			const pools = r.message || [];
			if (!pools.length) return;
			const esc = frappe.utils.escape_html;
			const links = pools
				.map(
					(p) =>
						`<a href="/app/rc-talent-pool/${encodeURIComponent(p.talent_pool)}" title="${esc(p.reason || "")}">${esc(p.pool_name)}</a>`,
				)
				.join(", ");
			// One banner, however often the form refreshes.
			frm.layout.message.find(".rc-pools-banner").closest(".form-message").remove();
			frm.dashboard.set_headline_alert(
				`<span class="rc-pools-banner">${__("In talent pools")}: ${links}</span>`,
				"blue",
			);
		});
	},
});
