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
// Rows of field / operator / value, grouped with "all" / "any" like Frappe's filter editor;
// every change is validated and counted on the server (the server is the only judge).

const NO_VALUE_OPS = ["is set", "is not set"];
const LIST_OPS = ["in", "not in"];

function render_rule_editor(frm) {
	const field = frm.get_field("rules_html");
	if (!field) return;
	if (frm.doc.pool_type !== "Smart") {
		field.$wrapper.empty();
		return;
	}
	const load = frm.__rc_rule_fields
		? Promise.resolve(frm.__rc_rule_fields)
		: frappe.call("recruit_crm.api.talent_pool.rule_fields").then((r) => (frm.__rc_rule_fields = r.message));
	load.then((fields) => {
		const editor = new RuleEditor(frm, field.$wrapper, fields);
		frm.__rc_rule_editor = editor;
	});
}

class RuleEditor {
	constructor(frm, $wrapper, fields) {
		this.frm = frm;
		this.fields = {};
		fields.forEach((f) => (this.fields[f.name] = f));
		this.field_list = fields;
		this.state = this.parse(frm.doc.rules) || { match: "all", conditions: [] };
		this.$wrapper = $wrapper;
		this.read_only = !frm.has_perm("write");
		this.preview = frappe.utils.debounce(() => this.count(), 400);
		this.render();
		this.count();
	}

	parse(value) {
		if (!value) return null;
		try {
			return typeof value === "string" ? JSON.parse(value) : value;
		} catch (e) {
			return null;
		}
	}

	changed() {
		const json = JSON.stringify(this.state);
		if (json !== (this.frm.doc.rules || "")) this.frm.set_value("rules", json);
		this.preview();
	}

	render() {
		const $w = this.$wrapper.empty();
		$(`<style>
			.rc-value .form-group { margin-bottom: 0; }
			.rc-value .control-label, .rc-value .help-box { display: none; }
		</style>`).appendTo($w);
		$(`<div class="rc-rules"></div>`).appendTo($w);
		this.render_group(this.state, $w.find(".rc-rules"), true);
		$(`<div class="rc-rule-preview mt-3 p-2 border rounded"></div>`)
			.html(this.last_preview || "")
			.appendTo($w);
	}

	restructured() {
		// Rows were added or removed: redraw, save the rules and recount.
		this.render();
		this.changed();
	}

	render_group(group, $parent, is_root, parent_group) {
		const $g = $(`<div class="rc-rule-group ${is_root ? "" : "border rounded p-2 mb-2 ml-3"}"></div>`).appendTo($parent);
		const $head = $(`<div class="d-flex align-items-center mb-2">
			<span class="mr-2">${is_root ? __("People who match") : __("Group: match")}</span>
			<select class="form-control input-xs rc-match" style="width:auto">
				<option value="all">${__("all of")}</option>
				<option value="any">${__("any of")}</option>
			</select>
			<span class="ml-2">${__("these conditions")}</span>
		</div>`).appendTo($g);
		$head.find(".rc-match").val(group.match || "all").prop("disabled", this.read_only).on("change", (e) => {
			group.match = e.target.value;
			this.changed();
		});
		if (!is_root && !this.read_only) {
			$(`<button class="btn btn-xs btn-link text-danger ml-auto">${__("Remove group")}</button>`)
				.appendTo($head)
				.on("click", () => {
					parent_group.conditions.splice(parent_group.conditions.indexOf(group), 1);
					this.render();
					this.changed();
				});
		}
		(group.conditions || []).forEach((cond) => {
			if (cond.conditions) this.render_group(cond, $g, false, group);
			else this.render_condition(cond, group, $g);
		});
		if (this.read_only) return;
		const $actions = $(`<div class="mt-1">
			<button class="btn btn-xs btn-default rc-add-condition">+ ${__("Add a condition")}</button>
			${is_root ? `<button class="btn btn-xs btn-default ml-2 rc-add-group">+ ${__("Add a group")}</button>` : ""}
		</div>`).appendTo($g);
		$actions.find(".rc-add-condition").on("click", () => {
			group.conditions = group.conditions || [];
			group.conditions.push({ field: "skill", operator: "has", value: { skill: "" } });
			this.restructured();
		});
		$actions.find(".rc-add-group").on("click", () => {
			group.conditions.push({ match: "any", conditions: [{ field: "country", operator: "=", value: "" }] });
			this.restructured();
		});
	}

