// Copyright (c) 2026, recruit_crm contributors
// License: GNU General Public License v3. See license.txt

// Email tab: whether the Default Sender can send campaign email, what went wrong last, and a test
// send of the real branded layout to yourself (which is what makes an account ready to launch).
const RC_READINESS_API = "recruit_crm.api.email_readiness.";

frappe.ui.form.on("RC Settings", {
	refresh(frm) {
		render_sender_status(frm);
	},

	default_email_account(frm) {
		render_sender_status(frm);
	},
});

function render_sender_status(frm) {
	const field = frm.get_field("sender_status_html");
	if (!field) return;
	const $w = field.$wrapper;
	if (!frappe.user.has_role(["HR Manager", "HR User", "System Manager"])) {
		$w.empty();
		return;
	}
	$w.html(`<p class="text-muted">${__("Checking the sender...")}</p>`);
	frappe
		.call(RC_READINESS_API + "sender_status", { email_account: frm.doc.default_email_account || null })
		.then((r) => draw_sender_status(frm, $w, r.message));
}

function draw_sender_status(frm, $w, s) {
	const esc = frappe.utils.escape_html;
	const when = (value) => (value ? frappe.datetime.str_to_user(value) : "");
	const row = (label, value, cls = "") => `<tr class="${cls}"><th style="width:40%;font-weight:normal" class="text-muted">${label}</th><td>${value}</td></tr>`;
	const fallback =
		s.account && s.account !== frm.doc.default_email_account
			? `<p class="small text-muted">${__("No Default Sender chosen: showing Frappe's default outgoing account.")}</p>`
			: "";
	const verdict = s.ready
		? `<div class="indicator-pill green rc-sender-verdict">${__("Ready to send campaign email")}</div>`
		: `<div class="indicator-pill orange rc-sender-verdict">${__("Cannot send campaign email yet")}</div>
			<p class="small mt-2 rc-sender-problem">${esc(s.problem || "")}</p>`;
	let rows = "";
	if (s.exists) {
		rows += row(__("Account"), `<a href="/app/email-account/${encodeURIComponent(s.account)}">${esc(s.account)}</a> <span class="text-muted">${esc(s.email_id || "")}</span>`);
		rows += row(__("Outgoing mail"), s.enabled ? __("On") : `<span class="text-danger">${__("Off")}</span>`, "rc-sender-enabled");
		rows += row(
			__("Last successful test"),
			s.last_test_ok_at ? esc(when(s.last_test_ok_at)) : `<span class="text-danger">${__("Never")}</span>`,
			"rc-sender-tested"
		);
		if (s.last_error) {
			rows += row(__("Last test error"), `${esc(s.last_error)} <div class="small text-muted">${esc(when(s.last_error_at))}</div>`, "rc-sender-error");
		}
		if (s.ledger_error) {
			const m = s.ledger_error;
			rows += row(
				__("Last campaign email not delivered"),
				`<a href="/app/rc-nurture-message/${encodeURIComponent(m.name)}">${esc(__(m.status))}</a>: ${esc(m.error || "")}
				<div class="small text-muted">${esc(when(m.at))}</div>`,
				"rc-sender-ledger-error"
			);
		}
		if (s.queue_error) {
			const q = s.queue_error;
			rows += row(
				__("Last Email Queue error"),
				`<a href="/app/email-queue/${encodeURIComponent(q.name)}">${esc(q.name)}</a>: ${esc(q.error || "")}
				<div class="small text-muted">${esc(when(q.at))}</div>`,
				"rc-sender-queue-error"
			);
		}
	}
	const can_test = s.exists && frm.has_perm("write");
	$w.html(`<div class="rc-sender-status">
		${fallback}${verdict}
		${rows ? `<table class="table table-sm table-borderless small mt-2 mb-2">${rows}</table>` : ""}
		${can_test ? `<button class="btn btn-default btn-sm rc-send-test">${__("Send Test Email")}</button>
			<span class="small text-muted ml-2">${__("Sends the branded campaign layout to you ({0}) through this account.", [esc(frappe.session.user_email || frappe.session.user)])}</span>` : ""}
	</div>`);
	$w.find(".rc-send-test").on("click", () =>
		frappe
			.call({ method: RC_READINESS_API + "send_test_email", args: { email_account: s.account }, freeze: true, freeze_message: __("Sending...") })
			.then((r) => {
				const d = r.message;
				if (d.ok) {
					frappe.show_alert({ message: __("Test email sent to {0}", [d.to]), indicator: "green" });
				} else {
					frappe.msgprint({ title: __("The test email could not be sent"), indicator: "red", message: esc(d.error || "") });
				}
				render_sender_status(frm);
			})
	);
}
