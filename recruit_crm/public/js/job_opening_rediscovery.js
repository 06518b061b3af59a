// "Find Candidates" on a Job Opening: pool members and past applicants ranked against the
// opening, each with why; add them to a pool, invite them to apply, or enrol them in a campaign.

frappe.ui.form.on("Job Opening", {
	refresh(frm) {
		if (frm.is_new() || !frappe.model.can_read("RC Candidate")) return;
		frm.add_custom_button(__("Find Candidates"), () => find_candidates(frm));
	},
});

function find_candidates(frm) {
	const dialog = new frappe.ui.Dialog({
		title: __("Candidates for {0}", [frm.doc.job_title]),
		size: "extra-large",
		fields: [
			{ fieldname: "criteria", fieldtype: "HTML" },
			{ fieldname: "results", fieldtype: "HTML" },
		],
	});
	dialog.show();
	const $results = dialog.get_field("results").$wrapper;
	$results.html(`<p class="text-muted">${__("Ranking pool members and past applicants...")}</p>`);
	frappe
		.call("recruit_crm.api.rediscovery.find_candidates", { job_opening: frm.doc.name, limit: 100 })
		.then((r) => render_results(frm, dialog, r.message));
}

function render_results(frm, dialog, data) {
	const esc = frappe.utils.escape_html;
	const criteria = [
		data.designation && `${__("Designation")}: <b>${esc(data.designation)}</b>`,
		data.required_skills.length
			? `${__("Required skills")}: ${data.required_skills.map(esc).join(", ")}`
			: __("The designation lists no required skills (HRMS Designation Skill)."),
		(data.min_experience_years || data.max_experience_years) &&
			`${__("Experience")}: ${data.min_experience_years || 0}-${data.max_experience_years || "..."} ${__("years")}`,
		data.location && `${__("Location")}: ${esc(data.location)}`,
		`${__("Considered")}: ${format_number(data.considered, null, 0)}`,
		`${__("Can be emailed")}: ${data.results.filter((c) => c.can_email).length} ${__("of")} ${data.results.length}`,
	].filter(Boolean);
	dialog.get_field("criteria").$wrapper.html(`<p class="small text-muted">${criteria.join(" &middot; ")}</p>`);
	const $results = dialog.get_field("results").$wrapper;
	if (!data.results.length) {
		$results.html(`<p>${__("Nobody in the pools or among past applicants matches this opening yet.")}</p>`);
		return;
	}
	const chip = (text, cls) => `<span class="indicator-pill ${cls} mr-1 mb-1">${esc(text)}</span>`;
	const rows = data.results
		.map((c) => {
			const e = c.explanation;
			return `<tr>
				<td><input type="checkbox" class="rc-pick" data-name="${esc(c.candidate)}"></td>
				<td><a href="/app/rc-candidate/${encodeURIComponent(c.candidate)}" target="_blank">${esc(c.full_name || c.candidate)}</a>
					<div class="small text-muted">${esc(c.current_title || "")}${c.crm_stage ? " &middot; " + esc(__(c.crm_stage)) : ""}</div>
					${c.pools.length ? `<div class="small">${__("Pools")}: ${c.pools.map(esc).join(", ")}</div>` : ""}
					${c.can_email ? "" : `<div class="small text-warning">${__("Cannot be emailed")}</div>`}</td>
				<td class="text-right"><b>${c.score}</b></td>
				<td>${e.skills_matched.map((s) => chip(s, "green")).join("")}${e.skills_missing.map((s) => chip(s, "red")).join("")}</td>
				<td class="small">${esc(e.experience_fit)}<br>${esc(e.designation_fit)}<br>${esc(e.location_fit)}<br>${esc(e.engagement_fit)}</td>
			</tr>`;
		})
		.join("");
	$results.html(`
		<div class="mb-2">
			<button class="btn btn-xs btn-default rc-add-pool">${__("Add to Talent Pool")}</button>
			<button class="btn btn-xs btn-default rc-invite">${__("Invite to Apply")}</button>
			<button class="btn btn-xs btn-default rc-ask">${__("Ask for Permission")}</button>
			${data.can_enroll_in_campaign ? `<button class="btn btn-xs btn-default rc-campaign">${__("Enrol in Campaign")}</button>` : ""}
			<span class="small text-muted ml-2">${__("Green: required skills they have; red: skills they lack.")}</span>
		</div>
		<div style="max-height: 60vh; overflow: auto">
		<table class="table table-sm">
			<thead><tr><th><input type="checkbox" class="rc-pick-all"></th><th>${__("Candidate")}</th>
				<th class="text-right">${__("Score")}</th><th>${__("Skills")}</th><th>${__("Why")}</th></tr></thead>
			<tbody>${rows}</tbody>
		</table></div>`);
	const picked = () => $results.find(".rc-pick:checked").map((_, el) => $(el).attr("data-name")).get();
	const need = (fn) => () => {
		const names = picked();
		if (!names.length) return frappe.msgprint(__("Tick the people first."));
		fn(names);
	};
	$results.find(".rc-pick-all").on("change", (e) => $results.find(".rc-pick").prop("checked", e.target.checked));
	$results.find(".rc-add-pool").on("click", need((names) => recruit_crm_add_to_pool(names)));
	$results.find(".rc-invite").on("click", need((names) => invite(frm, names, data)));
	$results.find(".rc-ask").on("click", need((names) =>
		frappe.require("/assets/recruit_crm/js/permission_request.js", () => recruit_crm.permission.ask(names)),
	));
	$results.find(".rc-campaign").on("click", need((names) => enrol(frm, names)));
}

