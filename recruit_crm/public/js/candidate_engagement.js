// Copyright (c) 2026, recruit_crm contributors
// License: GNU General Public License v3. See license.txt
// Candidate form: engagement breakdown, one timeline across all applications, logging
// activities, consent and privacy actions. All figures come from the server.

frappe.ui.form.on("RC Candidate", {
	refresh(frm) {
		if (frm.is_new()) return;
		render_engagement(frm);
		render_consent_ledger(frm);
		frm.add_custom_button(__("Log Activity"), () => log_activity(frm));
		if (frm.doc.is_anonymized) return;
		const consent = __("Consent");
		frm.add_custom_button(__("Record Consent"), () => record_consent(frm), consent);
		frm.add_custom_button(__("Withdraw Consent"), () => withdraw_consent(frm), consent);
		frm.add_custom_button(__("Send Renewal Request"), () => send_renewal(frm), consent);
		const privacy = __("Privacy");
		frm.add_custom_button(
			__("Export Personal Data"),
			() => {
				window.open(
					`/api/method/recruit_crm.api.privacy.export_candidate?candidate=${encodeURIComponent(frm.doc.name)}`,
				);
			},
			privacy,
		);
		if (frappe.user.has_role("HR Manager")) {
			frm.add_custom_button(__("Erase Personal Data"), () => erase(frm), privacy);
		}
	},
});

const esc = (v) => frappe.utils.escape_html(v == null ? "" : String(v));

function render_engagement(frm) {
	const field = frm.get_field("engagement_breakdown_html");
	if (!field) return;
	Promise.all([
		frappe.xcall("recruit_crm.api.touchpoint.engagement", { candidate: frm.doc.name }),
		frappe.xcall("recruit_crm.api.touchpoint.timeline", { candidate: frm.doc.name, limit: 100 }),
	]).then(([engagement, timeline]) => {
		field.$wrapper.html(breakdown_html(engagement) + timeline_html(timeline));
	});
}

function breakdown_html(e) {
	const lines = e.lines
		.filter((l) => l.contribution !== 0 || l.weight !== 0)
		.map(
			(l) => `<tr>
				<td>${esc(__(l.touchpoint_type))}</td><td class="text-right">${l.count}</td>
				<td class="text-right">${format_number(l.weight)}</td>
				<td class="text-right"><b>${format_number(l.contribution)}</b></td>
				<td>${frappe.datetime.comment_when(l.last_at)}</td>
			</tr>`,
		)
		.join("");
	return `<div class="rc-engagement">
		<h5>${__("Engagement today: {0} ({1})", [format_number(e.score, null, 1), esc(__(e.stage))])}</h5>
		<p class="text-muted small">${esc(e.reason)}. ${__("Weights halve every {0} days.", [e.half_life_days])}</p>
		${
			lines
				? `<table class="table table-sm table-bordered"><thead><tr>
					<th>${__("Touchpoint")}</th><th class="text-right">${__("Count")}</th>
					<th class="text-right">${__("Weight")}</th><th class="text-right">${__("Contributes Today")}</th>
					<th>${__("Latest")}</th></tr></thead><tbody>${lines}</tbody></table>`
				: `<p class="text-muted">${__("No scored touchpoints yet.")}</p>`
		}
		${
			e.stage_history.length
				? `<p class="small text-muted">${__("Stage changes")}: ${e.stage_history
						.slice(0, 5)
						.map(
							(c) =>
								`${esc(c.from_stage || __("Cold"))} → ${esc(c.to_stage)} (${frappe.datetime.comment_when(c.changed_at)})`,
						)
						.join(", ")}</p>`
				: ""
		}
	</div>`;
}

function timeline_html(rows) {
	if (!rows.length) return `<h5>${__("Timeline")}</h5><p class="text-muted">${__("No touchpoints yet.")}</p>`;
	const items = rows
		.map((r) => {
			const source =
				r.reference_doctype && r.reference_name
					? ` · <a href="/app/${frappe.router.slug(r.reference_doctype)}/${encodeURIComponent(r.reference_name)}">${esc(__(r.reference_doctype))}</a>`
					: "";
			const job = r.job_opening ? ` · ${esc(r.job_opening_title || r.job_opening)}` : "";
			const who = r.recruiter ? ` · ${esc(frappe.user.full_name(r.recruiter))}` : "";
			return `<li class="list-group-item">
				<div><b>${esc(__(r.touchpoint_type))}</b>
					<span class="text-muted small">${esc(__(r.direction || ""))} ${esc(__(r.channel || ""))}${job}${who}${source}</span>
					<span class="pull-right text-muted small" title="${esc(r.occurred_at)}">${frappe.datetime.comment_when(r.occurred_at)}</span></div>
				${r.details ? `<div class="small">${esc(r.details)}</div>` : ""}
			</li>`;
		})
		.join("");
	return `<h5>${__("Timeline (all applications)")}</h5><ul class="list-group">${items}</ul>`;
}

