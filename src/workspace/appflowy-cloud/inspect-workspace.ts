import { errorMessage } from "../../shared/errors.ts";
import type { DatabaseSpec } from "../workspace.ts";
import type { AppFlowyWorkspaceConfig } from "../workspace-config.ts";
import type { AppFlowyClient } from "./client.ts";
import { databaseIdOfView, findFolderPage, findWorkspace, folderTree } from "./folder.ts";
import { fetchFields, folderGrids, matchGrid } from "./grid.ts";
import { compareFields, typeName } from "./mapping.ts";
import type { AppFlowyWorkspace } from "./index.ts";

export interface CheckLine {
  /** ok: as it should be; create: the tracker would make it; problem: a person has to fix it. */
  level: "ok" | "create" | "problem";
  text: string;
}

/**
 * What the tracker would find, create or trip over in the configured AppFlowy workspace, without writing anything:
 * login (and first-login verify, which only registers the account), workspace, folder page, grids and fields.
 */
export async function inspectWorkspace(workspace: AppFlowyWorkspace, config: AppFlowyWorkspaceConfig, specs: readonly DatabaseSpec[]): Promise<CheckLine[]> {
  const client: AppFlowyClient = workspace.client;
  const out: CheckLine[] = [];
  try {
    await client.login();
    out.push({ level: "ok", text: `login as ${config.email} at ${client.baseUrl}` });
  } catch (err) {
    return [...out, { level: "problem", text: errorMessage(err) }];
  }
  let ws: Awaited<ReturnType<typeof findWorkspace>>;
  try {
    ws = await findWorkspace(client, config.workspace);
    out.push({ level: "ok", text: `workspace "${ws.name}" (${ws.id}, role ${ws.role ?? "unknown"})` });
  } catch (err) {
    return [...out, { level: "problem", text: errorMessage(err) }];
  }
  try {
    const tree = await folderTree(client, ws.id, undefined, 2);
    const folder = findFolderPage(tree, config.folder, ws.id);
    if (!folder) {
      const space = tree.children.find((c) => c.is_space)?.name ?? "the workspace root";
      out.push({ level: "create", text: `folder page "${config.folder}" under "${space}"` });
      for (const spec of specs) out.push({ level: "create", text: `grid ${spec.name} with ${spec.fields.length} fields` });
      return out;
    }
    out.push({ level: "ok", text: `folder page "${config.folder}" (${folder.view_id})` });
    const grids = await folderGrids(client, ws.id, folder.view_id);
    for (const spec of specs) {
      const match = matchGrid(grids, spec.name);
      if (match && "renamedTo" in match) {
        out.push({ level: "problem", text: `${spec.name}: its grid was renamed to "${match.renamedTo}" in AppFlowy; rename it back` });
        continue;
      }
      const grid = match?.view;
      if (!grid) {
        out.push({ level: "create", text: `grid ${spec.name} with ${spec.fields.length} fields` });
        continue;
      }
      const databaseId = await databaseIdOfView(client, ws.id, grid.view_id);
      if (!databaseId) {
        out.push({ level: "problem", text: `${spec.name}: grid ${grid.view_id} has no database (in the trash?)` });
        continue;
      }
      const problems = compareFields(spec, await fetchFields(client, ws.id, databaseId));
      if (problems.length === 0) out.push({ level: "ok", text: `grid ${spec.name}: all ${spec.fields.length} fields present with their types` });
      for (const p of problems) {
        if (p.problem === "retyped") out.push({ level: "problem", text: `${spec.name}.${p.field}: ${p.detail}` });
        else if (p.problem === "missing") out.push({ level: "create", text: `field ${spec.name}.${p.field} (${typeName(spec.fields.find((f) => f.name === p.field)!.type)})` });
        else out.push({ level: "create", text: `${spec.name}.${p.field}: ${p.detail.replace("lacks", "add")}` });
      }
    }
  } catch (err) {
    out.push({ level: "problem", text: errorMessage(err) });
  }
  return out;
}
