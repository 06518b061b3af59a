// Event check-in at the venue, made for a phone: pick the event, type a few letters of a name or
// email, tap "Check in". Each check-in records an Event Attended touchpoint on the server; a
// second tap records nothing twice.

frappe.pages["rc-event-check-in"].on_page_load = function (wrapper) {
	const page = frappe.ui.make_app_page({ parent: wrapper, title: __("Event Check-in"), single_column: true });
	wrapper.rc_check_in = new RCEventCheckIn(page);
};

frappe.pages["rc-event-check-in"].on_page_show = function (wrapper) {
	const event = frappe.get_route()[1];
	wrapper.rc_check_in.load_events(event ? decodeURIComponent(event) : null);
};

class RCEventCheckIn {
	constructor(page) {
		this.page = page;
		const e = frappe.utils.escape_html;
		this.$root = $(`<div class="rc-check-in" style="max-width: 640px">
			<div class="form-group">
				<label class="control-label" for="rc-check-in-event">${e(__("Event"))}</label>
				<select class="form-control" id="rc-check-in-event"></select>
			</div>
			<div class="form-group">
				<label class="control-label" for="rc-check-in-search">${e(__("Name or email"))}</label>
				<input class="form-control" id="rc-check-in-search" type="search" autocomplete="off" inputmode="search">
			</div>
			<p class="rc-check-in-status" role="status" aria-live="polite" style="color: #1b1f24"></p>
			<ul class="rc-check-in-list list-unstyled"></ul>
		</div>`).appendTo(page.main);
		this.$event = this.$root.find("#rc-check-in-event").on("change", () => this.search());
		this.$search = this.$root.find("#rc-check-in-search").on("input", frappe.utils.debounce(() => this.search(), 250));
		this.$status = this.$root.find(".rc-check-in-status");
		this.$list = this.$root.find(".rc-check-in-list").on("click", "button[data-registration]", (ev) =>
			this.check_in($(ev.currentTarget))
		);
	}

	load_events(selected) {
		frappe.xcall("recruit_crm.api.hiring_drive.check_in_events").then((events) => {
			const e = frappe.utils.escape_html;
			if (selected && !events.some((ev) => ev.name === selected)) events.unshift({ name: selected, title: selected });
			this.$event.html(events.map((ev) => `<option value="${e(ev.name)}">${e(ev.title)}</option>`).join(""));
			if (selected) this.$event.val(selected);
			this.search();
		});
	}

	search(message) {
		const event = this.$event.val();
		if (!event) {
			this.$status.text(__("No events in the coming week."));
			this.$list.empty();
			return;
		}
		frappe
			.xcall("recruit_crm.api.hiring_drive.search_registrations", { event, query: this.$search.val() })
			.then((rows) => this.render(rows, message));
	}

	render(rows, message) {
		const e = frappe.utils.escape_html;
		this.$status.text(message || (rows.length ? "" : __("Nobody found.")));
		this.$list.html(rows.map((r) => {
			const done = r.status === "Attended";
			return `<li class="rc-check-in-row" style="display: flex; align-items: center; gap: 12px; padding: 12px 0; border-bottom: 1px solid #d0d7de">
				<div style="flex: 1; min-width: 0; overflow-wrap: anywhere">
					<div class="rc-check-in-name" style="font-weight: 600; color: #1b1f24">${e(r.full_name)}</div>
					<div style="color: #424a53">${e(r.email)} · ${e(__(r.status))}</div>
				</div>
				<button type="button" class="btn ${done ? "btn-default" : "btn-primary"}" style="min-height: 44px; min-width: 110px"
					data-registration="${e(r.name)}" ${done ? "disabled" : ""}
					aria-label="${e(done ? __("{0} is checked in", [r.full_name]) : __("Check in {0}", [r.full_name]))}">
					${e(done ? __("Checked in") : __("Check in"))}</button>
			</li>`;
		}).join(""));
	}

	check_in($button) {
		$button.prop("disabled", true);
		frappe
			.xcall("recruit_crm.api.hiring_drive.check_in", { registration: $button.attr("data-registration") })
			.then((row) => {
				this.search(__("{0} is checked in.", [row.full_name]));
			})
			.catch(() => $button.prop("disabled", false));
	}
}