	render_condition(cond, group, $parent) {
		const $row = $(`<div class="d-flex align-items-start mb-2 rc-rule-row" style="gap: 6px">
			<select class="form-control input-xs rc-field" style="width: 200px"></select>
			<select class="form-control input-xs rc-operator" style="width: 150px"></select>
			<div class="rc-value d-flex" style="gap: 6px; flex: 1"></div>
			<button class="btn btn-xs btn-link text-muted rc-remove" title="${__("Remove")}">&times;</button>
		</div>`).appendTo($parent);
		const $field = $row.find(".rc-field");
		const categories = [...new Set(this.field_list.map((f) => f.category))];
		categories.forEach((cat) => {
			const $og = $(`<optgroup label="${__(cat)}"></optgroup>`).appendTo($field);
			this.field_list
				.filter((f) => f.category === cat)
				.forEach((f) => $og.append(`<option value="${f.name}">${__(f.label)}</option>`));
		});
		$field.val(cond.field);
		const spec = this.fields[cond.field] || this.field_list[0];
		const $op = $row.find(".rc-operator");
		spec.operators.forEach((op) => $op.append(`<option value="${op}">${__(op)}</option>`));
		$op.val(cond.operator);
		if (!spec.operators.includes(cond.operator)) cond.operator = spec.operators[0];
		$op.val(cond.operator);
		this.render_value(cond, spec, $row.find(".rc-value"));
		if (this.read_only) {
			$row.find("select, input").prop("disabled", true);
			$row.find(".rc-remove").remove();
			return;
		}
		$field.on("change", (e) => {
			const next = this.fields[e.target.value];
			cond.field = next.name;
			cond.operator = next.operators[0];
			cond.value = next.kind === "skill" ? { skill: "" } : "";
			this.render();
			this.changed();
		});
		$op.on("change", (e) => {
			cond.operator = e.target.value;
			if (NO_VALUE_OPS.includes(cond.operator)) delete cond.value;
			this.render();
			this.changed();
		});
		$row.find(".rc-remove").on("click", () => {
			group.conditions.splice(group.conditions.indexOf(cond), 1);
			this.render();
			this.changed();
		});
	}

