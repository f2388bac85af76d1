#!/usr/bin/env node
// Runs the bundled tracker (dist/ai-tracker.mjs), rebuilding it first when any source is newer, so the command never
// lags behind src/. Without esbuild it falls back to running the TypeScript sources through tsx.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const root = join(import.meta.dirname, "..");
const bundle = join(root, "dist", "ai-tracker.mjs");

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

async function load() {
  try {
    if (!existsSync(bundle) || statSync(bundle).mtimeMs < newestSource(join(root, "src"))) {
      const { buildBundle } = await import("../scripts/build.mjs");
      await buildBundle();
    }
    return await import(pathToFileURL(bundle).href);
  } catch (err) {
    if (err?.code !== "ERR_MODULE_NOT_FOUND") throw err;
    const { register } = await import("tsx/esm/api");
    register();
    return import("../src/cli/main.ts");
  }
}

const { main } = await load();
process.exitCode = await main(process.argv.slice(2));
