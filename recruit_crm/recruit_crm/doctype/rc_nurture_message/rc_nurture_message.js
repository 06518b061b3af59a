// A message whose fate is unknown after a crash: the operator decides, nothing is re-sent silently.
frappe.ui.form.on("RC Nurture Message", {
	refresh(frm) {
		if (frm.doc.status !== "Unknown") return;
		frm.dashboard.set_headline_alert(
			__("The sending worker stopped after claiming this email. Check the mail server log, then decide."),
			"orange"
		);
		const resolve = (outcome, confirm_text) =>
			frappe.confirm(confirm_text, () =>
				frappe.call({
					method: "recruit_crm.api.nurture_campaign.resolve_message",
					args: { message: frm.doc.name, outcome },
					freeze: true,
				}).then(() => frm.reload_doc())
			);
		frm.add_custom_button(__("It Was Sent"), () => resolve("Sent", __("Record this email as sent?")), __("Resolve"));
		frm.add_custom_button(__("Retry"), () => resolve("Retry", __("Send it again? If it did go out, the person gets it twice.")), __("Resolve"));
		frm.add_custom_button(__("Cancel"), () => resolve("Cancel", __("Give up on this email?")), __("Resolve"));
	},
});