	render_value(cond, spec, $v) {
		const op = cond.operator;
		const set = (value) => {
			cond.value = value;
			this.changed();
		};
		if (NO_VALUE_OPS.includes(op)) return;
		if (spec.kind === "skill") {
			const value = typeof cond.value === "object" && cond.value ? cond.value : { skill: cond.value || "" };
			cond.value = value;
			this.link_control($v, "Skill", value.skill, (v) => set({ ...cond.value, skill: v }), __("Skill"));
			const $prof = $(`<select class="form-control input-xs" style="width: 150px">
				<option value="">${__("any proficiency")}</option>
				${["Beginner", "Intermediate", "Advanced", "Expert"].map((p) => `<option value="${p}">${__("at least")} ${__(p)}</option>`).join("")}
			</select>`).appendTo($v);
			$prof.val(value.min_proficiency || "").on("change", (e) => set({ ...cond.value, min_proficiency: e.target.value || null }));
			const $years = $(`<input type="number" min="0" step="0.5" class="form-control input-xs" style="width: 110px" placeholder="${__("min years")}">`).appendTo($v);
			$years.val(value.min_years || "").on("change", (e) => set({ ...cond.value, min_years: e.target.value === "" ? null : flt(e.target.value) }));
			return;
		}
		if (spec.kind === "check") {
			const $s = $(`<select class="form-control input-xs" style="width: 100px">
				<option value="1">${__("Yes")}</option><option value="0">${__("No")}</option></select>`).appendTo($v);
			if (cond.value === undefined || cond.value === "") cond.value = 1;
			$s.val(String(cond.value ? 1 : 0)).on("change", (e) => set(cint(e.target.value)));
			return;
		}
		if (spec.kind === "number" || (spec.kind === "datetime" && op.includes("days"))) {
			const inputs = op === "between" ? 2 : 1;
			const current = op === "between" ? (Array.isArray(cond.value) ? cond.value : ["", ""]) : [cond.value];
			for (let i = 0; i < inputs; i++) {
				const $n = $(`<input type="number" class="form-control input-xs" style="width: 120px"
					placeholder="${op.includes("days") ? __("days") : i ? __("to") : __("from")}">`).appendTo($v);
				$n.val(current[i] ?? "").on("change", () => {
					const vals = Array.from($v.find("input")).map((el) => (el.value === "" ? null : flt(el.value)));
					set(op === "between" ? vals : vals[0]);
				});
			}
			return;
		}
		if (spec.kind === "datetime") {
			const control = frappe.ui.form.make_control({
				df: { fieldtype: "Date", fieldname: "value", placeholder: __("date") },
				parent: $("<div style='width: 160px'></div>").appendTo($v),
				render_input: true,
			});
			control.set_value(cond.value || "");
			control.$input.on("change", () => setTimeout(() => set(control.get_value()), 0));
			return;
		}
		if (spec.kind === "select" && !LIST_OPS.includes(op)) {
			const $s = $(`<select class="form-control input-xs" style="width: 200px">
				<option value=""></option>
				${spec.options.map((o) => `<option value="${frappe.utils.escape_html(o)}">${__(o)}</option>`).join("")}</select>`).appendTo($v);
			$s.val(cond.value || "").on("change", (e) => set(e.target.value));
			return;
		}
		if (spec.kind === "select") {
			const chosen = new Set(Array.isArray(cond.value) ? cond.value : []);
			spec.options.forEach((o) => {
				const $c = $(`<label class="mr-2 small"><input type="checkbox"> ${__(o)}</label>`).appendTo($v);
				$c.find("input").prop("checked", chosen.has(o)).on("change", (e) => {
					e.target.checked ? chosen.add(o) : chosen.delete(o);
					set(spec.options.filter((x) => chosen.has(x)));
				});
			});
			return;
		}
		if (spec.link_doctype && !LIST_OPS.includes(op)) {
			this.link_control($v, spec.link_doctype, cond.value, set, __(spec.label));
			return;
		}
		const $t = $(`<input type="text" class="form-control input-xs" style="width: 280px">`).appendTo($v);
		$t.attr("placeholder", LIST_OPS.includes(op) ? __("values, separated by commas") : __("value"));
		$t.val(Array.isArray(cond.value) ? cond.value.join(", ") : cond.value || "").on("change", (e) => {
			const text = e.target.value;
			set(LIST_OPS.includes(op) ? text.split(",").map((s) => s.trim()).filter(Boolean) : text);
		});
	}

	link_control($v, doctype, value, on_change, placeholder) {
		const control = frappe.ui.form.make_control({
			df: { fieldtype: "Link", options: doctype, fieldname: "value", placeholder },
			parent: $("<div style='width: 200px'></div>").appendTo($v),
			render_input: true,
		});
		control.set_value(value || "");
		control.$input.on("awesomplete-selectcomplete change", () =>
			setTimeout(() => on_change(control.get_value() || ""), 0),
		);
		return control;
	}

	count() {
		const $p = this.$wrapper.find(".rc-rule-preview");
		const show = (html) => {
			this.last_preview = html;
			this.$wrapper.find(".rc-rule-preview").html(html);
		};
		if (!this.state.conditions || !this.state.conditions.length) {
			show(`<span class="text-muted">${__("Add a condition to see who matches.")}</span>`);
			return;
		}
		$p.append(`<span class="text-muted small ml-2 rc-counting">${__("counting...")}</span>`);
		frappe
			.call({
				method: "recruit_crm.api.talent_pool.preview_count",
				args: { rules: JSON.stringify(this.state) },
				type: "POST",
			})
			.then((r) => {
				const d = r.message;
				const esc = frappe.utils.escape_html;
				if (d.error) {
					show(`<span class="text-danger">${esc(d.error)}</span>`);
					return;
				}
				const sample = d.sample
					.map((s) => `<a href="/app/rc-candidate/${encodeURIComponent(s.name)}">${esc(s.full_name || s.name)}</a>`)
					.join(", ");
				show(`<b>${format_number(d.count, null, 0)}</b> ${__("candidates match right now")}
					${sample ? `<div class="small text-muted mt-1">${__("For example")}: ${sample}</div>` : ""}`);
			});
	}
}
