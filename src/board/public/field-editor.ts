import { h, replaceChildren } from "./dom.ts";

export type FieldKind = "line" | "text" | "code" | "select";

export interface FieldSlotOptions {
  /** The requirement's id, for labels ("Owner of FR-001"). */
  owner: string;
  field: string;
  kind: FieldKind;
  /** Choices of a select field. */
  options?: readonly string[];
  /** Absent when the board is read-only. */
  save?: (value: string) => void;
}

let nextId = 0;

/**
 * One team-owned field on a card: its value, and (when editable) an Edit button that swaps in a labelled input.
 * Escape cancels, Ctrl/Cmd-Enter saves (Enter too in one-line fields); focus goes back to the Edit button.
 * Updates that arrive while someone edits leave the input alone and say what changed.
 */
export class FieldSlot {
  readonly root: HTMLElement;
  private readonly options: FieldSlotOptions;
  private readonly valueEl: HTMLElement;
  private readonly editButton: HTMLButtonElement | undefined;
  private value = "";
  private editing: { form: HTMLFormElement; input: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement; base: string; note: HTMLElement } | null = null;

  constructor(options: FieldSlotOptions) {
    this.options = options;
    const labelId = `field-${nextId++}`;
    this.valueEl = h("div", { class: `field-value kind-${options.kind}`, "aria-labelledby": labelId });
    this.editButton = options.save
      ? h("button", { type: "button", class: "edit", "aria-label": `Edit ${options.field} of ${options.owner}`, onclick: () => this.startEdit() }, "Edit")
      : undefined;
    this.root = h(
      "div",
      { class: `field field-${options.field.toLowerCase()}`, "data-field": options.field },
      h("div", { class: "field-head" }, h("span", { class: "field-name", id: labelId }, options.field), this.editButton),
      this.valueEl,
    );
  }

  get isEditing(): boolean {
    return this.editing !== null;
  }

  update(value: string): void {
    this.value = value;
    if (this.editing) {
      const changed = value !== this.editing.base;
      this.editing.note.hidden = !changed;
      if (changed) replaceChildren(this.editing.note, `Changed by someone else meanwhile; it now reads: “${value}”. Saving replaces it.`);
      return;
    }
    this.renderValue();
  }

  private renderValue(): void {
    if (this.value === "") replaceChildren(this.valueEl, h("span", { class: "empty" }, "—"));
    else replaceChildren(this.valueEl, this.value);
  }

  startEdit(): void {
    if (this.editing || !this.options.save) return;
    const { field, owner, kind } = this.options;
    const inputId = `edit-${nextId++}`;
    const hintId = `${inputId}-hint`;
    let input: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;
    if (kind === "select") {
      const choices = [...(this.options.options ?? [])];
      if (this.value && !choices.includes(this.value)) choices.unshift(this.value);
      input = h("select", { id: inputId, "aria-describedby": hintId }, ...choices.map((o) => h("option", { value: o }, o)));
      input.value = this.value;
    } else if (kind === "line") {
      input = h("input", { id: inputId, type: "text", autocomplete: "off", spellcheck: "false", "aria-describedby": hintId });
      input.value = this.value;
    } else {
      input = h("textarea", { id: inputId, rows: kind === "code" ? Math.min(10, Math.max(3, this.value.split("\n").length + 1)) : 5, spellcheck: kind === "text" ? "true" : "false", "aria-describedby": hintId });
      input.value = this.value;
    }
    const note = h("p", { class: "edit-note", role: "status" });
    note.hidden = true;
    const form = h(
      "form",
      { class: "editor", novalidate: true },
      h("label", { for: inputId }, `${field} of ${owner}`),
      input,
      note,
      h(
        "div",
        { class: "editor-actions" },
        h("button", { type: "submit", class: "save" }, "Save"),
        h("button", { type: "button", class: "cancel", onclick: () => this.endEdit() }, "Cancel"),
        h("span", { class: "hint", id: hintId }, kind === "line" || kind === "select" ? "Enter saves · Esc cancels" : "Ctrl+Enter saves · Esc cancels"),
      ),
    );
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.commit();
    });
    form.addEventListener("keydown", (e) => {
      if (e.key === "Escape") {
        e.preventDefault();
        e.stopPropagation();
        this.endEdit();
      } else if (e.key === "Enter" && (e.ctrlKey || e.metaKey || e.target instanceof HTMLSelectElement)) {
        // A select does not submit its form on Enter by itself.
        e.preventDefault();
        this.commit();
      }
    });
    this.editing = { form, input, base: this.value, note };
    this.valueEl.replaceWith(form);
    if (this.editButton) this.editButton.hidden = true;
    input.focus();
    if (input instanceof HTMLTextAreaElement || input instanceof HTMLInputElement) input.setSelectionRange(input.value.length, input.value.length);
  }

  private commit(): void {
    if (!this.editing || !this.options.save) return;
    const raw = this.editing.input.value;
    const next = this.options.kind === "line" ? raw.trim() : raw.replace(/\r\n?/g, "\n").replace(/[ \t]+$/gm, "").replace(/\n+$/, "");
    if (next !== this.value || next !== this.editing.base) {
      this.options.save(next);
      this.value = next;
    }
    this.endEdit();
  }

  private endEdit(): void {
    if (!this.editing) return;
    this.editing.form.replaceWith(this.valueEl);
    this.editing = null;
    this.renderValue();
    if (this.editButton) {
      this.editButton.hidden = false;
      this.editButton.focus();
    }
  }
}
