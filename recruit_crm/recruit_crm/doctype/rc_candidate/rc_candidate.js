// Copyright (c) 2026, recruit_crm contributors
// License: GNU General Public License v3. See license.txt

frappe.ui.form.on("RC Candidate", {
	setup(frm) {
		frappe.call("frappe.core.doctype.user.user.get_timezones").then((r) => {
			frm.set_df_property("timezone", "options", (r.message && r.message.timezones) || []);
		});
	},

	refresh(frm) {
		render_applications(frm);
		if (frm.is_new()) return;
		if (frappe.model.can_create("Job Applicant")) {
			frm.add_custom_button(__("Job Applicant"), () => convert_to_applicant(frm), __("Create"));
		}
		if (frappe.model.can_delete("RC Candidate")) {
			frm.add_custom_button(__("Merge Duplicate Into This"), () => merge_into(frm), __("Actions"));
		}
	},
});

function render_applications(frm) {
	const apps = (frm.doc.__onload && frm.doc.__onload.applications) || [];
	const esc = frappe.utils.escape_html;
	if (!apps.length) {
		frm.get_field("applications_html").$wrapper.html(
			`<p class="text-muted">${__("No applications yet.")}</p>`,
		);
		return;
	}
	const rows = apps
		.map(
			(a) => `<tr>
				<td><a href="/app/job-applicant/${encodeURIComponent(a.name)}">${esc(a.name)}</a></td>
				<td>${esc(a.opening_title || a.job_title || "")}</td>
				<td>${esc(a.designation || "")}</td>
				<td>${esc(a.status || "")}</td>
				<td>${frappe.datetime.str_to_user(a.creation)}</td>
			</tr>`,
		)
		.join("");
	frm.get_field("applications_html").$wrapper.html(`
		<table class="table table-bordered table-sm">
			<thead><tr>
				<th>${__("Application")}</th><th>${__("Job Opening")}</th><th>${__("Designation")}</th>
				<th>${__("Status")}</th><th>${__("Applied On")}</th>
			</tr></thead>
			<tbody>${rows}</tbody>
		</table>`);
}

function convert_to_applicant(frm) {
	const dialog = new frappe.ui.Dialog({
		title: __("Create Job Applicant for {0}", [frm.doc.full_name]),
		fields: [
			{
				fieldname: "job_opening",
				fieldtype: "Link",
				label: __("Job Opening"),
				options: "Job Opening",
				reqd: 1,
				get_query: () => ({ filters: { status: "Open" } }),
			},
		],
		primary_action_label: __("Create"),
		primary_action(values) {
			frappe
				.call({
					method: "recruit_crm.api.candidate.create_job_applicant",
					args: { candidate: frm.doc.name, job_opening: values.job_opening },
					freeze: true,
				})
				.then((r) => {
					dialog.hide();
					frappe.show_alert({ message: __("Job Applicant created"), indicator: "green" });
					frappe.set_route("Form", "Job Applicant", r.message.job_applicant);
				});
		},
	});
	dialog.show();
}

function merge_into(frm) {
	const dialog = new frappe.ui.Dialog({
		title: __("Merge a duplicate into {0}", [frm.doc.full_name]),
		fields: [
			{
				fieldname: "source",
				fieldtype: "Link",
				label: __("Duplicate candidate"),
				options: "RC Candidate",
				reqd: 1,
				get_query: () => ({ filters: { name: ["!=", frm.doc.name] } }),
				description: __(
					"Its applications, emails, skills and history move here; this record's values win; the duplicate is deleted.",
				),
			},
		],
		primary_action_label: __("Merge"),
		primary_action(values) {
			frappe.confirm(__("Merge {0} into {1}? This cannot be undone.", [values.source, frm.doc.name]), () =>
				frappe
					.call({
						method: "recruit_crm.api.candidate.merge",
						args: { source: values.source, target: frm.doc.name },
						freeze: true,
					})
					.then(() => {
						dialog.hide();
						frm.reload_doc();
					}),
			);
		},
	});
	dialog.show();
}
