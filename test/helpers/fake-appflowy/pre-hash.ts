import { createHash } from "node:crypto";

/** API.md 6.6, computed independently of the adapter's mapping. */
export function preHashRowId(ws: string, db: string, preHash: string): string {
  const h = createHash("sha256").update(Buffer.from(ws.replace(/-/g, ""), "hex")).update(Buffer.from(db.replace(/-/g, ""), "hex")).update(preHash, "utf8").digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
