import { TrackerError } from "../shared/errors.ts";

/** An id already in the workspace: a usage error to the CLI, a 409 on the board's `id` field. */
export class DuplicateRequirementError extends TrackerError {
  readonly field = "id";
  readonly id: string;

  constructor(id: string) {
    super("USAGE", `--id: requirement ${id} already exists in the workspace`, { exitCode: 2 });
    this.name = "DuplicateRequirementError";
    this.id = id;
  }
}
