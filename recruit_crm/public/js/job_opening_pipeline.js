// Job Opening form: open this opening's pipeline board.
frappe.ui.form.on("Job Opening", {
	refresh(frm) {
		if (frm.is_new() || !frappe.model.can_read("Job Applicant")) return;
		frm.add_custom_button(__("Pipeline Board"), () => {
			frappe.route_options = { job_opening: frm.doc.name };
			frappe.set_route("rc-pipeline-board");
		});
	},
});
