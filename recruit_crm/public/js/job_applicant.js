// The person behind this application: CRM stage, owner and other applications.
frappe.ui.form.on("Job Applicant", {
	refresh(frm) {
		render_stage_history(frm);
		const field = frm.get_field("rc_candidate_summary");
		if (!field) return;
		if (frm.is_new() || !frm.doc.rc_candidate) {
			field.$wrapper.empty();
			return;
		}
		frappe
			.call("recruit_crm.api.candidate.get_summary", { job_applicant: frm.doc.name })
			.then((r) => field.$wrapper.html(render_summary(r.message || {})));
	},
});

function render_summary(s) {
	if (!s.name) return "";
	const esc = frappe.utils.escape_html;
	const others = (s.other_applications || [])
		.map(
			(a) =>
				`<li><a href="/app/job-applicant/${encodeURIComponent(a.name)}">${esc(
					a.opening_title || a.job_title || a.name,
				)}</a> · ${esc(a.status || "")}</li>`,
		)
		.join("");
	return `<div class="rc-candidate-summary">
		<div><a href="/app/rc-candidate/${encodeURIComponent(s.name)}"><b>${esc(s.full_name)}</b></a>
		${s.do_not_contact ? `<span class="indicator-pill red">${__("Do Not Contact")}</span>` : ""}</div>
		<div class="text-muted">${esc([s.current_title, s.current_employer].filter(Boolean).join(" · "))}</div>
		<div>${__("CRM Stage")}: <b>${esc(__(s.crm_stage || ""))}</b></div>
		<div>${__("Owner")}: ${esc(s.recruiter || __("Unassigned"))}</div>
		<div>${__("Applications")}: ${s.application_count || 0}</div>
		${others ? `<div>${__("Other applications")}:<ul>${others}</ul></div>` : ""}
	</div>`;
}

// Time in each pipeline stage, the SLA flag now, and snooze / dismiss of its alert.
const RC_SLA_COLOURS = { "On Track": "green", "Past Ideal": "orange", "Past Max": "red" };

function render_stage_history(frm) {
	const field = frm.get_field("rc_stage_html");
	if (!field) return;
	if (frm.is_new()) {
		field.$wrapper.empty();
		return;
	}
	frappe.call("recruit_crm.api.pipeline.stage_history", { job_applicant: frm.doc.name }).then((r) => {
		const h = r.message || {};
		const e = frappe.utils.escape_html;
		const rows = (h.stays || [])
			.map(
				(s) => `<tr><td>${e(s.state || "")}</td><td>${frappe.datetime.str_to_user(s.entered_at) || ""}</td>
				<td>${s.left_at ? frappe.datetime.str_to_user(s.left_at) : `<b>${__("now")}</b>`}</td>
				<td>${s.left_at ? Number(s.days_in_stage || 0).toFixed(1) : ""}</td>
				<td class="text-muted">${e(__(s.source || ""))}${s.action ? " · " + e(s.action) : ""}</td></tr>`,
			)
			.join("");
		const flag = h.sla
			? `<span class="indicator-pill ${RC_SLA_COLOURS[h.sla] || "gray"}">${e(__(h.sla))}</span>`
			: "";
		const alert = h.alert || {};
		const quiet = alert.dismissed
			? `<span class="text-muted">${__("Alerts dismissed: {0}", [e(alert.snooze_reason || "")])}</span>`
			: alert.snoozed_until
			? `<span class="text-muted">${__("Snoozed until {0}: {1}", [frappe.datetime.str_to_user(alert.snoozed_until), e(alert.snooze_reason || "")])}</span>`
			: "";
		field.$wrapper.html(`<div class="rc-stage-history">
			<div style="margin-bottom:6px">${flag} ${quiet}</div>
			<table class="table table-sm table-bordered"><thead><tr><th>${__("Stage")}</th><th>${__("Entered")}</th>
			<th>${__("Left")}</th><th>${__("Days")}</th><th>${__("How")}</th></tr></thead><tbody>${rows}</tbody></table></div>`);
		if (h.sla === "Past Ideal" || h.sla === "Past Max") {
			frm.add_custom_button(__("Snooze Alert"), () => rc_quiet_alert(frm, "snooze"), __("Waiting"));
			frm.add_custom_button(__("Dismiss Alert"), () => rc_quiet_alert(frm, "dismiss"), __("Waiting"));
		}
	});
}

function rc_quiet_alert(frm, how) {
	const fields = [{ fieldname: "reason", fieldtype: "Small Text", label: __("Why"), reqd: 1 }];
	if (how === "snooze") fields.unshift({ fieldname: "days", fieldtype: "Int", label: __("Days"), default: 3, reqd: 1 });
	frappe.prompt(
		fields,
		(values) =>
			frappe
				.call({
					method: how === "snooze" ? "recruit_crm.api.pipeline.snooze_alert" : "recruit_crm.api.pipeline.dismiss_alert",
					args: { job_applicant: frm.doc.name, ...values },
				})
				.then(() => frm.reload_doc()),
		how === "snooze" ? __("Snooze the waiting alert") : __("Dismiss the waiting alert"),
	);
}
