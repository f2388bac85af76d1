import type * as Y from "yjs";

/** The double's state types and the two ways a handler answers other than with data. */

export interface User {
  uuid: string;
  email: string;
  password: string;
  confirmed: boolean;
  member: boolean;
  verified: boolean;
}

export interface View {
  view_id: string;
  parent_view_id: string | null;
  name: string;
  layout: number;
  is_space: boolean;
  extra: string | null;
  created_at: string;
  last_edited_time: string;
  trashed: boolean;
  databaseId?: string;
}

export interface Workspace {
  id: string;
  name: string;
  storageId: string;
  owner: string;
  members: Set<string>;
  views: Map<string, View>;
}

export interface RowRecord {
  doc: Y.Doc;
  databaseId: string;
  updatedAt: number;
  preHash?: string;
}

export interface RequestLogEntry {
  at: number;
  method: string;
  path: string;
  status: number;
  code?: number;
}

export class HttpAnswer extends Error {
  constructor(
    readonly status: number,
    readonly text: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(text);
  }
}
export class AppAnswer extends Error {
  constructor(
    readonly code: number,
    readonly msg: string,
  ) {
    super(msg);
  }
}

/** A GoTrue answer: raw JSON, not the AppFlowy envelope. */
export class RawJson {
  constructor(readonly value: unknown) {}
}

