// Copyright (c) 2026, recruit_crm contributors
// License: GNU General Public License v3. See license.txt

frappe.ui.form.on("RC Talent Pool", {
	after_save(frm) {
		// Saving a smart pool rebuilds its membership on the server: show the new size.
		if (frm.doc.pool_type === "Smart") frm.reload_doc();
	},

	refresh(frm) {
		render_rule_editor(frm);
		if (frm.is_new()) return;
		add_buttons(frm);
		render_insights(frm);
		listen_for_rebuild(frm);
		if (frm.doc.rebuild_status === "Queued" || frm.doc.rebuild_status === "Running") {
			frm.dashboard.set_headline(__("Rebuilding membership in the background..."), "blue");
		}
	},

	pool_type(frm) {
		render_rule_editor(frm);
	},

	validate(frm) {
		// A condition added but not filled in is named in a plain message, not a rule error.
		if (frm.doc.pool_type === "Smart") recruit_crm.rule_editor.check_complete(frm);
	},
});

function add_buttons(frm) {
	frm.add_custom_button(__("Members"), () =>
		frappe.set_route("List", "RC Talent Pool Member", { talent_pool: frm.doc.name, removed_at: ["is", "not set"] }),
	);
	frm.add_custom_button(__("Membership Changes"), () =>
		frappe.set_route("List", "RC Talent Pool Change", { talent_pool: frm.doc.name }),
	);
	frm.add_custom_button(__("Export CSV"), () => {
		window.open(
			`/api/method/recruit_crm.api.talent_pool.export_csv?pool=${encodeURIComponent(frm.doc.name)}`,
		);
	});
	if (frm.doc.pool_type === "Manual" && frm.has_perm("write")) {
		frm.add_custom_button(__("Add Candidates"), () => pick_candidates(frm), __("Actions"));
	}
	if (frm.doc.pool_type === "Smart" && frm.has_perm("write")) {
		frm.add_custom_button(
			__("Rebuild Now"),
			() =>
				frappe
					.call({
						method: "recruit_crm.api.talent_pool.rebuild",
						args: { pool: frm.doc.name },
						type: "POST",
					})
					.then(() => {
						frappe.show_alert({ message: __("Rebuild queued"), indicator: "blue" });
						frm.reload_doc();
					}),
			__("Actions"),
		);
	}
}

function listen_for_rebuild(frm) {
	if (frm.__rc_rebuild_listener) return;
	frm.__rc_rebuild_listener = true;
	frappe.realtime.on("progress", (data) => {
		if (data && data.doctype === "RC Talent Pool" && data.docname === frm.doc.name && data.percent >= 100) {
			setTimeout(() => frm.reload_doc(), 500);
		}
	});
}

function pick_candidates(frm) {
	new frappe.ui.form.MultiSelectDialog({
		doctype: "RC Candidate",
		target: frm,
		setters: { crm_stage: null, country: null },
		add_filters_group: 1,
		columns: ["full_name", "current_title", "crm_stage"],
		get_query() {
			return { filters: { is_anonymized: 0 } };
		},
		action(selections) {
			if (!selections.length) return;
			frappe
				.call({
					method: "recruit_crm.api.talent_pool.add_to_pool",
					args: { pool: frm.doc.name, candidates: selections },
					type: "POST",
					freeze: true,
				})
				.then((r) => {
					cur_dialog && cur_dialog.hide();
					frappe.show_alert({
						message: __("{0} added to {1}", [r.message.joined, frm.doc.pool_name]),
						indicator: "green",
					});
					frm.reload_doc();
				});
		},
	});
}

// ---- insights ---------------------------------------------------------------------------

function render_insights(frm) {
	const wrapper = frm.get_field("insights_html").$wrapper;
	wrapper.html(`<p class="text-muted">${__("Loading...")}</p>`);
	frappe.call("recruit_crm.api.talent_pool.insights", { pool: frm.doc.name }).then((r) => {
		const d = r.message;
		const esc = frappe.utils.escape_html;
		const stat = (label, value) =>
			`<div class="col-sm-3"><div class="text-muted small">${label}</div><div class="h4">${value}</div></div>`;
		wrapper.html(`
			<div class="row mb-3">
				${stat(__("Members"), format_number(d.size, null, 0))}
				${stat(__("Average engagement"), d.average_engagement)}
				${stat(__("Hot or ready"), format_number(d.hot_or_ready, null, 0))}
				${stat(__("Joined, last 26 weeks"), format_number(d.growth.reduce((a, g) => a + g.joined, 0), null, 0))}
			</div>
			<div class="rc-pool-growth"></div>
			<div class="row">
				<div class="col-sm-6"><h6>${__("Stage mix")}</h6><div class="rc-pool-stages"></div></div>
				<div class="col-sm-6"><h6>${__("Top skills")}</h6>
					<table class="table table-sm">${d.top_skills
						.map((s) => `<tr><td>${esc(s.skill)}</td><td class="text-right">${s.count}</td></tr>`)
						.join("") || `<tr><td class="text-muted">${__("No skills recorded")}</td></tr>`}</table>
				</div>
			</div>`);
		if (d.growth.length > 1) {
			new frappe.Chart(wrapper.find(".rc-pool-growth")[0], {
				title: __("Pool size by week"),
				type: "axis-mixed",
				height: 220,
				data: {
					labels: d.growth.map((g) => g.week_start),
					datasets: [
						{ name: __("Size"), values: d.growth.map((g) => g.size), chartType: "line" },
						{ name: __("Joined"), values: d.growth.map((g) => g.joined), chartType: "bar" },
						{ name: __("Left"), values: d.growth.map((g) => g.left), chartType: "bar" },
					],
				},
			});
		}
		if (d.stage_mix.length) {
			new frappe.Chart(wrapper.find(".rc-pool-stages")[0], {
				type: "donut",
				height: 220,
				data: {
					labels: d.stage_mix.map((s) => __(s.stage)),
					datasets: [{ values: d.stage_mix.map((s) => s.count) }],
				},
			});
		}
	});
}

// ---- rule editor ------------------------------------------------------------------------
// The editor is shared with campaign audiences: public/js/rule_editor.js.

function render_rule_editor(frm) {
	if (!frm.get_field("rules_html")) return;
	if (frm.doc.pool_type !== "Smart") {
		recruit_crm.rule_editor.detach(frm, "rules_html");
		return;
	}
	recruit_crm.rule_editor.attach(frm, {
		html_field: "rules_html",
		rules_field: "rules",
		preview_method: "recruit_crm.api.talent_pool.preview_count",
	});
}
