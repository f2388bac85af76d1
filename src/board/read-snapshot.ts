import { errorMessage } from "../shared/errors.ts";
import type { Workspace } from "../workspace/workspace.ts";
import { BOARD_DATABASES, BOARD_PAGE_LIMIT } from "./public/board-databases.ts";
import type { BoardRow, BoardSnapshot } from "./public/board-types.ts";

/** Links a row to the workspace's own UI (AppFlowy); undefined when there is no link. */
export type RowUrl = (database: string, key: string) => string | undefined;

export interface ReadSnapshotOptions {
  rowUrl?: RowUrl;
  now: () => number;
}

/**
 * Everything the board shows, read through the Workspace interface (so it works for every adapter). A database
 * that cannot be read is reported in `problems` and shown as empty, so one bad grid does not blank the board.
 */
export async function readSnapshot(workspace: Workspace, options: ReadSnapshotOptions): Promise<BoardSnapshot> {
  const problems: BoardSnapshot["problems"] = [];
  const read = async (database: string): Promise<BoardRow[]> => {
    try {
      const rows = await workspace.readRows(database);
      return rows.map((r) => {
        const url = safeUrl(options.rowUrl?.(database, r.key));
        return { key: r.key, cells: r.cells, ...(r.updatedAt !== undefined ? { updatedAt: r.updatedAt } : {}), ...(url ? { url } : {}) };
      });
    } catch (err) {
      problems.push({ database, message: errorMessage(err) });
      return [];
    }
  };
  const [requirements, services, incidents] = await Promise.all([BOARD_DATABASES.requirements, BOARD_DATABASES.services, BOARD_DATABASES.incidents].map(read));
  let pages: BoardSnapshot["pages"] = [];
  try {
    pages = (await workspace.readPages()).slice(0, BOARD_PAGE_LIMIT).map((p) => ({ key: p.key, title: p.title, markdown: p.markdown, updatedAt: p.updatedAt }));
  } catch (err) {
    problems.push({ database: "pages", message: errorMessage(err) });
  }
  return { generatedAt: options.now(), requirements: requirements!, services: services!, incidents: incidents!, pages, problems };
}

/** Only http(s) links reach the page: a `javascript:` URL from a misbehaving adapter must never become an href. */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u.toString() : undefined;
  } catch {
    return undefined;
  }
}