function recruit_crm_add_to_pool(names) {
	if (window.recruit_crm && recruit_crm.pools && recruit_crm.pools.add_to_pool_dialog) {
		recruit_crm.pools.add_to_pool_dialog({ candidates: names });
		return;
	}
	frappe.prompt(
		[{ fieldname: "pool", fieldtype: "Link", options: "RC Talent Pool", label: __("Talent Pool"), reqd: 1,
			get_query: () => ({ filters: { pool_type: "Manual" } }) }],
		(values) =>
			frappe
				.call({
					method: "recruit_crm.api.talent_pool.add_to_pool",
					args: { pool: values.pool, candidates: names, reason: __("Found for a job opening") },
					type: "POST",
				})
				.then((r) => frappe.show_alert({ message: __("{0} added", [r.message.joined]), indicator: "green" })),
		__("Add to Talent Pool"),
	);
}

function invite(frm, names, data) {
	const can = data.results.filter((c) => names.includes(c.candidate) && c.can_email).length;
	if (!can) {
		return frappe.msgprint(
			__("None of the {0} people ticked may be emailed yet (no permission, unsubscribed or do not contact). Ask them for permission first.", [names.length]),
		);
	}
	const note = can < names.length ? " " + __("{0} of them cannot be emailed and will be skipped.", [names.length - can]) : "";
	frappe.confirm(__("Email {0} people an invitation to apply to {1}?", [can, frm.doc.job_title]) + note, () =>
		frappe
			.call({
				method: "recruit_crm.api.rediscovery.invite_to_apply",
				args: { job_opening: frm.doc.name, candidates: names },
				type: "POST",
				freeze: true,
			})
			.then((r) => {
				const d = r.message;
				const skipped = d.skipped.map((s) => `<li>${frappe.utils.escape_html(s.candidate)}: ${frappe.utils.escape_html(s.reason)}</li>`).join("");
				frappe.msgprint({
					title: __("Invitations"),
					message: `${__("{0} invited.", [d.invited.length])}${skipped ? `<p>${__("Not invited")}:</p><ul>${skipped}</ul>` : ""}`,
					indicator: "green",
				});
			}),
	);
}

function enrol(frm, names) {
	frappe.prompt(
		[
			{
				fieldname: "campaign",
				fieldtype: "Link",
				options: "RC Nurture Campaign",
				label: __("Campaign"),
				reqd: 1,
				get_query: () => ({ filters: { status: ["!=", "Completed"] } }),
			},
		],
		(values) =>
			frappe
				.call({
					method: "recruit_crm.api.rediscovery.enroll_in_campaign",
					args: { job_opening: frm.doc.name, candidates: names, campaign: values.campaign },
					type: "POST",
				})
				.then((r) =>
					frappe.show_alert({
						message: r.message.skipped
							? __("{0} enrolled; {1} skipped (they may not be emailed or are already in it)", [r.message.enrolled, r.message.skipped])
							: __("{0} enrolled", [r.message.enrolled]),
						indicator: r.message.enrolled ? "green" : "orange",
					}),
				),
		__("Enrol in Campaign"),
	);
}
