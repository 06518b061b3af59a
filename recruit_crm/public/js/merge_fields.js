// Merge fields for writing campaign email: a list of what templates can use, an example of each,
// and an "Insert" that puts the field where the writer's cursor was (the subject or the message).
// Used by a campaign's email steps and by the one-off email dialog of the candidate list.
frappe.provide("recruit_crm.merge_fields");

(function () {
	// Draw the list into $wrapper; `on_insert(tag)` puts a field's tag where it belongs.
	recruit_crm.merge_fields.render = function ($wrapper, fields, on_insert) {
		const esc = frappe.utils.escape_html;
		$wrapper.html(`
			<div class="rc-merge-fields">
				<div class="small text-muted mb-1">${__("Merge fields: filled in for each person when the email is sent.")}</div>
				<table class="table table-sm table-borderless small mb-0">
					<tbody>${fields
						.map(
							(f, i) => `<tr>
								<td style="white-space:nowrap"><code>${esc(f.tag)}</code><div class="text-muted">${esc(__(f.label))}</div></td>
								<td class="text-muted">${__("e.g.")} ${esc(f.example || "")}</td>
								<td class="text-right"><button type="button" class="btn btn-xs btn-default rc-insert-field" data-index="${i}">${__("Insert")}</button></td>
							</tr>`
						)
						.join("")}</tbody>
				</table>
			</div>`);
		$wrapper.find(".rc-insert-field").on("click", (e) => {
			e.preventDefault();
			on_insert(fields[cint($(e.currentTarget).attr("data-index"))].tag);
		});
	};

	// An inserter for a Data control (the subject) and a Text Editor control (the message): the
	// field goes where the cursor last was in either, and at the end of the message otherwise.
	recruit_crm.merge_fields.inserter = function (subject_control, body_control) {
		const state = { target: "body", range: null };
		if (subject_control && subject_control.$input) {
			subject_control.$input.on("focus keyup click", () => (state.target = "subject"));
		}
		const quill = body_control && body_control.quill;
		if (quill) {
			quill.on("selection-change", (range) => {
				if (range) {
					state.target = "body";
					state.range = range;
				}
			});
			quill.on("text-change", () => (state.range = quill.getSelection() || state.range));
		}
		return function insert(tag) {
			if (state.target === "subject" && subject_control && subject_control.$input) {
				const input = subject_control.$input.get(0);
				const value = input.value || "";
				const at = input.selectionStart ?? value.length;
				const end = input.selectionEnd ?? at;
				const next = value.slice(0, at) + tag + value.slice(end);
				subject_control.set_value(next);
				setTimeout(() => {
					input.focus();
					input.setSelectionRange(at + tag.length, at + tag.length);
				}, 0);
				return;
			}
			if (!quill) return;
			const index = state.range ? state.range.index : Math.max(quill.getLength() - 1, 0);
			quill.insertText(index, tag, "user");
			quill.setSelection(index + tag.length, 0, "user");
		};
	};
})();
