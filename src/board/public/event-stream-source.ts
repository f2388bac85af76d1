import { apiFetch } from "./api.ts";
import type { BoardSnapshot } from "./board-types.ts";
import type { Connection, DataSource } from "./data-source.ts";

/** Without a heartbeat or snapshot for this long, the stream is taken for dead and reopened. */
const SILENCE_MS = 45_000;

/**
 * The read-only board (AppFlowy): snapshots pushed over server-sent events. Read with fetch rather than
 * EventSource so the bearer key can go in a header; reconnects by itself with backoff.
 */
export class EventStreamSource implements DataSource {
  private everLive = false;

  start(onData: (data: BoardSnapshot) => void, onConnection: (c: Connection) => void): void {
    void this.loop(onData, onConnection);
  }

  private async loop(onData: (data: BoardSnapshot) => void, onConnection: (c: Connection) => void): Promise<void> {
    let delay = 500;
    for (;;) {
      const abort = new AbortController();
      let silence: ReturnType<typeof setTimeout> | undefined;
      const arm = (): void => {
        clearTimeout(silence);
        silence = setTimeout(() => abort.abort(), SILENCE_MS);
      };
      try {
        arm();
        const res = await apiFetch("/board/api/events", { headers: { accept: "text/event-stream" }, signal: abort.signal });
        if (res.status === 401) {
          onConnection({ state: "refused", detail: "The tracker wants its API key." });
          return;
        }
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          arm();
          buffer += value;
          for (let i = buffer.indexOf("\n\n"); i >= 0; i = buffer.indexOf("\n\n")) {
            const event = parseEvent(buffer.slice(0, i));
            buffer = buffer.slice(i + 2);
            if (event?.name === "snapshot") {
              const snap = JSON.parse(event.data) as BoardSnapshot;
              this.everLive = true;
              delay = 500;
              onData(snap);
              onConnection({ state: "live", updatedAt: snap.generatedAt, problems: snap.problems.map((p) => `${p.database}: ${p.message}`) });
            } else if (event?.name === "problem") {
              onConnection({ state: "live", problems: [(JSON.parse(event.data) as { message: string }).message] });
            }
          }
        }
      } catch {
        // Dropped, refused or silent: retried below.
      } finally {
        clearTimeout(silence);
      }
      onConnection({ state: this.everLive ? "lost" : "connecting" });
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 5000);
    }
  }
}

/** One server-sent event block: its `event:` name and joined `data:` lines; comments give null. */
export function parseEvent(block: string): { name: string; data: string } | null {
  let name = "message";
  const data: string[] = [];
  for (const line of block.split("\n")) {
    if (line.startsWith(":")) continue;
    const i = line.indexOf(":");
    const field = i < 0 ? line : line.slice(0, i);
    const value = i < 0 ? "" : line.slice(i + 1).replace(/^ /, "");
    if (field === "event") name = value;
    else if (field === "data") data.push(value);
  }
  return data.length ? { name, data: data.join("\n") } : null;
}
