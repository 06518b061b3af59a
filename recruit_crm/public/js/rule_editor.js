// One rule editor for smart talent pools and campaign audiences (doctype_js of both forms).
// Rows of field / operator / value, grouped with "all" / "any" like Frappe's filter editor; the
// server is the only judge of what the rules mean: every change is counted there. A condition
// still waiting for its value is left out of the count and shows no error until it is filled.
frappe.provide("recruit_crm.rule_editor");

(function () {
	const NO_VALUE_OPS = ["is set", "is not set"];
	const LIST_OPS = ["in", "not in"];
	let field_catalog = null;

	function load_fields() {
		if (!field_catalog) {
			field_catalog = frappe
				.call("recruit_crm.api.talent_pool.rule_fields")
				.then((r) => r.message)
				.catch((e) => {
					field_catalog = null;
					throw e;
				});
		}
		return field_catalog;
	}

	function parse(value) {
		if (!value) return null;
		try {
			return typeof value === "string" ? JSON.parse(value) : value;
		} catch (e) {
			return null;
		}
	}

	const blank = (v) => v === undefined || v === null || (typeof v === "string" && !v.trim());

	// Whether a condition still needs its value (a new row, or one whose value was cleared).
	function needs_value(cond, spec) {
		const op = cond.operator;
		if (!spec || NO_VALUE_OPS.includes(op) || spec.kind === "check") return false;
		const value = cond.value;
		if (spec.kind === "skill") return blank(typeof value === "object" && value ? value.skill : value);
		if (op === "between") return !Array.isArray(value) || value.length !== 2 || value.some(blank);
		if (LIST_OPS.includes(op)) return Array.isArray(value) ? !value.some((v) => !blank(v)) : blank(value);
		return blank(value);
	}

	class RuleEditor {
		/**
		 * frm: the form; html_field: where to draw; rules_field: the JSON field the rules live in;
		 * preview_method: a whitelisted method taking {rules} and answering {count, error, sample,
		 * sendable?, summary?}; empty_value: what the field holds when there are no conditions.
		 */
		constructor(frm, fields, options) {
			this.frm = frm;
			this.options = options;
			this.fields = {};
			fields.forEach((f) => (this.fields[f.name] = f));
			this.field_list = fields;
			this.$wrapper = frm.get_field(options.html_field).$wrapper;
			this.state = parse(frm.doc[options.rules_field]) || { match: "all", conditions: [] };
			this.read_only = !frm.has_perm("write") || !!options.read_only;
			this.preview = frappe.utils.debounce(() => this.count(), 400);
			this.render();
			this.count();
		}

		// Conditions that still need a value, as "Skill (condition 1)" labels, in reading order.
		incomplete() {
			const out = [];
			let n = 0;
			const walk = (group) =>
				(group.conditions || []).forEach((cond) => {
					if (cond.conditions) return walk(cond);
					n += 1;
					const spec = this.fields[cond.field];
					if (needs_value(cond, spec)) out.push(`${__(spec ? spec.label : cond.field)} (${__("condition {0}", [n])})`);
				});
			walk(this.state);
			return out;
		}

		// The rules without conditions that still need a value (and without groups left empty).
		complete_rules() {
			const prune = (group) => ({
				match: group.match || "all",
				conditions: (group.conditions || [])
					.map((cond) => (cond.conditions ? prune(cond) : cond))
					.filter((cond) =>
						cond.conditions ? cond.conditions.length : !needs_value(cond, this.fields[cond.field])
					),
			});
			return prune(this.state);
		}

		changed() {
			const has_any = (this.state.conditions || []).length > 0;
			const json = has_any || this.options.empty_value === undefined ? JSON.stringify(this.state) : this.options.empty_value;
			if (json !== (this.frm.doc[this.options.rules_field] || "")) this.frm.set_value(this.options.rules_field, json);
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
			$(`<div class="rc-rule-preview mt-3 p-2 border rounded"></div>`).html(this.last_preview || "").appendTo($w);
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
						this.restructured();
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
				group.conditions = group.conditions || [];
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
				this.restructured();
			});
			$op.on("change", (e) => {
				cond.operator = e.target.value;
				if (NO_VALUE_OPS.includes(cond.operator)) delete cond.value;
				this.restructured();
			});
			$row.find(".rc-remove").on("click", () => {
				group.conditions.splice(group.conditions.indexOf(cond), 1);
				this.restructured();
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
			control.$input.on("awesomplete-selectcomplete change", () => setTimeout(() => on_change(control.get_value() || ""), 0));
			return control;
		}

		show(html) {
			this.last_preview = html;
			this.$wrapper.find(".rc-rule-preview").html(html);
		}

		count() {
			const esc = frappe.utils.escape_html;
			const waiting = this.incomplete();
			const rules = this.complete_rules();
			const pending = waiting.length
				? `<div class="small text-muted mt-1 rc-rule-pending">${__("Choose a value for {0} to count it.", [waiting.map(esc).join(", ")])}</div>`
				: "";
			if (!rules.conditions.length) {
				this.show(
					waiting.length
						? `<span class="text-muted">${__("Choose a value for the new condition to see who matches.")}</span>`
						: `<span class="text-muted">${__(this.options.empty_hint || "Add a condition to see who matches.")}</span>`
				);
				return;
			}
			this.$wrapper.find(".rc-rule-preview").append(`<span class="text-muted small ml-2 rc-counting">${__("counting...")}</span>`);
			const asked = JSON.stringify(rules);
			this.asked = asked;
			frappe
				.call({ method: this.options.preview_method, args: { rules: asked }, type: "POST" })
				.then((r) => {
					if (this.asked !== asked) return; // a later change is being counted
					const d = r.message;
					if (d.error) {
						this.show(`<span class="text-danger">${esc(d.error)}</span>${pending}`);
						return;
					}
					const sample = (d.sample || [])
						.map((s) => `<a href="/app/rc-candidate/${encodeURIComponent(s.name)}">${esc(s.full_name || s.name)}</a>`)
						.join(", ");
					const sendable =
						d.sendable === undefined || d.sendable === null
							? ""
							: `, <b>${format_number(d.sendable, null, 0)}</b> ${__("of them may be emailed")}`;
					this.show(`<b>${format_number(d.count, null, 0)}</b> ${__("candidates match right now")}${sendable}
						${sample ? `<div class="small text-muted mt-1">${__("For example")}: ${sample}</div>` : ""}
						${d.summary ? `<div class="small mt-1 rc-rule-words">${esc(d.summary)}</div>` : ""}${pending}`);
				});
		}
	}

	// Draw the editor into `options.html_field` of `frm` (see RuleEditor for the options).
	recruit_crm.rule_editor.attach = function (frm, options) {
		return load_fields().then((fields) => {
			frm.__rc_rule_editor = new RuleEditor(frm, fields, options);
			return frm.__rc_rule_editor;
		});
	};

	recruit_crm.rule_editor.detach = function (frm, html_field) {
		const field = frm.get_field(html_field);
		if (field) field.$wrapper.empty();
		frm.__rc_rule_editor = null;
	};

	// For a form's `validate`: a condition without its value stops the save with a plain message.
	recruit_crm.rule_editor.check_complete = function (frm) {
		const waiting = frm.__rc_rule_editor ? frm.__rc_rule_editor.incomplete() : [];
		if (waiting.length) {
			frappe.validated = false;
			frappe.msgprint({
				title: __("A rule needs a value"),
				message: __("Choose a value for {0}, or remove the condition.", [waiting.join(", ")]),
				indicator: "orange",
			});
		}
	};

	recruit_crm.rule_editor.needs_value = needs_value;
})();
