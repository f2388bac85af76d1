import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";

// Vitest strips types without checking them, so a type error in src/, scripts/ or test/ would otherwise pass CI.
const ROOT = join(import.meta.dirname, "../..");

it("the project typechecks (tsc --noEmit, strict)", { timeout: 180_000 }, async () => {
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  const result = await promisify(execFile)(process.execPath, [tsc, "--noEmit", "-p", join(ROOT, "tsconfig.json")], { cwd: ROOT, maxBuffer: 16 << 20 }).then(
    () => ({ code: 0, output: "" }),
    (err: { code?: number; stdout?: string; stderr?: string }) => ({ code: err.code ?? 1, output: `${err.stdout ?? ""}${err.stderr ?? ""}` }),
  );
  expect(result.output).toBe("");
  expect(result.code).toBe(0);
});
