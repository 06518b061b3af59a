// Candidate form: each application with its pipeline stage, days in it and waiting flag.
frappe.ui.form.on("RC Candidate", {
	refresh(frm) {
		if (frm.is_new() || !frappe.model.can_read("Job Applicant")) return;
		frappe.call("recruit_crm.api.pipeline.candidate_applications", { candidate: frm.doc.name }).then((r) => {
			const rows = r.message || [];
			if (!rows.length) return;
			const e = frappe.utils.escape_html;
			const colours = { "On Track": "green", "Past Ideal": "orange", "Past Max": "red" };
			const items = rows
				.map((a) => {
					const days = a.rc_stage_entered_at
						? frappe.datetime.get_day_diff(frappe.datetime.now_date(), a.rc_stage_entered_at)
						: null;
					const flag = a.rc_sla_status
						? `<span class="indicator-pill ${colours[a.rc_sla_status] || "gray"}">${e(__(a.rc_sla_status))}</span>`
						: "";
					return `<div class="rc-candidate-application" style="margin-bottom:4px">
						<a href="/app/job-applicant/${encodeURIComponent(a.name)}">${e(a.job_title || a.name)}</a>
						· <b>${e(a.workflow_state || a.status || "")}</b>
						${days !== null ? `· ${__("{0} days in stage", [days])}` : ""} ${flag}</div>`;
				})
				.join("");
			frm.dashboard.add_section(`<div class="rc-candidate-applications">${items}</div>`, __("Applications"));
			frm.dashboard.show();
		});
	},
});
