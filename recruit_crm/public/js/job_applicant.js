// The person behind this application: CRM stage, owner and other applications.
frappe.ui.form.on("Job Applicant", {
	refresh(frm) {
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
