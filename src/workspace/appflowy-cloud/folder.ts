import { z } from "zod";
import { TrackerError } from "../../shared/errors.ts";
import { AppFlowyError } from "./appflowy-error.ts";
import type { AppFlowyClient } from "./client.ts";

/** A folder view as `GET …/folder` lists it (API.md 4.3), reduced to what the adapter reads. */
export interface FolderView {
  view_id: string;
  name: string;
  layout: number;
  is_space: boolean;
  extra: Record<string, unknown> | null;
  last_edited_time?: string;
  children: FolderView[];
}

const FolderViewSchema: z.ZodType<FolderView> = z.lazy(() =>
  z.object({
    view_id: z.string(),
    name: z.string(),
    layout: z.number(),
    is_space: z.boolean().default(false),
    extra: z.preprocess((v) => (typeof v === "string" ? safeJson(v) : v), z.record(z.string(), z.unknown()).nullable().catch(null)).default(null),
    last_edited_time: z.string().optional(),
    children: z.array(FolderViewSchema).default([]),
  }),
) as z.ZodType<FolderView>;

const WorkspacesSchema = z.array(z.object({ workspace_id: z.string(), workspace_name: z.string(), role: z.string().nullable().optional() }).passthrough());
const DatabasesSchema = z.array(z.object({ id: z.string(), views: z.array(z.object({ view_id: z.string(), name: z.string().optional() }).passthrough()) }).passthrough());

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export function parseOrThrow<T>(schema: z.ZodType<T>, data: unknown, endpoint: string): T {
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppFlowyError("bad-response", endpoint, `unexpected answer shape at ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "?"}`);
  }
  return parsed.data;
}

/** The workspace named or numbered in the config; a clear error listing what the account can see otherwise. */
export async function findWorkspace(client: AppFlowyClient, nameOrId: string): Promise<{ id: string; name: string; role: string | undefined }> {
  const list = parseOrThrow(WorkspacesSchema, await client.api("GET", "/api/workspace", { query: { include_role: true } }), "GET /api/workspace");
  const matches = list.filter((w) => w.workspace_id === nameOrId || w.workspace_name === nameOrId);
  if (matches.length === 0) {
    const seen = list.map((w) => `"${w.workspace_name}" (${w.workspace_id})`).join(", ") || "none";
    throw new TrackerError(
      "WORKSPACE_INVALID",
      `workspace.workspace: no workspace "${nameOrId}" among those ${client.email} belongs to (${seen}); invite the account as a Member (a seat is needed) or fix the name`,
      { exitCode: 2 },
    );
  }
  if (matches.length > 1) {
    throw new TrackerError("WORKSPACE_INVALID", `workspace.workspace: several workspaces are named "${nameOrId}" (${matches.map((m) => m.workspace_id).join(", ")}); give its id instead`, { exitCode: 2 });
  }
  const w = matches[0]!;
  if (w.role === "Guest") {
    throw new TrackerError("WORKSPACE_INVALID", `workspace.workspace: ${client.email} is only a Guest of "${w.workspace_name}"; guests cannot create grids: make it a Member`, { exitCode: 2 });
  }
  return { id: w.workspace_id, name: w.workspace_name, role: w.role ?? undefined };
}

export async function folderTree(client: AppFlowyClient, workspaceId: string, rootViewId: string | undefined, depth: number): Promise<FolderView> {
  const endpoint = "GET /api/workspace/{ws}/folder";
  return parseOrThrow(FolderViewSchema, await client.api("GET", `/api/workspace/${workspaceId}/folder`, { query: { depth, root_view_id: rootViewId } }), endpoint);
}

/** The folder page named `name` in the top two levels of `tree`: a document page, never a space or the workspace itself. */
export function findFolderPage(tree: FolderView, name: string, workspaceId: string): FolderView | undefined {
  return [tree, ...tree.children, ...tree.children.flatMap((c) => c.children)].find((v) => v.name === name && v.layout === 0 && !v.is_space && v.view_id !== workspaceId);
}

/** The database behind a grid view (the create-page answer gives only the view id, API.md 5.1). */
export async function databaseIdOfView(client: AppFlowyClient, workspaceId: string, viewId: string): Promise<string | undefined> {
  const list = parseOrThrow(DatabasesSchema, await client.api("GET", `/api/workspace/${workspaceId}/database`), "GET /api/workspace/{ws}/database");
  return list.find((d) => d.views.some((v) => v.view_id === viewId))?.id;
}

/** Creates a view; after a retryable failure (a 2 s collab timeout, code 1017) looks whether it landed anyway. */
export async function createView(client: AppFlowyClient, workspaceId: string, body: Record<string, unknown>, parentId: string, isIt: (v: FolderView) => boolean): Promise<string> {
  try {
    const data = await client.api<{ view_id: string }>("POST", `/api/workspace/${workspaceId}/page-view`, { body });
    return data.view_id;
  } catch (err) {
    if (!(err instanceof AppFlowyError) || !err.retryable) throw err;
    const landed = (await folderTree(client, workspaceId, parentId, 1).catch(() => undefined))?.children.find(isIt);
    if (landed) return landed.view_id;
    throw err;
  }
}
