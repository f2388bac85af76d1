import { existsSync, mkdirSync } from "node:fs";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/shared/logger.ts";
import { API_KEY, SEEDED, startBoardFixture, type BoardFixture } from "./board-fixture.ts";

const CHROMIUM = "/usr/bin/chromium";
const SCREENSHOTS = "test-results/screenshots";
const POLL = { timeout: 15_000, interval: 50 };

const card = (key: string) => `article.card[data-key="${key}"]`;

// Generous: a real browser on a loaded 2-core machine; nothing here asserts on speed.
describe("the board in Chromium", { timeout: 90_000 }, () => {
  let browser: Browser;
  let fx: BoardFixture;
  const contexts: BrowserContext[] = [];
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  const cspViolations: string[] = [];

  // Set up once, on the first test; a missing browser fails every test with the message, none is skipped.
  let setup: Promise<void> | undefined;
  beforeEach(async () => {
    setup ??= (async () => {
      if (!existsSync(CHROMIUM)) {
        throw new Error(`Chromium is missing at ${CHROMIUM}: the board's end-to-end tests need it. Install it with: apt-get update && apt-get install -y chromium`);
      }
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
      });
      fx = await startBoardFixture(silentLogger());
    })();
    await setup;
  }, 60_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await fx?.close();
  });

  /** A page in its own browser context (its own session storage), watched for dialogs and script errors. */
  async function open(url: string, viewport = { width: 1366, height: 768 }): Promise<Page> {
    const context = await browser.newContext({ viewport });
    contexts.push(context);
    // Below the test's own timeout, so a step that cannot find its element says which one.
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on("pageerror", (e) => pageErrors.push(e.message));
    page.on("console", (m) => {
      if (/Content.Security.Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    await page.goto(url);
    await page.waitForSelector("body[data-ready=true]", { timeout: 15_000 });
    return page;
  }

  const text = (page: Page, selector: string) => page.locator(selector).first().textContent({ timeout: 5_000 });
  const fieldValue = (page: Page, key: string, field: string) => text(page, `${card(key)} [data-field="${field}"] .field-value`);
  const cellOf = async (key: string, field: string) => (await fx.workspace.readRows("Requirements")).find((r) => r.key === key)?.cells[field];

  it("shows FR-001 … FR-005 with their statuses, and prints the time to first paint", async () => {
    const started = Date.now();
    const page = await open(`${fx.live.url}/`);
    const timing = await page.evaluate(() => ({
      firstContentfulPaint: performance.getEntriesByName("first-contentful-paint")[0]?.startTime,
      cardsOnPage: performance.getEntriesByName("board:first-data")[0]?.startTime,
    }));
    console.log(`board first paint (cold, bundle built on this request): first-contentful-paint ${Math.round(timing.firstContentfulPaint ?? -1)} ms, cards on the page ${Math.round(timing.cardsOnPage ?? -1)} ms (wall ${Date.now() - started} ms)`);
    for (const r of SEEDED) {
      expect(await text(page, `${card(r.id)} .card-head .status`)).toBe(r.status);
      expect(await text(page, `${card(r.id)} .card-title`)).toBe(r.title);
    }
    expect(await page.locator(`${card("FR-002")} .ev.fail .ev-measured`).textContent()).toBe("7.2s vs < 5s");
    expect(await page.locator(`${card("FR-001")} .ev.pass`).count()).toBe(2);
    expect(await text(page, "#connection")).toBe("Live");

    const warm = await open(`${fx.live.url}/`);
    const warmTiming = await warm.evaluate(() => performance.getEntriesByName("board:first-data")[0]?.startTime);
    console.log(`board first paint (warm): cards on the page ${Math.round(warmTiming ?? -1)} ms`);
  });

  it("shows services with their state and latency, and plots of the last 24 h", async () => {
    const page = await open(`${fx.live.url}/`);
    await expect.poll(() => page.locator(`[data-service="candle"] svg.avail rect`).count(), POLL).toBe(96);
    expect(await text(page, `[data-service="candle"] .svc-head .status`)).toBe("down");
    expect(await text(page, `[data-service="mlx"] .svc-latency`)).toBe("38 ms");
    expect(await page.locator(`[data-service="candle"] svg.avail rect.band-bad`).count()).toBeGreaterThan(20);
    expect(await page.locator(`[data-service="mlx"] svg.latency path.p95`).getAttribute("d")).toMatch(/^M/);
    expect(await text(page, `[data-incident="INC-0007"] .status`)).toBe("open");
    // The newest report is open, its table rendered as a table; the older one stays folded.
    await expect.poll(() => page.locator(`details.report[open]`).getAttribute("data-page"), POLL).toBe("incident-report-today");
    expect(await page.locator(`details.report[data-page="incident-report-today"] table tr`).count()).toBe(3);
  });

  it("an edit of Criteria on one page reaches a second page and the workspace", async () => {
    const a = await open(`${fx.live.url}/`);
    const b = await open(`${fx.live.url}/`);
    const criteria = "model.loaded(mlx, \"Llama-3.2-3B-Instruct-4bit\")\nmodel.load_time(mlx) < 4s";
    // Keyboard only: focus the Edit button, open with Enter, replace the text, save with Ctrl+Enter.
    await a.locator(`${card("FR-002")} button[aria-label="Edit Criteria of FR-002"]`).focus();
    await a.keyboard.press("Enter");
    const input = a.getByLabel("Criteria of FR-002", { exact: true });
    await expect.poll(() => input.evaluate((el) => el === document.activeElement), POLL).toBe(true);
    await a.keyboard.press("Control+A");
    await a.keyboard.type(criteria);
    await a.keyboard.press("Control+Enter");
    expect(await a.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Edit Criteria of FR-002");
    await expect.poll(() => fieldValue(b, "FR-002", "Criteria"), POLL).toBe(criteria);
    await expect.poll(() => cellOf("FR-002", "Criteria"), POLL).toBe(criteria);
  });

  it("Escape cancels an edit and leaves the value as it was", async () => {
    const page = await open(`${fx.live.url}/`);
    await page.locator(`${card("FR-001")} button[aria-label="Edit Owner of FR-001"]`).click();
    await page.getByLabel("Owner of FR-001", { exact: true }).fill("someone else");
    await page.keyboard.press("Escape");
    expect(await fieldValue(page, "FR-001", "Owner")).toBe("platform-team");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Edit Owner of FR-001");
    expect(await cellOf("FR-001", "Owner")).toBe("platform-team");
  });

  it("an open editor survives a change from elsewhere and says what changed", async () => {
    const a = await open(`${fx.live.url}/`);
    const b = await open(`${fx.live.url}/`);
    await a.locator(`${card("FR-001")} button[aria-label="Edit Description of FR-001"]`).click();
    const input = a.getByLabel("Description of FR-001", { exact: true });
    await input.fill("my draft");
    await b.locator(`${card("FR-001")} button[aria-label="Edit Description of FR-001"]`).click();
    await b.getByLabel("Description of FR-001", { exact: true }).fill("written on the other page");
    await b.keyboard.press("Control+Enter");
    await expect.poll(() => text(a, `${card("FR-001")} .edit-note`), POLL).toContain("written on the other page");
    expect(await input.inputValue()).toBe("my draft");
    expect(await input.evaluate((el) => el === document.activeElement)).toBe(true);
    await a.keyboard.press("Escape");
    expect(await fieldValue(a, "FR-001", "Description")).toBe("written on the other page");
  });

  it("Priority is chosen from its options with the keyboard", async () => {
    const a = await open(`${fx.live.url}/`);
    const b = await open(`${fx.live.url}/`);
    await a.locator(`${card("FR-002")} button[aria-label="Edit Priority of FR-002"]`).focus();
    await a.keyboard.press("Enter");
    const select = a.getByLabel("Priority of FR-002", { exact: true });
    expect(await select.evaluate((el) => Array.from((el as HTMLSelectElement).options, (o) => o.value))).toEqual(["P0", "P1", "P2", "P3"]);
    await select.selectOption("P0");
    await a.keyboard.press("Enter");
    await expect.poll(() => fieldValue(b, "FR-002", "Priority"), POLL).toBe("P0");
    await expect.poll(() => cellOf("FR-002", "Priority"), POLL).toBe("P0");
  });

  it("text typed into Owner is shown as text, on this page and another, and never runs", async () => {
    const a = await open(`${fx.live.url}/`);
    const b = await open(`${fx.live.url}/`);
    const evil = "<img src=x onerror=alert(1)>";
    await a.locator(`${card("FR-003")} button[aria-label="Edit Owner of FR-003"]`).click();
    await a.getByLabel("Owner of FR-003", { exact: true }).fill(evil);
    await a.keyboard.press("Enter");
    await expect.poll(() => fieldValue(b, "FR-003", "Owner"), POLL).toBe(evil);
    expect(await fieldValue(a, "FR-003", "Owner")).toBe(evil);
    await expect.poll(() => cellOf("FR-003", "Owner"), POLL).toBe(evil);
    for (const page of [a, b]) {
      // The report and an incident summary carry markup too (see the fixture): none of it may become an element.
      expect(await page.locator("img").count()).toBe(0);
      expect(await page.locator("main b").count()).toBe(0);
    }
    expect(await text(a, `[data-incident="INC-0007"] .incident-summary`)).toContain("<b>not bold</b>");
    expect(dialogs).toEqual([]);
  });

  it("an Invalid card shows the parse error the engine wrote", async () => {
    const page = await open(`${fx.live.url}/`);
    const error = '⛔ line 1:10: unknown metric "pipline.vision.success_rate" (did you mean pipeline.vision.success_rate?)';
    await fx.workspace.upsertRow("Requirements", "FR-004", { set: { Status: "Invalid", Evidence: error } });
    await expect.poll(() => text(page, `${card("FR-004")} .card-head .status`), POLL).toBe("Invalid");
    expect(await page.locator(`${card("FR-004")} .invalid`).isVisible()).toBe(true);
    expect(await text(page, `${card("FR-004")} .invalid .parse-error`)).toBe(error.replace(/^⛔ /, ""));
  });

  it("a service the monitor marks down shows on the board at once", async () => {
    const page = await open(`${fx.live.url}/`);
    expect(await text(page, `[data-service="ollama"] .svc-head .status`)).toBe("up");
    const started = Date.now();
    await fx.workspace.upsertRow("Services", "ollama", { set: { Status: "down", "Latency ms": null, "Last check": new Date().toISOString() } });
    await expect.poll(() => text(page, `[data-service="ollama"] .svc-head .status`), POLL).toBe("down");
    console.log(`service switched down: on the board after ${Date.now() - started} ms`);
    expect(await text(page, `[data-service="ollama"] .svc-latency`)).toBe("—");
  });

  it("adds a requirement from a template, marking a refused field", async () => {
    const page = await open(`${fx.live.url}/`);
    await page.getByRole("button", { name: "Add a requirement" }).click();
    await page.getByLabel("ID", { exact: true }).fill("fr-6");
    await page.getByLabel("Title", { exact: true }).fill("Whisper transcribes a minute in under 10 s");
    await page.getByLabel("Template", { exact: true }).selectOption("service-health");
    await page.getByLabel("Service", { exact: true }).selectOption("whisper");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await expect.poll(() => text(page, "#add-message"), POLL).toMatch(/^id: /);
    expect(await page.getByLabel("ID", { exact: true }).getAttribute("aria-invalid")).toBe("true");
    await page.getByLabel("ID", { exact: true }).fill("FR-006");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await expect.poll(() => page.locator(card("FR-006")).count(), POLL).toBe(1);
    expect(fx.added).toEqual([{ id: "FR-006", title: "Whisper transcribes a minute in under 10 s", template: "service-health", service: "whisper" }]);
    expect(await text(page, `${card("FR-006")} .card-head .status`)).toBe("Unverified");
  });

  it("shows a banner when the workspace goes away and recovers by itself when it is back", async () => {
    const page = await open(`${fx.live.url}/`);
    expect(await page.locator("#banner").isHidden()).toBe(true);
    await fx.stopWorkspace();
    await expect.poll(() => page.locator("#banner").isVisible(), POLL).toBe(true);
    expect(await text(page, "#banner")).toMatch(/Lost the connection to the workspace/);
    // An edit made while offline is kept and sent once the workspace is back.
    await page.locator(`${card("FR-005")} button[aria-label="Edit Owner of FR-005"]`).click();
    await page.getByLabel("Owner of FR-005", { exact: true }).fill("offline-editor");
    await page.keyboard.press("Enter");
    await fx.startWorkspace();
    await expect.poll(() => page.locator("#banner").isHidden(), { ...POLL, timeout: 30_000 }).toBe(true);
    expect(await text(page, "#connection")).toMatch(/^Live/);
    await expect.poll(() => cellOf("FR-005", "Owner"), POLL).toBe("offline-editor");
    await fx.workspace.upsertRow("Services", "lmstudio", { set: { Status: "degraded" } });
    await expect.poll(() => text(page, `[data-service="lmstudio"] .svc-head .status`), POLL).toBe("degraded");
  });

  it("shows the same data read-only with links to AppFlowy when AppFlowy is configured", async () => {
    const page = await open(`${fx.readOnly.url}/`);
    expect(await text(page, `${card("FR-001")} .card-head .status`)).toBe("Verified");
    expect(await page.locator("button.edit").count()).toBe(0);
    expect(await page.locator(`${card("FR-001")} a.open-link`).getAttribute("href")).toBe("https://appflowy.example.test/app/Requirements/FR-001");
    expect(await text(page, "#connection")).toMatch(/^Read-only/);
    await fx.workspace.upsertRow("Requirements", "FR-005", { set: { Status: "Failing" } });
    await expect.poll(() => text(page, `${card("FR-005")} .card-head .status`), POLL).toBe("Failing");
  });

  it("sends the bearer key on its API calls when the tracker has one", async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    contexts.push(context);
    // A browser cannot put a key on the page request itself; the lead's HTTP server lets the shell through
    // (Board.isPublic). Here the shell gets the key from the test; the page must send it for /board/api itself.
    await context.route("**/*", (route) => {
      const url = new URL(route.request().url());
      if (url.pathname.startsWith("/board/api/")) return route.continue();
      return route.continue({ headers: { ...route.request().headers(), authorization: `Bearer ${API_KEY}` } });
    });
    const asked = await context.newPage();
    await asked.goto(`${fx.withKey.url}/`);
    await expect.poll(() => asked.locator("#key-form").isVisible(), POLL).toBe(true);
    const page = await context.newPage();
    await page.goto(`${fx.withKey.url}/#key=${API_KEY}`);
    await page.waitForSelector("body[data-ready=true]", { timeout: 15_000 });
    expect(await text(page, `${card("FR-001")} .card-head .status`)).toBe("Verified");
    expect(new URL(page.url()).hash).toBe("");
  });

  it("reads well at laptop and phone width without horizontal scrolling (screenshots kept)", async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    for (const viewport of [
      { width: 1366, height: 768 },
      { width: 390, height: 844 },
    ]) {
      const page = await open(`${fx.live.url}/`, viewport);
      await expect.poll(() => page.locator("svg.avail").count(), POLL).toBeGreaterThan(0);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: `${SCREENSHOTS}/board-${viewport.width}x${viewport.height}.png` });
      await page.screenshot({ path: `${SCREENSHOTS}/board-${viewport.width}x${viewport.height}-full.png`, fullPage: true });
    }
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  });
});
