// Campaign page: the audience rule editor, merge fields and test sends for email steps, whether the
// sender can send, launch/pause/resume, the dry run with rendered emails and forecast, live results.
const RC_NURTURE_API = "recruit_crm.api.nurture_campaign.";
const RC_EMAIL_STEPS = ["Send Email", "Invite To Apply", "Share Content"];

frappe.ui.form.on("RC Nurture Campaign", {
	onload(frm) {
		if (frm.is_new() && !frm.doc.email_account) {
			frappe.db.get_single_value("RC Settings", "default_email_account").then((account) => {
				if (account && !frm.doc.email_account) frm.set_value("email_account", account);
			});
		}
	},

	refresh(frm) {
		render_audience_editor(frm);
		show_sender_state(frm, frm.doc.__onload && frm.doc.__onload.sender);
		if (frm.is_new()) return;
		const call = (method, args) =>
			frappe.call({ method: RC_NURTURE_API + method, args: { campaign: frm.doc.name, ...args }, freeze: true }).then((r) => {
				frm.reload_doc();
				return r;
			});
		frm.add_custom_button(__("Dry Run"), () => show_dry_run(frm));
		if (frm.has_perm("write")) {
			frm.add_custom_button(__("Send Test To Me"), () => send_test_to_me(frm));
		}
		if (["Draft", "Paused"].includes(frm.doc.status)) {
			frm.add_custom_button(__(frm.doc.status === "Draft" ? "Launch" : "Resume"), () =>
				frappe.confirm(__("Start sending to this campaign's audience?"), () =>
					call(frm.doc.status === "Draft" ? "launch" : "resume")
				)
			).addClass("btn-primary");
		}
		if (frm.doc.status === "Active") {
			frm.add_custom_button(__("Pause"), () => call("pause"));
		}
		if (frm.doc.status !== "Completed") {
			frm.add_custom_button(__("Complete"), () =>
				frappe.confirm(__("End the campaign for everyone? Unsent emails are cancelled."), () => call("complete"))
			, __("More"));
		}
		frm.add_custom_button(__("Enrolments"), () => frappe.set_route("List", "RC Nurture Enrollment", { nurture_campaign: frm.doc.name }), __("View"));
		frm.add_custom_button(__("Messages"), () => frappe.set_route("List", "RC Nurture Message", { nurture_campaign: frm.doc.name }), __("View"));
		if (frm.doc.__onload && frm.doc.__onload.stats_html) {
			frm.get_field("stats_html").$wrapper.html(frm.doc.__onload.stats_html);
		}
	},

	email_account(frm) {
		if (!frm.doc.email_account) return show_sender_state(frm, null);
		frappe
			.call("recruit_crm.api.email_readiness.sender_status", { email_account: frm.doc.email_account })
			.then((r) => show_sender_state(frm, r.message));
	},

	audience_rules(frm) {
		// Older filter rules were cleared: offer the rule editor in their place.
		if (!frm.doc.audience_rules && frm.__rc_legacy_rules) render_audience_editor(frm);
	},

	validate(frm) {
		recruit_crm.rule_editor.check_complete(frm);
	},
});

frappe.ui.form.on("RC Nurture Step", {
	form_render(frm, cdt, cdn) {
		render_merge_fields(frm, cdt, cdn);
	},
	step_type(frm, cdt, cdn) {
		render_merge_fields(frm, cdt, cdn);
	},
	job_opening(frm, cdt, cdn) {
		render_merge_fields(frm, cdt, cdn);
	},
	content(frm, cdt, cdn) {
		render_merge_fields(frm, cdt, cdn);
	},
});

// ---- sender ---------------------------------------------------------------------------------

function show_sender_state(frm, state) {
	if (!state || state.ready || frm.doc.status === "Completed") {
		frm.dashboard.clear_headline();
		return;
	}
	frm.dashboard.set_headline_alert(
		`<div class="rc-sender-problem"><b>${__("Email cannot be sent from this campaign yet.")}</b> ${frappe.utils.escape_html(state.problem)}</div>`,
		"orange"
	);
}

function send_test_to_me(frm) {
	const go = () =>
		frappe
			.call({ method: RC_NURTURE_API + "send_test", args: { campaign: frm.doc.name }, freeze: true, freeze_message: __("Sending...") })
			.then((r) => {
				const d = r.message;
				if (d.ok) {
					frappe.msgprint({
						title: __("Test sent"),
						indicator: "green",
						message: __("{0} test email(s) sent to {1}, filled in for {2}. The sender is now ready to launch.", [
							d.sent,
							frappe.utils.escape_html(d.to),
							frappe.utils.escape_html(d.candidate || __("a sample person")),
						]),
					});
				} else {
					frappe.msgprint({
						title: __("The test email could not be sent"),
						indicator: "red",
						message: frappe.utils.escape_html(d.error || ""),
					});
				}
				frm.reload_doc();
			});
	if (frm.is_dirty()) frm.save().then(go);
	else go();
}

// ---- audience -------------------------------------------------------------------------------

