/**
 * The shapes the board's JSON endpoints return, shared by the server (src/board) and the browser bundle.
 * Types only: nothing here may pull server code into the browser.
 */

/** GET /board/api/config: how the page should get its data. */
export interface BoardConfig {
  /** live: edited and observed over Yjs in the embedded workspace; snapshot: read-only, from /board/api/events. */
  mode: "live" | "snapshot";
  workspaceKind: "local" | "appflowy";
  /** live only: where the browser reaches the embedded workspace, and its token when one is configured. */
  workspace?: { url: string; token?: string };
  /** Team-owned Requirements fields the board lets people edit (local mode). */
  editableFields: string[];
  /** Choices of the Priority field. */
  priorities: string[];
  /** Templates the "add a requirement" form offers; empty when adding is not available. */
  templates: string[];
  /** Configured service names, for the add form and the plots. */
  services: string[];
  /** How many hours the plots cover, and how often they are refreshed. */
  seriesHours: number;
  seriesRefreshMs: number;
}

export interface BoardRow {
  key: string;
  cells: Record<string, string | number | boolean | string[] | null>;
  updatedAt?: number;
  /** appflowy: the row in AppFlowy, when the adapter can link to it. */
  url?: string;
}

export interface BoardPage {
  key: string;
  title: string;
  markdown: string;
  updatedAt: number;
}

/** What the board shows, from either source. */
export interface BoardData {
  requirements: BoardRow[];
  services: BoardRow[];
  incidents: BoardRow[];
  /** Newest first. */
  pages: BoardPage[];
}

/** GET /board/api/snapshot and each `snapshot` event of /board/api/events. */
export interface BoardSnapshot extends BoardData {
  generatedAt: number;
  /** Databases that could not be read, with the reason (shown on the board, not hidden). */
  problems: { database: string; message: string }[];
}

/** One time bucket of one service's observations. */
export interface SeriesBucket {
  /** Bucket start, ms since the epoch. */
  t: number;
  checks: number;
  failures: number;
  /** Share of checks that were not failures, 0..1; null without checks. */
  availability: number | null;
  /** Latency percentiles of the checks that measured one, in ms. */
  p50: number | null;
  p95: number | null;
}

export interface ServiceSeries {
  service: string;
  buckets: SeriesBucket[];
  /** Over the whole range. */
  availability: number | null;
  p95: number | null;
  checks: number;
}

/** GET /board/api/series?hours=24 */
export interface SeriesResponse {
  from: number;
  to: number;
  bucketMs: number;
  services: ServiceSeries[];
}

/** The error body of every /board/api endpoint. */
export interface BoardApiError {
  error: { message: string; field?: string };
}
