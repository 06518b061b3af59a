// RC Candidate list: "Send One-Off Email" to the selected people. The email goes out as a one-step
// campaign (same exactly-once ledger, suppression, business hours and tracking as every campaign);
// the dialog shows who will and will not receive it and why, and the email as the first one sees it.
frappe.provide("recruit_crm.one_off_email");

(function () {
	const API = "recruit_crm.api.nurture_campaign.";
	const settings = (frappe.listview_settings["RC Candidate"] = frappe.listview_settings["RC Candidate"] || {});
	const previous = settings.onload;
	settings.onload = function (listview) {
		if (previous) previous(listview);
		if (!frappe.model.can_create("RC Nurture Campaign")) return;
		listview.page.add_action_item(__("Send One-Off Email"), () => {
			const names = listview.get_checked_items(true);
			if (!names.length) return frappe.msgprint(__("Tick the people to email first."));
			recruit_crm.one_off_email.open(names, () => listview.clear_checked_items());
		});
	};

	recruit_crm.one_off_email.open = function (names, on_sent) {
		const esc = frappe.utils.escape_html;
		let accounts = [];
		let last = null;
		const dialog = new frappe.ui.Dialog({
			title: __("Email {0} candidates", [names.length]),
			size: "extra-large",
			fields: [
				{ fieldname: "email_account", fieldtype: "Select", label: __("Send From"), reqd: 1 },
				{ fieldname: "sender_html", fieldtype: "HTML" },
				{ fieldtype: "Column Break" },
				{
					fieldname: "source",
					fieldtype: "Select",
					label: __("Email"),
					options: [
						{ value: "write", label: __("Write it here") },
						{ value: "template", label: __("Use an Email Template") },
					],
					default: "write",
				},
				{
					fieldname: "email_template",
					fieldtype: "Link",
					options: "Email Template",
					label: __("Email Template"),
					depends_on: "eval:doc.source==='template'",
				},
				{ fieldtype: "Section Break", depends_on: "eval:doc.source==='write'" },
				{ fieldname: "subject", fieldtype: "Data", label: __("Subject") },
				{ fieldname: "body", fieldtype: "Text Editor", label: __("Message") },
				{ fieldtype: "Column Break" },
				{ fieldname: "merge_fields_html", fieldtype: "HTML" },
				{ fieldtype: "Section Break", label: __("Who receives it") },
				{ fieldname: "preview_html", fieldtype: "HTML" },
			],
			primary_action_label: __("Send"),
			primary_action: () => confirm_and_send(),
			secondary_action_label: __("Refresh Preview"),
			secondary_action: () => refresh_preview(),
		});

		const values = () => {
			const v = dialog.get_values(true) || {};
			const template = v.source === "template";
			return {
				candidates: names,
				email_account: v.email_account || null,
				email_template: template ? v.email_template || null : null,
				subject: template ? null : v.subject || null,
				body: template ? null : v.body || null,
			};
		};

		const show_sender = () => {
			const chosen = accounts.find((a) => a.account === dialog.get_value("email_account"));
			const $s = dialog.fields_dict.sender_html.$wrapper;
			if (!accounts.length) {
				$s.html(`<div class="text-danger small rc-sender-problem">${__("No Email Account has outgoing mail turned on. Set one up, then send a test email from RC Settings > Email.")}</div>`);
			} else if (chosen && !chosen.ready) {
				$s.html(`<div class="text-danger small rc-sender-problem">${esc(chosen.problem)}</div>`);
			} else {
				$s.html(chosen ? `<div class="text-muted small">${esc(chosen.email_id || "")}</div>` : "");
			}
		};

		const refresh_preview = frappe.utils.debounce(() => {
			const asked = values();
			last = asked;
			dialog.fields_dict.preview_html.$wrapper.html(`<p class="text-muted">${__("Checking...")}</p>`);
			frappe.call({ method: API + "preview_one_off", args: asked, type: "POST" }).then((r) => {
				if (last !== asked) return;
				draw_preview(r.message);
			});
		}, 500);

		const draw_preview = (d) => {
			const rows = Object.entries(d.left_out || {})
				.sort((a, b) => b[1] - a[1])
				.map(([reason, count]) => {
					const examples = ((d.left_out_examples || {})[reason] || []).map((p) => esc(p.full_name || p.name)).join(", ");
					return `<tr class="rc-left-out" data-reason="${esc(reason)}"><td><b>${esc(__(reason))}</b></td><td class="text-right">${count}</td>
						<td>${esc((d.left_out_help || {})[reason] || "")}${examples ? `<div class="small text-muted">${__("For example")}: ${examples}</div>` : ""}</td></tr>`;
				})
				.join("");
			const not_found = d.not_found ? `<p class="small text-muted">${__("{0} of the selected people are not visible to you and are skipped.", [d.not_found])}</p>` : "";
			const sample = d.sample
				? `<div class="small text-muted mt-3">${__("As {0} will see it", [esc(d.sample.full_name || d.sample.candidate)])} · <b>${esc(d.sample.subject)}</b></div>
					<iframe class="rc-one-off-sample" sandbox="" style="width:100%;height:360px;border:1px solid var(--border-color)" srcdoc="${esc(d.sample.html)}"></iframe>`
				: `<p class="text-muted small mt-3">${__("Choose an Email Template, or write a subject and a message, to see the email.")}</p>`;
			dialog.fields_dict.preview_html.$wrapper.html(`
				<p class="rc-one-off-counts"><b class="rc-will-receive">${d.will_receive}</b> ${__("of {0} will receive it", [d.selected])}.
					<span class="text-muted">${esc(d.window)}</span></p>
				${rows ? `<table class="table table-sm table-bordered small"><thead><tr><th>${__("Will not receive it")}</th><th class="text-right">${__("People")}</th><th>${__("Why")}</th></tr></thead><tbody>${rows}</tbody></table>` : ""}
				${not_found}${sample}`);
			dialog.set_primary_action(__("Send to {0}", [d.will_receive]), () => confirm_and_send());
			dialog.get_primary_btn().prop("disabled", !d.will_receive || !(d.sender && d.sender.ready));
		};

		const confirm_and_send = () => {
			const v = values();
			if (!v.email_template && !(v.subject && v.body)) {
				frappe.msgprint(__("Choose an Email Template, or write a subject and a message."));
				return;
			}
			frappe.confirm(__("Send this email now? It goes out within business hours in each person's time zone."), () =>
				frappe.call({ method: API + "send_one_off", args: v, type: "POST", freeze: true }).then((r) => {
					const d = r.message;
					dialog.hide();
					frappe.msgprint({
						title: __("Email on its way"),
						indicator: "green",
						message: __("{0} email(s) queued, {1} skipped. Follow them on {2}.", [
							d.queued,
							d.skipped,
							`<a href="/app/rc-nurture-campaign/${encodeURIComponent(d.campaign)}">${esc(d.campaign_name)}</a>`,
						]),
					});
					on_sent && on_sent(d);
				})
			);
		};

		dialog.show();
		const insert = recruit_crm.merge_fields.inserter(dialog.fields_dict.subject, dialog.fields_dict.body);
		frappe.call(API + "merge_fields", { step_type: "Send Email" }).then((r) =>
			recruit_crm.merge_fields.render(dialog.fields_dict.merge_fields_html.$wrapper, r.message, insert)
		);
		frappe.call("recruit_crm.api.email_readiness.sending_accounts").then((r) => {
			accounts = r.message || [];
			const field = dialog.fields_dict.email_account;
			field.df.options = accounts.map((a) => ({
				value: a.account,
				label: a.account + (a.ready ? "" : ` (${__("not ready")})`),
			}));
			field.refresh();
			if (accounts.length) dialog.set_value("email_account", accounts[0].account);
			show_sender();
			refresh_preview();
		});
		["email_account", "source", "email_template", "subject", "body"].forEach((name) => {
			const field = dialog.fields_dict[name];
			field.df.onchange = () => {
				if (name === "email_account") show_sender();
				refresh_preview();
			};
		});
		return dialog;
	};
})();
