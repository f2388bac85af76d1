import { TrackerError } from "../shared/errors.ts";

/** A write the workspace cannot take as given: names the database and field so the fix is obvious. */
export class WorkspaceWriteError extends TrackerError {
  readonly database: string;
  readonly field: string | undefined;

  constructor(database: string, field: string | undefined, message: string) {
    super("WORKSPACE_INVALID", `${database}${field ? `.${field}` : ""}: ${message}`);
    this.name = "WorkspaceWriteError";
    this.database = database;
    this.field = field;
  }
}
