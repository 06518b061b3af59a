// Campaign page: launch/pause/resume, dry run with rendered emails and forecast, live results.
const RC_NURTURE_API = "recruit_crm.api.nurture_campaign.";

frappe.ui.form.on("RC Nurture Campaign", {
	refresh(frm) {
		if (frm.is_new()) return;
		const call = (method, args) =>
			frappe.call({ method: RC_NURTURE_API + method, args: { campaign: frm.doc.name, ...args }, freeze: true }).then((r) => {
				frm.reload_doc();
				return r;
			});
		frm.add_custom_button(__("Dry Run"), () => show_dry_run(frm));
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
});

function show_dry_run(frm) {
	frappe.call({ method: RC_NURTURE_API + "dry_run", args: { campaign: frm.doc.name, sample_size: 5 }, freeze: true }).then((r) => {
		const d = r.message;
		const esc = frappe.utils.escape_html;
		const left = Object.entries(d.left_out || {}).map(([k, v]) => `${esc(k)}: ${v}`).join(", ") || __("nobody");
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
				? `${__("No pool or rule audience: people are enrolled by hand.")} <b>${d.entering}</b> ${__("people are in the sequence and may be emailed")}; ${__("left out")}: ${left}.`
				: `<b>${d.entering}</b> ${__("people would enter")}; ${__("already enrolled")}: ${d.already_enrolled}; ${__("left out")}: ${left}.`}</p>
			<h5>${__("Their emails")}</h5>${people || `<p class="text-muted">${__("Nobody to show.")}</p>`}
			<h5 style="margin-top:16px">${__("Send forecast (people who do not engage)")}: ${d.forecast_total}</h5>
			<table class="table table-sm table-bordered small"><thead><tr><th>${__("Date")}</th><th class="text-right">${__("Emails")}</th></tr></thead><tbody>${days}</tbody></table>`);
		dialog.show();
	});
}
