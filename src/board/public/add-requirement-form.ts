import { ApiError, postJson } from "./api.ts";
import type { BoardConfig } from "./board-types.ts";
import { byId, h, replaceChildren } from "./dom.ts";

const FIELD_INPUT: Record<string, string> = { id: "add-id", title: "add-title", template: "add-template", service: "add-service" };

/**
 * "Add a requirement from a template": a disclosure button and a small form posting to /board/api/requirements.
 * The new card then arrives like any other change; a refused field is marked and focused.
 */
export function setupAddForm(config: BoardConfig): void {
  const open = byId<HTMLButtonElement>("add-open");
  const form = byId<HTMLFormElement>("add-form");
  const message = byId("add-message");
  if (config.templates.length === 0) return;
  open.hidden = false;
  replaceChildren(byId("add-template"), ...config.templates.map((t) => h("option", { value: t }, t)));
  replaceChildren(byId("add-service"), ...config.services.map((s) => h("option", { value: s }, s)));

  const show = (visible: boolean): void => {
    form.hidden = !visible;
    open.setAttribute("aria-expanded", String(visible));
    if (visible) byId("add-id").focus();
    else open.focus();
  };
  const clearInvalid = (): void => {
    for (const id of Object.values(FIELD_INPUT)) byId(id).removeAttribute("aria-invalid");
  };
  open.addEventListener("click", () => show(form.hidden));
  byId("add-cancel").addEventListener("click", () => show(false));
  form.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      e.preventDefault();
      show(false);
    }
  });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearInvalid();
    const value = (id: string) => (byId(id) as HTMLInputElement | HTMLSelectElement).value;
    const input = { id: value("add-id").trim(), title: value("add-title").trim(), template: value("add-template"), service: value("add-service") };
    const submit = byId<HTMLButtonElement>("add-submit");
    submit.disabled = true;
    message.className = "form-message";
    replaceChildren(message, `Adding ${input.id}…`);
    try {
      await postJson("/board/api/requirements", input);
      replaceChildren(message, `${input.id} added; its card appears as soon as the workspace has it.`);
      form.reset();
      show(false);
    } catch (err) {
      message.className = "form-message error";
      replaceChildren(message, err instanceof Error ? err.message : String(err));
      const field = err instanceof ApiError && err.field ? FIELD_INPUT[err.field] : undefined;
      if (field) {
        byId(field).setAttribute("aria-invalid", "true");
        byId(field).focus();
      }
    } finally {
      submit.disabled = false;
    }
  });
}
