// Bundles the tracker's TypeScript into dist/ai-tracker.mjs with esbuild (dependencies stay external).
// A bundle starts in a fraction of the time tsx takes and holds ~25 MB less memory for the life of the process.
// Each module keeps its own location for import.meta.url/dirname, so templates and assets resolve from the sources.
import { build } from "esbuild";
import { readFile, rename } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
export const BUNDLE = join(ROOT, "dist", "ai-tracker.mjs");

const keepSourceLocation = {
  name: "keep-source-location",
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      const contents = source
        .replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href))
        .replaceAll("import.meta.dirname", JSON.stringify(dirname(args.path)));
      return { contents, loader: "ts" };
    });
  },
};

/** Bundles `entry` (the CLI by default) into `outfile`, as the tracker runs in production. */
export async function buildBundle(entry = join(ROOT, "src", "cli", "main.ts"), outfile = BUNDLE) {
  // Written aside and renamed, so a process starting meanwhile never imports half a file.
  const tmp = `${outfile}.${process.pid}.tmp`;
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile: tmp,
    packages: "external",
    sourcemap: "linked",
    logLevel: "warning",
    plugins: [keepSourceLocation],
  });
  await rename(`${tmp}.map`, `${outfile}.map`).catch(() => undefined);
  await rename(tmp, outfile);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const t = performance.now();
  await buildBundle();
  console.log(`built ${BUNDLE} in ${Math.round(performance.now() - t)} ms`);
}
