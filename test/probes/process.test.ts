import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePs } from "../../src/probes/process/find-processes.ts";
import { probeOnce } from "./probe-once.ts";

describe("process probe", () => {
  // A process whose command line carries a marker no other process has.
  const marker = `ai-tracker-probe-marker-${randomUUID()}`;
  let child: ChildProcess;

  beforeAll(async () => {
    child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 120000)", marker], { stdio: "ignore" });
    await new Promise((resolve, reject) => child.once("spawn", resolve).once("error", reject));
  });
  afterAll(() => {
    child.kill("SIGKILL");
  });

  it("run() reports up with the matching pid when a process's command line contains match", async () => {
    const r = await probeOnce({ kind: "process", match: marker });
    expect(r.status).toBe("up");
    expect(r.detail).toContain(`pid ${child.pid}`);
    expect(r.metrics["processes.matched"]).toBe(1);
  });

  it("run() reports down when no process matches", async () => {
    const r = await probeOnce({ kind: "process", match: `${marker}-absent` });
    expect(r.status).toBe("down");
    expect(r.detail).toMatch(/no running process matches/);
  });

  it.each([
    { name: "the command exits 0", command: [process.execPath, "-e", "console.log('ready')"], status: "up", detail: /exited with 0 .*: ready/ },
    { name: "the command exits 2", command: [process.execPath, "-e", "console.error('not ready'); process.exit(2)"], status: "down", detail: /exited with 2: not ready/ },
    { name: "the command does not exist", command: ["no-such-check-command-xyz"], status: "down", detail: /not found on PATH/ },
    { name: "shell syntax is passed as a plain argument, not run", command: ["echo", "$(exit 1)", "&&", "false"], status: "up", detail: /exited with 0.*\$\(exit 1\) && false/ },
  ] as const)("run() reports $status when $name", async ({ command, status, detail }) => {
    const r = await probeOnce({ kind: "process", command });
    expect(r.status).toBe(status);
    expect(r.detail).toMatch(detail);
  });

  it("run() needs both checks to pass when match and command are both set", async () => {
    const r = await probeOnce({ kind: "process", match: marker, command: [process.execPath, "-e", "process.exit(1)"] });
    expect(r.status).toBe("down");
    expect(r.detail).toMatch(/match .*; .*exited with 1/);
  });

  it("runProbe() kills a command that hangs at the probe's timeout", async () => {
    const r = await probeOnce({ kind: "process", command: [process.execPath, "-e", "setTimeout(() => {}, 60000)"] }, 500);
    expect(r.status).toBe("down");
  });

  it("parsePs() reads pids and command lines from ps output", () => {
    expect(parsePs("  12 /usr/bin/python -m dspy.run\n345 node server.js --port 3\n\n")).toEqual([
      { pid: 12, command: "/usr/bin/python -m dspy.run" },
      { pid: 345, command: "node server.js --port 3" },
    ]);
  });
});
