// Pipeline board of a Job Opening: a column per Workflow state, a card per application.
// Dragging a card is a Workflow transition (the server checks the caller's roles); the board
// only offers drops the caller may make.

frappe.pages["rc-pipeline-board"].on_page_load = function (wrapper) {
	const page = frappe.ui.make_app_page({
		parent: wrapper,
		title: __("Pipeline Board"),
		single_column: true,
	});
	wrapper.rc_board = new RCPipelineBoard(page, wrapper);
};

frappe.pages["rc-pipeline-board"].on_page_show = function (wrapper) {
	const opening = frappe.route_options && frappe.route_options.job_opening;
	if (opening) {
		frappe.route_options = null;
		wrapper.rc_board.opening_field.set_value(opening);
	}
};

const SLA_CLASS = { "On Track": "green", "Past Ideal": "orange", "Past Max": "red" };

class RCPipelineBoard {
	constructor(page, wrapper) {
		this.page = page;
		this.wrapper = wrapper;
		this.opening_field = page.add_field({
			fieldname: "job_opening",
			label: __("Job Opening"),
			fieldtype: "Link",
			options: "Job Opening",
			change: () => this.load(),
		});
		page.set_secondary_action(__("Refresh"), () => this.load());
		this.$body = $('<div class="rc-board-body"></div>').appendTo(page.main);
		this.$body.html(`<p class="text-muted rc-board-hint">${__("Choose a Job Opening.")}</p>`);
	}

	load() {
		const opening = this.opening_field.get_value();
		if (!opening) return;
		frappe
			.call("recruit_crm.api.pipeline.board", { job_opening: opening })
			.then((r) => this.render(r.message));
	}

	render(data) {
		this.data = data;
		this.page.set_title(__("Pipeline: {0}", [data.title]));
		const columns = data.states.map((s) => this.column(s, data.cards.filter((c) => c.state === s.name)));
		this.$body.html(`<div class="rc-board" role="list">${columns.join("")}</div>`);
		if (data.truncated) {
			this.$body.prepend(`<p class="text-muted">${__("Showing the first 5,000 applications.")}</p>`);
		}
		this.bind_drag();
	}

	column(state, cards) {
		const e = frappe.utils.escape_html;
		return `<section class="rc-board-column" data-state="${e(state.name)}" aria-label="${e(state.name)}">
			<header class="rc-board-column-head">
				<span class="indicator-pill ${state.closed ? "gray" : "blue"}">${e(state.name)}</span>
				<span class="rc-board-count text-muted">${cards.length}</span>
			</header>
			<div class="rc-board-cards">${cards.map((c) => this.card(c)).join("")}</div>
		</section>`;
	}

	card(c) {
		const e = frappe.utils.escape_html;
		const sla = c.sla
			? `<span class="indicator-pill ${SLA_CLASS[c.sla] || "gray"}" title="${e(__(c.sla))}">${__("{0} d", [c.days])}</span>`
			: `<span class="text-muted">${__("{0} d", [c.days])}</span>`;
		const interview = c.next_interview
			? `<div class="text-muted small">${__("Interview {0}", [frappe.datetime.str_to_user(c.next_interview)])}</div>`
			: "";
		return `<article class="rc-board-card" draggable="true" tabindex="0" data-name="${e(c.name)}" data-state="${e(c.state)}">
			<a class="rc-board-card-title" href="/app/job-applicant/${encodeURIComponent(c.name)}">${e(c.applicant_name || c.name)}</a>
			<div class="rc-board-card-meta">${sla}
				<span class="text-muted small" title="${e(__("Engagement today"))}">${__("Engagement {0}", [c.engagement])}</span>
			</div>${interview}
		</article>`;
	}

	moves_from(state) {
		const s = this.data.states.find((x) => x.name === state);
		return s ? s.moves : [];
	}

	bind_drag() {
		const me = this;
		this.$body.find(".rc-board-card").on("dragstart", function (ev) {
			me.dragging = { name: this.dataset.name, from: this.dataset.state };
			ev.originalEvent.dataTransfer.setData("text/plain", this.dataset.name);
			const allowed = me.moves_from(this.dataset.state);
			me.$body.find(".rc-board-column").each(function () {
				$(this).toggleClass("rc-drop-ok", allowed.includes(this.dataset.state));
			});
		});
		this.$body.find(".rc-board-card").on("dragend", () => {
			me.$body.find(".rc-board-column").removeClass("rc-drop-ok rc-drop-over");
		});
		const columns = this.$body.find(".rc-board-column");
		columns.on("dragover", function (ev) {
			if ($(this).hasClass("rc-drop-ok")) {
				ev.preventDefault();
				$(this).addClass("rc-drop-over");
			}
		});
		columns.on("dragleave", function () {
			$(this).removeClass("rc-drop-over");
		});
		columns.on("drop", function (ev) {
			ev.preventDefault();
			const target = this.dataset.state;
			const drag = me.dragging;
			me.dragging = null;
			if (!drag || drag.from === target) return;
			me.move(drag.name, target);
		});
	}

	move(name, state) {
		frappe
			.call({
				method: "recruit_crm.api.pipeline.move",
				args: { job_applicant: name, state },
				freeze: true,
			})
			.then(() => {
				frappe.show_alert({ message: __("Moved to {0}", [state]), indicator: "green" });
				this.load();
			})
			.catch(() => this.load());
	}
}

frappe.dom.set_style(`
.rc-board { display: flex; gap: 12px; overflow-x: auto; padding-bottom: 12px; align-items: flex-start; }
.rc-board-column { flex: 1 0 170px; background: var(--subtle-fg); border-radius: 8px; padding: 8px; min-height: 120px; }
.rc-board-column.rc-drop-ok { outline: 2px dashed var(--primary); }
.rc-board-column.rc-drop-over { background: var(--bg-blue); }
.rc-board-column-head { display: flex; justify-content: space-between; align-items: center; margin-bottom: 8px; }
.rc-board-card { background: var(--card-bg); border: 1px solid var(--border-color); border-radius: 6px; padding: 8px; margin-bottom: 6px; cursor: grab; }
.rc-board-card:focus { outline: 2px solid var(--primary); }
.rc-board-card-title { font-weight: 600; display: block; margin-bottom: 4px; }
.rc-board-card-meta { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
`);
