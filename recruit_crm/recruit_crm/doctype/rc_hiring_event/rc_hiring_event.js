// A hiring event: its public link and QR code, invitations, follow-up and the check-in page.
frappe.ui.form.on("RC Hiring Event", {
	refresh(frm) {
		const wrapper = frm.get_field("qr_html").$wrapper;
		if (frm.is_new()) {
			wrapper.empty();
			return;
		}
		frm.add_custom_button(__("Check-in"), () => frappe.set_route("rc-event-check-in", frm.doc.name));
		frm.add_custom_button(__("Send Invitations"), () => rc_event_action(frm, "invite",
			__("Enrol the members of {0} we may email into {1}?", [frm.doc.invite_pool || "?", frm.doc.invite_campaign || "?"]),
			(r) => __("{0} enrolled, {1} skipped (no consent, unsubscribed or already enrolled).", [r.enrolled, r.skipped])), __("Audience"));
		frm.add_custom_button(__("Follow Up"), () => rc_event_action(frm, "follow_up",
			__("Mark confirmed people who were not checked in as no-shows and enrol attendees and no-shows into their campaigns?"),
			(r) => __("{0} attendees ({1} enrolled), {2} no-shows ({3} enrolled).", [r.attendees, r.attendees_enrolled, r.no_shows, r.no_shows_enrolled])), __("Audience"));
		frappe.call("recruit_crm.api.hiring_drive.event_qr", { event: frm.doc.name }).then((r) => {
			const d = r.message || {};
			if (!d.svg) {
				wrapper.html(`<p class="text-muted">${__("Give the event a route to get its page and QR code.")}</p>`);
				return;
			}
			const e = frappe.utils.escape_html;
			const file = URL.createObjectURL(new Blob([d.svg], { type: "image/svg+xml" }));
			wrapper.html(`<div class="rc-event-qr">
				<p>${__("Public page")}: <a href="${e(d.url)}" target="_blank" rel="noopener">${e(d.url)}</a>${frm.doc.published ? "" : ` <span class="text-muted">(${__("not published yet")})</span>`}</p>
				<img src="${file}" alt="${e(__("QR code of the sign-up page"))}" width="220" height="220" style="image-rendering: pixelated">
				<p><a href="${file}" download="${e(frm.doc.route)}-qr.svg">${__("Download QR code (SVG)")}</a></p></div>`);
		});
	},
});

function rc_event_action(frm, method, question, describe) {
	frappe.confirm(question, () =>
		frappe.call({ method: `recruit_crm.api.hiring_drive.${method}`, args: { event: frm.doc.name }, freeze: true })
			.then((r) => { frappe.msgprint(describe(r.message)); frm.reload_doc(); })
	);
}
