// Copyright (c) 2026, recruit_crm contributors
// License: GNU General Public License v3. See license.txt

frappe.ui.form.on("RC Pipeline Automation", {
	refresh(frm) {
		render_merge_fields(frm);
		if (!frm.is_new()) {
			frm.add_custom_button(__("Preview"), () => show_preview(frm));
		}
	},
});

function render_merge_fields(frm) {
	const field = frm.get_field("merge_fields_html");
	if (!field) return;
	frappe
		.call({ method: "recruit_crm.api.pipeline_automation.merge_fields", type: "GET" })
		.then((r) => {
			const rows = (r.message || [])
				.map(
					(f) =>
						`<tr><td><code>${frappe.utils.escape_html(f.tag)}</code></td><td>${frappe.utils.escape_html(f.label)}</td></tr>`
				)
				.join("");
			field.$wrapper.html(
				`<table class="table table-sm"><thead><tr><th>${__("Merge field")}</th><th>${__("Value")}</th></tr></thead><tbody>${rows}</tbody></table>`
			);
		});
}

function show_preview(frm) {
	frappe
		.call({
			method: "recruit_crm.api.pipeline_automation.preview",
			args: { automation: frm.doc.name, limit: 20 },
			freeze: true,
		})
		.then((r) => {
			const data = r.message || {};
			const esc = frappe.utils.escape_html;
			const rows = (data.rows || [])
				.map(
					(row) => `<tr>
						<td>${esc(row.applicant_name || row.job_applicant)}<br><small class="text-muted">${esc(row.email || "")}</small></td>
						<td>${row.will_send ? esc(frappe.datetime.str_to_user(row.send_at) || "") : ""}</td>
						<td>${esc(row.subject || "")}</td>
						<td>${row.will_send ? __("Will receive") : esc(row.already ? __("Already {0}", [row.already]) : row.reason || "")}</td>
					</tr>`
				)
				.join("");
			const sample = data.sample
				? `<h5 class="mt-4">${esc(data.sample.subject)}</h5>
					${data.sample.attachments.length ? `<p class="text-muted">${__("Attached")}: ${esc(data.sample.attachments.join(", "))}</p>` : ""}
					<iframe class="rc-pipeline-preview" style="width:100%;height:420px;border:1px solid var(--border-color)"></iframe>`
				: "";
			const dialog = new frappe.ui.Dialog({
				title: __("Who gets what, and when"),
				size: "extra-large",
				fields: [{ fieldtype: "HTML", fieldname: "body" }],
			});
			dialog.fields_dict.body.$wrapper.html(`
				<p>${__("{0} of the {1} applications shown would receive this email. Nothing is sent or tracked by a preview.", [data.will_send || 0, (data.rows || []).length])}</p>
				<table class="table table-sm"><thead><tr><th>${__("Applicant")}</th><th>${__("Sends at")}</th><th>${__("Subject")}</th><th>${__("Status")}</th></tr></thead>
				<tbody>${rows || `<tr><td colspan="4">${__("No applications to show.")}</td></tr>`}</tbody></table>${sample}`);
			dialog.show();
			if (data.sample) {
				const frame = dialog.$wrapper.find("iframe.rc-pipeline-preview")[0];
				frame.setAttribute("sandbox", "");
				frame.srcdoc = data.sample.html;
			}
		});
}
