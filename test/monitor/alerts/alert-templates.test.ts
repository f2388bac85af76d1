import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Alert, AlertKind } from "../../../src/monitor/alerts/alert.ts";
import { AlertTemplates } from "../../../src/monitor/alerts/alert-templates.ts";
import { buildWebhookRequest } from "../../../src/monitor/alerts/webhook-request.ts";
import { TemplateError } from "../../../src/shared/errors.ts";

const OPENED = Date.parse("2026-11-25T10:00:00.000Z");

function alert(kind: AlertKind, over: Partial<Alert> = {}): Alert {
  return {
    kind,
    service: "ollama",
    incidentId: "ollama-down-20261125T100000Z",
    incidentKind: kind === "resource" ? "resource" : kind === "performance" ? "performance" : kind === "requirement" ? "requirement" : "down",
    severity: "critical",
    summary: 'ollama is down: connection refused (said "no")',
    detail: "connection refused",
    at: OPENED + (kind === "resolved" ? 5 * 60_000 : 0),
    openedAt: OPENED,
    durationMs: kind === "resolved" ? 5 * 60_000 : null,
    requirements: ["FR-001", "FR-002"],
    ...over,
  };
}

const KINDS: AlertKind[] = ["service_down", "resource", "performance", "requirement", "reminder", "resolved"];
const templates = new AlertTemplates();

describe("templates/alerts", () => {
  it.each(KINDS.flatMap((kind) => (["json", "ntfy"] as const).map((format) => ({ kind, format }))))("renders a valid $format message for $kind", ({ kind, format }) => {
    const { file, text } = templates.render([alert(kind)], format);
    expect(file.endsWith(`${kind}.${format}.hbs`)).toBe(true);
    const req = buildWebhookRequest({ url: "http://127.0.0.1:1/x", format, headers: {} }, text, file);
    if (format === "json") expect(JSON.parse(req.body)).toMatchObject({ event: kind, service: "ollama", requirements: ["FR-001", "FR-002"] });
    else expect(req.headers.Title).toBeTruthy();
    expect({ headers: req.headers, body: req.body }).toMatchSnapshot();
  });

  it.each([
    { name: "a fall from Verified", kind: "requirement" as const, title: "FR-001 is no longer Verified" },
    { name: "its recovery", kind: "resolved" as const, title: "FR-001 is Verified again" },
  ])("names the requirement in $name, not its incident's service", ({ kind, title }) => {
    const a = alert(kind, { service: "requirement:FR-001", incidentKind: "requirement", requirements: ["FR-001"], summary: "FR-001 Multi-model inference is Failing: 🔴 router.success_rate >= 99% — 80% vs >= 99%" });
    const json = buildWebhookRequest({ url: "http://127.0.0.1:1/x", format: "json", headers: {} }, templates.render([a], "json").text, "x");
    expect(JSON.parse(json.body)).toMatchObject({ event: kind, title, service: "requirement:FR-001", incidentKind: "requirement", requirements: ["FR-001"] });
    const ntfy = buildWebhookRequest({ url: "http://127.0.0.1:1/x", format: "ntfy", headers: {} }, templates.render([a], "ntfy").text, "x");
    expect(ntfy.headers.Title).toBe(title);
    expect(ntfy.body).toContain("FR-001 Multi-model inference is Failing");
  });

  it("titles a grouped recovery that mixes services and requirements by its incidents", () => {
    const alerts = [alert("resolved"), alert("resolved", { service: "requirement:FR-001", incidentKind: "requirement", requirements: ["FR-001"] })];
    const req = buildWebhookRequest({ url: "http://127.0.0.1:1/x", format: "json", headers: {} }, templates.render(alerts, "json").text, "x");
    expect(JSON.parse(req.body)).toMatchObject({ event: "resolved", grouped: true, title: "2 incidents resolved" });
  });

  it.each(["json", "ntfy"] as const)("grouped.%s.hbs carries every alert of the group", (format) => {
    const alerts = ["a", "b", "c"].map((s) => alert("service_down", { service: s, incidentId: `${s}-down-20261125T100000Z`, summary: `${s} is down: refused` }));
    const { file, text } = templates.render(alerts, format);
    expect(file.endsWith(`grouped.${format}.hbs`)).toBe(true);
    const req = buildWebhookRequest({ url: "http://127.0.0.1:1/x", format, headers: {} }, text, file);
    expect({ headers: req.headers, body: req.body }).toMatchSnapshot();
  });
});

describe("buildWebhookRequest()", () => {
  const file = "templates/alerts/x.hbs";
  it.each([
    { name: "json: sends the document as application/json", format: "json" as const, text: '{"a":1}\n', headers: { "content-type": "application/json" }, body: '{"a":1}' },
    { name: "ntfy: turns leading header lines into headers", format: "ntfy" as const, text: "Title: hi\nPriority: 4\n\nbody line\n", headers: { Title: "hi", Priority: "4" }, body: "body line" },
    { name: "ntfy: leaves out a header with an empty value", format: "ntfy" as const, text: "Title: hi\nTags: \n\nbody\n", headers: { Title: "hi" }, body: "body" },
    { name: "ntfy: encodes a non-ASCII title as an RFC 2047 word", format: "ntfy" as const, text: "Title: GPU 🔥\n\nbody\n", headers: { Title: `=?UTF-8?B?${Buffer.from("GPU 🔥").toString("base64")}?=` }, body: "body" },
    { name: "ntfy: squeezes runs of blank lines in the body", format: "ntfy" as const, text: "Title: t\n\na\n\n\n\nb\n", headers: { Title: "t" }, body: "a\n\nb" },
  ])("$name", ({ format, text, headers, body }) => {
    const req = buildWebhookRequest({ url: "http://127.0.0.1:1/x", format, headers: {} }, text, file);
    expect(req.headers).toMatchObject(headers);
    expect(req.body).toBe(body);
  });

  it("lets the webhook's own headers win (an ntfy token)", () => {
    const req = buildWebhookRequest({ url: "http://127.0.0.1:1/x", format: "ntfy", headers: { Authorization: "Bearer tk" } }, "Title: t\n\nb", file);
    expect(req.headers.Authorization).toBe("Bearer tk");
  });

  it.each([
    { name: "json that does not parse", format: "json" as const, text: '{"a": }', message: /x\.hbs: does not render to JSON/ },
    { name: "an ntfy header line that is not Header: value", format: "ntfy" as const, text: "not a header\n\nbody", message: /x\.hbs:1: expected "Header: value" lines/ },
  ])("throws a TemplateError naming the file for $name", ({ format, text, message }) => {
    expect(() => buildWebhookRequest({ url: "http://127.0.0.1:1/x", format, headers: {} }, text, file)).toThrow(TemplateError);
    expect(() => buildWebhookRequest({ url: "http://127.0.0.1:1/x", format, headers: {} }, text, file)).toThrow(message);
  });
});

describe("AlertTemplates", () => {
  it("render() reports a template that uses an unknown field, naming the file and line", () => {
    const dir = mkdtempSync(join(tmpdir(), "alert-templates-"));
    try {
      writeFileSync(join(dir, "service_down.json.hbs"), '{\n  "x": {{json.nope}}\n}\n');
      const t = new AlertTemplates(dir);
      expect(() => t.render([alert("service_down")], "json")).toThrow(/service_down\.json\.hbs:2: .*nope/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
