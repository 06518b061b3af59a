// The drive page: progress to target, funnel, spend per applicant and per hire, source mix and
// events, from one read-only call (recruit_crm.api.hiring_drive.drive_dashboard); and the links to
// its public landing page and the career pages it lists.
frappe.ui.form.on("RC Hiring Drive", {
	refresh(frm) {
		rc_drive_public_links(frm);
		const wrapper = frm.get_field("dashboard_html").$wrapper;
		if (frm.is_new()) {
			wrapper.html(`<p class="text-muted">${__("Save the drive to see its progress.")}</p>`);
			return;
		}
		frm.add_custom_button(__("New Hiring Event"), () =>
			frappe.new_doc("RC Hiring Event", { hiring_drive: frm.doc.name })
		);
		frappe
			.call("recruit_crm.api.hiring_drive.drive_dashboard", { drive: frm.doc.name })
			.then((r) => wrapper.html(rc_drive_dashboard(r.message || {})));
	},
});

function rc_drive_dashboard(d) {
	const e = frappe.utils.escape_html;
	const money = (v) => (v === null || v === undefined ? "–" : format_currency(v));
	const p = d.progress || { target: 0, hires: 0, percent: 0, remaining: 0 };
	const s = d.spend || {};
	const table = (key, caption, head, rows) => `
		<table class="table table-sm rc-drive-table" data-rc="${key}"><caption style="caption-side: top; font-weight: 600; color: #1b1f24">${e(caption)}</caption>
			<thead><tr>${head.map((h) => `<th scope="col">${e(h)}</th>`).join("")}</tr></thead>
			<tbody>${rows.length ? rows.map((r) => `<tr>${r.map((c) => `<td>${e(String(c))}</td>`).join("")}</tr>`).join("")
				: `<tr><td colspan="${head.length}">${e(__("Nothing yet."))}</td></tr>`}</tbody></table>`;
	return `
	<section class="rc-drive-dashboard" aria-label="${e(__("Drive progress"))}">
		<h4>${e(__("Progress to target"))}</h4>
		<p class="rc-drive-progress-text">${e(__("{0} of {1} hires ({2}%)", [p.hires, p.target, p.percent]))}</p>
		<div class="progress" style="height: 12px" role="progressbar" aria-label="${e(__("Hires against target"))}"
			aria-valuemin="0" aria-valuemax="100" aria-valuenow="${p.percent}">
			<div class="progress-bar" style="width: ${Number(p.percent) || 0}%; background: #1f6f43"></div></div>
		<div class="row" style="margin-top: 16px">
			<div class="col-md-6">${table("openings", __("Openings"), [__("Opening"), __("Applicants"), __("Hires"), __("Target")],
				(d.openings || []).map((o) => [o.title, o.applicants, o.hires, o.target]))}</div>
			<div class="col-md-6">${table("funnel", __("Funnel"), [__("Stage"), __("Applications")],
				(d.funnel || []).map((f) => [f.state, f.count]))}</div>
		</div>
		<div class="row">
			<div class="col-md-6">${table("spend", __("Spend"), [__("Figure"), __("Value")], [
				[__("Budget"), money(s.budget)], [__("Spent"), money(s.total)],
				[__("Applicants"), s.applicants || 0], [__("Hires"), s.hires || 0],
				[__("Spend per applicant"), money(s.per_applicant)], [__("Spend per hire"), money(s.per_hire)],
			])}</div>
			<div class="col-md-6">${table("sources", __("Source mix"), [__("Source"), __("Applicants"), __("Share"), __("Spend per applicant")],
				(d.sources || []).map((r) => [r.source, r.applicants, `${r.share}%`, money(r.per_applicant)]))}</div>
		</div>
		${table("events", __("Events"), [__("Event"), __("Type"), __("Starts"), __("Confirmed"), __("Attended"), __("No-show")],
			(d.events || []).map((ev) => [ev.title, __(ev.event_type), frappe.datetime.str_to_user(ev.starts_at),
				ev.registrations.Confirmed, ev.registrations.Attended, ev.registrations["No-show"]]))}
	</section>`;
}

function rc_drive_public_links(frm) {
	const wrapper = frm.get_field("career_links_html").$wrapper;
	const e = frappe.utils.escape_html;
	const base = frappe.urllib.get_base_url();
	const link = (url, text) => `<a href="${e(url)}" target="_blank" rel="noopener">${e(text)}</a>`;
	const items = [];
	if (frm.doc.route && !frm.is_new()) {
		const url = `${base}/careers/drives/${encodeURIComponent(frm.doc.route)}`;
		const note = frm.doc.published && frm.doc.status !== "Cancelled" ? "" : ` <span class="text-muted">(${e(__("not public"))})</span>`;
		items.push(`<li>${e(__("Landing page"))}: ${link(url, url)}${note}</li>`);
	}
	for (const row of frm.doc.career_pages || []) {
		if (row.page_route) items.push(`<li>${link(`${base}/${row.page_route}`, row.page_title || row.web_page)}</li>`);
	}
	wrapper.html(items.length
		? `<ul class="rc-drive-links list-unstyled">${items.join("")}</ul>`
		: `<p class="text-muted">${e(__("Save and publish the drive to get its landing page."))}</p>`);
}
