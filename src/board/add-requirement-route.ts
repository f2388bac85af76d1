import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { sendJson } from "../http/http-server.ts";
import { GENERIC_TEMPLATES, type NewRequirementInput } from "../requirements/catalog.ts";
import { DuplicateRequirementError } from "../requirements/duplicate-requirement-error.ts";
import { REQUIREMENT_ID } from "../requirements/requirement.ts";
import { TrackerError, errorMessage } from "../shared/errors.ts";
import type { Logger } from "../shared/logger.ts";
import { BodyError, readJsonBody } from "./read-json-body.ts";

/** The board's name for what the add form sends; tests and fixtures stand in for `add` with it. */
export type { NewRequirementInput as NewRequirement } from "../requirements/catalog.ts";

/** Adds a requirement to the catalog and the workspace; the requirements module provides it and refuses a taken id with DuplicateRequirementError. */
export type AddRequirement = (input: NewRequirementInput) => Promise<void>;

export function newRequirementSchema(services: readonly string[]) {
  return z.object({
    id: z.string().trim().regex(REQUIREMENT_ID, 'an id like "FR-006"'),
    title: z.string().trim().min(1, "must not be empty").max(200, "at most 200 characters"),
    template: z.enum(GENERIC_TEMPLATES, { error: `one of ${GENERIC_TEMPLATES.join(", ")}` }),
    service: z
      .string()
      .trim()
      .refine((s) => services.includes(s), { error: (i) => `no service named "${String(i.input)}"` }),
  });
}

export interface AddRequirementRouteOptions {
  add?: AddRequirement;
  services: readonly string[];
  logger: Logger;
}

/** POST /board/api/requirements: validates the form, then calls `add`, which refuses an id already on the board. */
export async function handleAddRequirement(req: IncomingMessage, res: ServerResponse, options: AddRequirementRouteOptions): Promise<void> {
  if (!options.add) {
    sendJson(res, 501, { error: { message: "adding requirements from a template is not available in this tracker" } });
    return;
  }
  let body: unknown;
  try {
    body = await readJsonBody(req);
  } catch (err) {
    const status = err instanceof BodyError ? err.status : 400;
    sendJson(res, status, { error: { message: errorMessage(err) } });
    return;
  }
  const parsed = newRequirementSchema(options.services).safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    const field = issues[0]?.path.join(".") || undefined;
    const message = issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; ");
    sendJson(res, 400, { error: { message, ...(field ? { field } : {}) } });
    return;
  }
  const input = parsed.data;
  try {
    await options.add(input);
  } catch (err) {
    if (err instanceof DuplicateRequirementError) {
      sendJson(res, 409, { error: { message: `id: ${input.id} is already a requirement`, field: err.field } });
      return;
    }
    if (err instanceof TrackerError && err.exitCode === 2) {
      sendJson(res, 400, { error: { message: err.message } });
      return;
    }
    options.logger.error({ err, requirement: input.id }, "requirement not added");
    sendJson(res, 500, { error: { message: `${input.id} was not added: ${errorMessage(err)}` } });
    return;
  }
  options.logger.info({ requirement: input.id, template: input.template, service: input.service }, "requirement added from the board");
  sendJson(res, 201, { id: input.id });
}