function log_activity(frm) {
	const d = new frappe.ui.Dialog({
		title: __("Log Activity with {0}", [frm.doc.full_name]),
		fields: [
			{
				fieldname: "touchpoint_type",
				fieldtype: "Select",
				label: __("Type"),
				options: ["Call", "Meeting", "Message", "Event Attended", "Note"],
				default: "Call",
				reqd: 1,
			},
			{ fieldname: "occurred_at", fieldtype: "Datetime", label: __("When"), default: frappe.datetime.now_datetime() },
			{
				fieldname: "direction",
				fieldtype: "Select",
				label: __("Direction"),
				options: ["", "Outbound", "Inbound", "Internal"],
			},
			{ fieldname: "job_opening", fieldtype: "Link", options: "Job Opening", label: __("About Job Opening") },
			{ fieldname: "summary", fieldtype: "Small Text", label: __("Summary") },
		],
		primary_action_label: __("Log"),
		primary_action(values) {
			frappe
				.xcall("recruit_crm.api.touchpoint.log_activity", { candidate: frm.doc.name, ...values })
				.then(() => {
					d.hide();
					frappe.show_alert({ message: __("Activity logged"), indicator: "green" });
					frm.reload_doc();
				});
		},
	});
	d.show();
}

function render_consent_ledger(frm) {
	const field = frm.get_field("consent_ledger_html");
	if (!field) return;
	frappe.xcall("recruit_crm.api.privacy.consent_ledger", { candidate: frm.doc.name }).then((rows) => {
		if (!rows.length) {
			field.$wrapper.html(`<p class="text-muted small">${__("No consent recorded yet. Use Consent → Record Consent, or ask for it from the list.")}</p>`);
			return;
		}
		const colour = { Active: "green", Expired: "orange", Withdrawn: "red" };
		const when = (v) => (v ? esc(frappe.datetime.str_to_user(v)) : "");
		const lines = rows
			.map(
				(r) => `<tr>
				<td>${esc(__(r.purpose))}</td>
				<td><span class="indicator-pill ${colour[r.status] || "gray"}">${esc(__(r.status))}</span></td>
				<td>${esc(__(r.method))}${r.evidence_form ? `<div class="small text-muted">${esc(r.evidence_form)}</div>` : ""}</td>
				<td>${when(r.given_at)}</td>
				<td>${when(r.expires_on)}</td>
				<td>${when(r.withdrawn_at)}${r.withdrawal_method ? `<div class="small text-muted">${esc(__(r.withdrawal_method))}</div>` : ""}</td>
				<td class="small text-muted">${esc(r.ip_address || "")}</td>
			</tr>`,
			)
			.join("");
		field.$wrapper.html(`<table class="table table-sm rc-consent-ledger">
			<thead><tr><th>${__("Purpose")}</th><th>${__("State")}</th><th>${__("Given Via")}</th><th>${__("Given")}</th>
				<th>${__("Expires")}</th><th>${__("Withdrawn")}</th><th>${__("From Address")}</th></tr></thead>
			<tbody>${lines}</tbody></table>`);
	});
}

function record_consent(frm) {
	frappe.prompt(
		[
			{ fieldname: "purpose", fieldtype: "Select", label: __("Purpose"), options: ["Talent Pool", "Marketing Email"], reqd: 1 },
			{
				fieldname: "method",
				fieldtype: "Select",
				label: __("Given Via"),
				options: ["Recruiter", "Email Reply", "Web Form", "Import"],
				default: "Recruiter",
				reqd: 1,
			},
			{ fieldname: "expires_on", fieldtype: "Date", label: __("Expires On"), description: __("Blank: the default validity from RC Settings.") },
			{ fieldname: "note", fieldtype: "Small Text", label: __("Evidence"), description: __("What the candidate said, and where.") },
		],
		(values) =>
			frappe
				.xcall("recruit_crm.api.privacy.record_consent", { candidate: frm.doc.name, ...values })
				.then(() => frm.reload_doc()),
		__("Record Consent"),
		__("Record"),
	);
}

function withdraw_consent(frm) {
	frappe.prompt(
		[
			{ fieldname: "purpose", fieldtype: "Select", label: __("Purpose"), options: ["Talent Pool", "Marketing Email"], reqd: 1 },
			{ fieldname: "note", fieldtype: "Small Text", label: __("Note") },
		],
		(values) =>
			frappe
				.xcall("recruit_crm.api.privacy.withdraw_consent", { candidate: frm.doc.name, ...values })
				.then(() => frm.reload_doc()),
		__("Withdraw Consent"),
		__("Withdraw"),
	);
}

function send_renewal(frm) {
	frappe.xcall("recruit_crm.api.privacy.send_consent_renewal", { candidate: frm.doc.name }).then((sent) => {
		frappe.show_alert({
			message: sent ? __("Renewal request sent") : __("Nothing to renew, or the candidate cannot be contacted"),
			indicator: sent ? "green" : "orange",
		});
	});
}

function erase(frm) {
	frappe.prompt(
		[
			{
				fieldname: "confirm",
				fieldtype: "Data",
				label: __("Type {0} to confirm", [frm.doc.email]),
				reqd: 1,
				description: __(
					"Deletes this candidate, their consent, touchpoints, emails, comments, files and contacts, and strips their name from applications, interviews and offers. This cannot be undone.",
				),
			},
		],
		(values) =>
			frappe
				.xcall("recruit_crm.api.privacy.erase_candidate", { candidate: frm.doc.name, confirm: values.confirm })
				.then((r) => {
					frappe.msgprint(
						r.has_user_account
							? __("Erased. This person also has a User account: remove it with a Personal Data Deletion Request.")
							: __("Erased."),
					);
					frappe.set_route("List", "RC Candidate");
				}),
		__("Erase Personal Data"),
		__("Erase"),
	);
}
