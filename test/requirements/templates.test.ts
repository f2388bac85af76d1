import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadReferenceRequirements, requirementFromTemplate } from "../../src/requirements/catalog.ts";
import { renderRequirement } from "../../src/requirements/render-requirement.ts";
import { requirementPage, requirementSeed } from "../../src/requirements/sync-requirements.ts";
import { TemplateError } from "../../src/shared/errors.ts";

const SERVICES = ["mlx", "ollama", "lmstudio", "lfm2", "candle"];

describe("reference requirement templates", () => {
  const requirements = loadReferenceRequirements();

  it("define FR-001 … FR-005 in order", () => {
    expect(requirements.map((r) => r.id)).toEqual(["FR-001", "FR-002", "FR-003", "FR-004", "FR-005"]);
  });

  it("carry the criteria of the design's criteria language", () => {
    const byId = Object.fromEntries(requirements.map((r) => [r.id, r]));
    expect(byId["FR-001"]!.criteria).toContain("router.overhead.p95 < 2ms over 1h");
    expect(byId["FR-002"]!.criteria).toContain('model.loaded(mlx, "Llama-3.2-3B-Instruct-4bit")');
    expect(byId["FR-003"]!.criteria).toContain("pipeline.voice.rtf < 1 over 1h");
    expect(byId["FR-004"]!.criteria).toContain("pipeline.vision.success_rate >= 95% over 1h");
    expect(byId["FR-005"]!.criteria).toContain("alerts.delivered(service_down) over 7d");
  });

  it.each(["FR-001", "FR-002", "FR-003", "FR-004", "FR-005"])("%s renders its row and page as before", (id) => {
    const r = requirements.find((x) => x.id === id)!;
    expect({ seed: requirementSeed(r), page: requirementPage(r) }).toMatchSnapshot();
  });
});

describe("generic templates", () => {
  it.each(["ai-service", "service-health"])("%s renders a requirement for the given service", (template) => {
    const r = requirementFromTemplate({ template, id: "FR-006", title: "Ollama answers chats", service: "ollama" }, SERVICES);
    expect({ seed: requirementSeed(r), page: requirementPage(r) }).toMatchSnapshot();
  });

  it("keeps a title with YAML-special characters as typed", () => {
    const r = requirementFromTemplate({ template: "ai-service", id: "FR-010", title: 'Chat: "fast" # really', service: "mlx" }, SERVICES);
    expect(r.title).toBe('Chat: "fast" # really');
  });

  it.each([
    ["an unknown template", { template: "nope", id: "FR-006", title: "t", service: "mlx" }, "--template"],
    ["a malformed id", { template: "ai-service", id: "fr6", title: "t", service: "mlx" }, "--id"],
    ["an unknown service", { template: "ai-service", id: "FR-006", title: "t", service: "gpt" }, "--service"],
    ["an empty title", { template: "ai-service", id: "FR-006", title: " ", service: "mlx" }, "--title"],
  ])("refuses %s, naming the argument", (_n, input, flag) => {
    expect(() => requirementFromTemplate(input, SERVICES)).toThrow(flag);
  });
});

describe("renderRequirement() errors", () => {
  const file = "templates/requirements/broken.md.hbs";

  it("names the file and line of a Handlebars syntax error", () => {
    const source = "---\nid: FR-009\ntitle: T\n---\n# {{id}}\n\nText {{#if x}}never closed\n";
    expect(() => renderRequirement(source, file, {})).toThrow(TemplateError);
    try {
      renderRequirement(source, file, {});
    } catch (err) {
      expect((err as TemplateError).message).toMatch(/^templates\/requirements\/broken\.md\.hbs:\d+: /);
      expect((err as TemplateError).line).toBeGreaterThanOrEqual(7);
    }
  });

  it("names the line of a variable the template uses but nobody gave", () => {
    expect(() => renderRequirement("---\nid: FR-009\ntitle: T\n---\n# {{id}}\n\n{{owner_email}}\n", file, {})).toThrow(/broken\.md\.hbs:7: .*owner_email/);
  });

  it("names the line of invalid front matter", () => {
    expect(() => renderRequirement("---\nid: FR-009\ntitle: T\npriority: urgent\n---\nbody\n", file, {})).toThrow(/broken\.md\.hbs:4: front matter priority/);
  });

  it("refuses a template without front matter", () => {
    expect(() => renderRequirement("# just text\n", file, {})).toThrow(/broken\.md\.hbs:1: .*front matter/);
  });

  it("stops loading the catalog at a broken template, naming it", () => {
    const dir = mkdtempSync(join(tmpdir(), "tpl-"));
    writeFileSync(join(dir, "fr-001.md.hbs"), "---\nid: FR-001\ntitle: ok\n---\nbody\n");
    writeFileSync(join(dir, "fr-002.md.hbs"), "---\nid: FR-002\ntitle: ok\n---\n{{#each}}\n");
    expect(() => loadReferenceRequirements(dir)).toThrow(/fr-002\.md\.hbs:\d+/);
  });
});
