import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

export const PUBLIC_DIR = fileURLToPath(new URL("./public/", import.meta.url));
export const BOARD_ENTRY = fileURLToPath(new URL("./public/main.ts", import.meta.url));

export interface Asset {
  body: Buffer;
  gzip: Buffer;
  etag: string;
  contentType: string;
}

/**
 * Bundles the board's browser code (its own modules plus @hocuspocus/provider and yjs) into one minified ES module,
 * in memory. esbuild comes with tsx, so this needs no build step at install and no files on disk that could go stale.
 */
export async function buildBoardBundle(): Promise<Buffer> {
  const { build } = await import("esbuild");
  const result = await build({
    entryPoints: [BOARD_ENTRY],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: ["es2022"],
    minify: true,
    write: false,
    legalComments: "none",
    charset: "utf8",
    logLevel: "silent",
  });
  return Buffer.from(result.outputFiles[0]!.contents);
}

function toAsset(body: Buffer, contentType: string): Asset {
  return { body, gzip: gzipSync(body), etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`, contentType };
}

const STATIC: Record<string, { file: string; contentType: string }> = {
  "index.html": { file: "index.html", contentType: "text/html; charset=utf-8" },
  "board.css": { file: "board.css", contentType: "text/css; charset=utf-8" },
};

/**
 * The board's assets, each built or read once on first use and then served from memory. A failed build is not
 * cached, so the next request tries again.
 */
export class BoardAssets {
  private readonly cache = new Map<string, Promise<Asset>>();

  get(name: "index.html" | "board.css" | "board.js"): Promise<Asset> {
    let p = this.cache.get(name);
    if (!p) {
      p = this.load(name);
      this.cache.set(name, p);
      p.catch(() => this.cache.delete(name));
    }
    return p;
  }

  private async load(name: "index.html" | "board.css" | "board.js"): Promise<Asset> {
    if (name === "board.js") return toAsset(await buildBoardBundle(), "text/javascript; charset=utf-8");
    const s = STATIC[name]!;
    return toAsset(await readFile(`${PUBLIC_DIR}${s.file}`), s.contentType);
  }
}
