import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { checkWorkspaceCommand } from "../../src/cli/check-workspace.ts";
import { DATABASES } from "../../src/workspace/databases.ts";
import { connect } from "../helpers/fake-appflowy/connect.ts";
import { startFakeAppFlowy, type FakeAppFlowy, type FakeUser } from "../helpers/fake-appflowy/index.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function runCheck(fake: FakeAppFlowy | undefined, workspaceYaml?: string, password = "bot-password"): Promise<{ code: number; out: string; err: string }> {
  const dir = tempDir();
  cleanups.push(() => dir.remove());
  const file = join(dir.path, "ai-tracker.yaml");
  const yaml = workspaceYaml ?? `workspace:\n  kind: appflowy\n  url: ${fake!.url}\n  email: bot@example.com\n  password: \${APPFLOWY_PASSWORD}\n  workspace: Team\n`;
  writeFileSync(file, yaml);
  let out = "";
  let err = "";
  const sink = (append: (s: string) => void) => new Writable({ write: (c, _e, done) => (append(String(c)), done()) });
  const code = await checkWorkspaceCommand.run({
    argv: ["--config", file],
    stdout: sink((s) => (out += s)),
    stderr: sink((s) => (err += s)),
    env: { APPFLOWY_PASSWORD: password },
    stopSignal: new Promise(() => undefined),
  });
  return { code, out, err };
}

async function double(users?: FakeUser[]): Promise<FakeAppFlowy> {
  const fake = await startFakeAppFlowy({ users });
  cleanups.push(() => fake.stop());
  return fake;
}

describe("check-workspace", () => {
  it("check-workspace lists what it would create on an empty workspace and writes nothing (exit 0)", async () => {
    const fake = await double();
    const { code, out } = await runCheck(fake);
    expect(code).toBe(0);
    expect(out).toMatch(/ok\s+login as bot@example\.com/);
    expect(out).toMatch(/ok\s+workspace "Team"/);
    expect(out).toMatch(/create\s+folder page "AI Tracker" under "General"/);
    expect(out).toMatch(/create\s+grid Requirements with 10 fields/);
    expect(fake.requests.filter((r) => r.method !== "GET" && !r.path.startsWith("/gotrue/"))).toEqual([]);
  });

  it("check-workspace reports grids that are ready (exit 0)", async () => {
    const fake = await double();
    const ws = connect(fake);
    for (const spec of DATABASES) await ws.ensureDatabase(spec);
    await ws.close();
    const { code, out } = await runCheck(fake);
    expect(code).toBe(0);
    expect(out).toMatch(/ok\s+grid Requirements: all 10 fields present/);
    expect(out).toMatch(/ready: nothing to create/);
  });

  it.each([
    { name: "a field of the wrong type", users: undefined, password: "bot-password", prepare: (f: FakeAppFlowy) => f.retypeField("Incidents", "Opened", "RichText"), error: /problem\s+Incidents\.Opened: is RichText in AppFlowy, the tracker needs DateTime/ },
    { name: "a renamed grid", users: undefined, password: "bot-password", prepare: (f: FakeAppFlowy) => f.renameGrid("Evidence", "Proof"), error: /problem\s+Evidence: its grid was renamed to "Proof"/ },
    { name: "a wrong password", users: undefined, password: "nope", prepare: undefined, error: /problem\s+.*login as bot@example\.com refused: Invalid login credentials/ },
    { name: "an unverified user", users: [{ email: "bot@example.com", password: "bot-password", confirmed: false }], password: "bot-password", prepare: undefined, error: /Email not confirmed/ },
    { name: "an account without a seat", users: [{ email: "bot@example.com", password: "bot-password", member: false }], password: "bot-password", prepare: undefined, error: /problem\s+.*no workspace "Team" among those bot@example\.com belongs to/ },
  ])("check-workspace reports $name (exit 1)", async ({ users, password, prepare, error }) => {
    const fake = await double(users);
    if (prepare) {
      const ws = connect(fake);
      for (const spec of DATABASES) await ws.ensureDatabase(spec);
      await ws.close();
      prepare(fake);
    }
    const { code, out } = await runCheck(fake, undefined, password);
    expect(out).toMatch(error);
    expect(code).toBe(1);
  });

  it("check-workspace refuses a config whose workspace is not AppFlowy (exit 2)", async () => {
    const { code, err } = await runCheck(undefined, "workspace:\n  kind: local\n");
    expect(code).toBe(2);
    expect(err).toMatch(/workspace\.kind is "local"/);
  });
});
