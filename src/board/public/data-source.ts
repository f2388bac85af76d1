import type { BoardData } from "./board-types.ts";

/** How the board's link to its data is doing, for the status pill and the banner. */
export interface Connection {
  /** connecting: never reached yet; lost: was live, now retrying by itself; refused: will not recover without help. */
  state: "connecting" | "live" | "lost" | "refused";
  detail?: string;
  /** Edits made here that the workspace has not acknowledged yet. */
  pending?: boolean;
  /** When the data last arrived (read-only board). */
  updatedAt?: number;
  /** Parts of the workspace that could not be read. */
  problems?: string[];
}

/** Where the board's data comes from: the live workspace (Yjs) or snapshots from the tracker. */
export interface DataSource {
  start(onData: (data: BoardData) => void, onConnection: (c: Connection) => void): void;
  /** Writes a team-owned field of a requirement; absent when read-only. */
  save?(key: string, field: string, value: string): void;
}