function render_audience_editor(frm) {
	const field = frm.get_field("audience_rules_html");
	if (!field) return;
	const raw = (frm.doc.audience_rules || "").trim();
	frm.__rc_legacy_rules = raw.startsWith("[");
	if (frm.__rc_legacy_rules) {
		recruit_crm.rule_editor.detach(frm, "audience_rules_html");
		field.$wrapper.html(`<div class="alert alert-info small rc-legacy-rules">
			${__("This campaign chooses people with older filter rules (shown below). They keep working.")}
			${frm.has_perm("write") ? `<button class="btn btn-xs btn-default ml-2 rc-use-editor">${__("Replace them with the rule editor")}</button>` : ""}
		</div>`);
		field.$wrapper.find(".rc-use-editor").on("click", () =>
			frappe.confirm(__("Remove the older filter rules and build new ones?"), () => frm.set_value("audience_rules", ""))
		);
		return;
	}
	recruit_crm.rule_editor.attach(frm, {
		html_field: "audience_rules_html",
		rules_field: "audience_rules",
		preview_method: RC_NURTURE_API + "audience_preview",
		empty_value: "",
		empty_hint: "No rules: only the talent pools above (or manual enrolment) decide who enters.",
		read_only: frm.doc.status === "Completed",
	});
}

// ---- email steps ----------------------------------------------------------------------------

function render_merge_fields(frm, cdt, cdn) {
	const row = locals[cdt][cdn];
	const grid_row = frm.fields_dict.steps.grid.grid_rows_by_docname[cdn];
	const form = grid_row && grid_row.grid_form;
	if (!form || !form.fields_dict.merge_fields_html) return;
	const $w = form.fields_dict.merge_fields_html.$wrapper;
	if (!RC_EMAIL_STEPS.includes(row.step_type)) {
		$w.empty();
		return;
	}
	const insert = recruit_crm.merge_fields.inserter(form.fields_dict.email_subject, form.fields_dict.email_body);
	frappe
		.call(RC_NURTURE_API + "merge_fields", {
			step_type: row.step_type,
			job_opening: row.job_opening || null,
			content: row.content || null,
			campaign_name: frm.doc.campaign_name || null,
		})
		.then((r) =>
			recruit_crm.merge_fields.render($w, r.message, (tag) => {
				if (row.email_template && !row.email_subject && !row.email_body) {
					// The words live in the Email Template: hand the field over to paste there.
					frappe.utils.copy_to_clipboard(tag);
					frappe.show_alert({
						message: __("Copied {0}: paste it into the Email Template {1}.", [tag, row.email_template]),
						indicator: "blue",
					});
					return;
				}
				insert(tag);
			})
		);
}

// ---- dry run --------------------------------------------------------------------------------

function left_out_table(d) {
	const esc = frappe.utils.escape_html;
	const rows = Object.entries(d.left_out || {})
		.sort((a, b) => b[1] - a[1])
		.map(([reason, count]) => {
			const examples = ((d.left_out_examples || {})[reason] || [])
				.map((p) => `<a href="/app/rc-candidate/${encodeURIComponent(p.name)}">${esc(p.full_name || p.name)}</a>`)
				.join(", ");
			return `<tr class="rc-left-out" data-reason="${esc(reason)}">
				<td><b>${esc(__(reason))}</b></td>
				<td class="text-right">${count}</td>
				<td>${esc((d.left_out_help || {})[reason] || "")}${examples ? `<div class="small text-muted">${__("For example")}: ${examples}</div>` : ""}</td>
			</tr>`;
		})
		.join("");
	if (!rows) return `<p class="text-muted">${__("Nobody is left out.")}</p>`;
	return `<table class="table table-sm table-bordered small rc-left-out-table">
		<thead><tr><th>${__("Left out because")}</th><th class="text-right">${__("People")}</th><th>${__("What it means")}</th></tr></thead>
		<tbody>${rows}</tbody></table>`;
}

function show_dry_run(frm) {
	frappe.call({ method: RC_NURTURE_API + "dry_run", args: { campaign: frm.doc.name, sample_size: 5 }, freeze: true }).then((r) => {
		const d = r.message;
		const esc = frappe.utils.escape_html;
		const left_total = Object.values(d.left_out || {}).reduce((a, b) => a + b, 0);
		const days = (d.forecast || []).map((f) => `<tr><td>${esc(f.date)}</td><td class="text-right">${f.emails}</td></tr>`).join("");
		const people = (d.sample || [])
			.map(
				(p) => `<details><summary><b>${esc(p.full_name || p.candidate)}</b></summary>` +
					p.emails.map((e) => `<div class="small text-muted">${__("Step")} ${e.step} · ${__("variant")} ${e.variant} · ${esc(e.subject)}</div>
						<iframe sandbox="" style="width:100%;height:320px;border:1px solid var(--border-color)" srcdoc="${esc(e.html)}"></iframe>`).join("") +
					`</details>`
			)
			.join("");
		const dialog = new frappe.ui.Dialog({ title: __("Dry Run"), size: "extra-large" });
		dialog.$body.html(`
			<p>${d.manual
				? `${__("No pool or rule audience: people are enrolled by hand.")} <b>${d.entering}</b> ${__("people are in the sequence and may be emailed")}; ${__("left out")}: ${left_total}.`
				: `<b>${d.entering}</b> ${__("people would enter")}; ${__("already enrolled")}: ${d.already_enrolled}; ${__("left out")}: ${left_total}.`}</p>
			${left_out_table(d)}
			<h5>${__("Their emails")}</h5>${people || `<p class="text-muted">${__("Nobody to show.")}</p>`}
			<h5 style="margin-top:16px">${__("Send forecast (people who do not engage)")}: ${d.forecast_total}</h5>
			<table class="table table-sm table-bordered small"><thead><tr><th>${__("Date")}</th><th class="text-right">${__("Emails")}</th></tr></thead><tbody>${days}</tbody></table>`);
		dialog.show();
	});
}
