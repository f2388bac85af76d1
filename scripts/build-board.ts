/**
 * Builds the board's browser bundle once and prints its size and build time: the tracker builds it in memory on
 * the first request, so this is for measuring (and for a CI step that wants a broken bundle to fail early).
 *   node --import tsx scripts/build-board.ts [--out FILE]
 */
import { writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { buildBoardBundle } from "../src/board/board-assets.ts";

const started = performance.now();
const js = await buildBoardBundle();
const ms = performance.now() - started;
const out = process.argv.indexOf("--out");
if (out > 0 && process.argv[out + 1]) writeFileSync(process.argv[out + 1]!, js);
console.log(JSON.stringify({ bytes: js.length, gzipBytes: gzipSync(js).length, buildMs: Math.round(ms) }));
