import type { AppDeps, Service } from "../app-deps.ts";
import type { Alert } from "../monitor/alerts/alert.ts";
import { formatDuration, parseDuration } from "../shared/duration.ts";
import { EVIDENCE, REQUIREMENTS, type RequirementStatus } from "../workspace/databases.ts";
import type { Cells } from "../workspace/workspace.ts";
import type { RequirementEvaluation, RequirementInput } from "./evaluate-requirement.ts";
import { evaluateRequirements } from "./evaluate-requirements.ts";
import { EvidenceRows } from "./evidence-rows.ts";
import type { CriterionResult } from "./judge-criterion.ts";
import { readRequirements, type RequirementRow } from "./read-requirements.ts";
import { cardSignature, criterionLabel, evidenceCell, evidenceRowCells, evidenceRowKey, statusEntry } from "./render-evidence.ts";
import { requirementService, resolveRemovedRequirementIncident, syncRequirementIncident, type IncidentEffect } from "./requirement-incidents.ts";

export interface EvidenceEngine extends Service {
  /** Evaluates every requirement now, writes the results, and returns them. */
  evaluateAll(): Promise<RequirementEvaluation[]>;
}

export interface EvidenceEngineOptions {
  /** Edits arriving within this time of each other are evaluated together. */
  debounceMs?: number;
  /** Where a requirement's fall from Verified and its recovery are announced (the monitor's alert channels). */
  alert?: (alert: Alert) => void;
}

/** What the engine remembers of a requirement between evaluations. */
interface RequirementState {
  /** Title and criteria as last evaluated: an edit changes it, the tracker's own writes do not. */
  fingerprint: string;
  /** The card as last written: Status and Evidence are the tracker's, so a hand edit is put back. */
  card?: { signature: string; at: number; set: Cells };
  /** Per criterion: the last Evidence row written to the workspace. */
  history: Map<string, { result: CriterionResult; at: number }>;
}

const fingerprint = (r: RequirementInput): string => `${r.title}\u0000${r.criteria}`;
const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * The evidence engine: evaluates every requirement on a schedule (first at start) and whenever the
 * Requirements database changes, then writes the outcome: the card (Status, Evidence, Last verified), Evidence
 * history rows, every evaluation in the store's evidence table, the current status in requirement_status, and
 * an incident when a requirement falls from Verified. Evaluations never overlap. Hourly, evaluations and Evidence
 * rows older than evidence.retention are deleted.
 */
export function createEvidenceEngine(deps: AppDeps, options: EvidenceEngineOptions = {}): EvidenceEngine {
  const log = deps.logger.child({ module: "evidence" });
  const cfg = deps.config.evidence;
  const intervalMs = parseDuration(cfg.interval)!;
  const historyMs = parseDuration(cfg.history)!;
  const cardRefreshMs = parseDuration(cfg.cardRefresh)!;
  const retentionMs = parseDuration(cfg.retention)!;
  const debounceMs = options.debounceMs ?? 300;
  const db = deps.store;

  const states = new Map<string, RequirementState>();
  let statuses: Map<string, RequirementStatus> | undefined;
  let chain: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let debounce: NodeJS.Timeout | undefined;
  let unwatch: (() => void) | undefined;
  let ticking = false;
  let stopped = false;
  let prunedAt = 0;

  const insertEvidence = db.prepare("INSERT INTO evidence (requirement, criterion, measured, threshold, result, source, at) VALUES (?, ?, ?, ?, ?, ?, ?)");
  const upsertStatus = db.prepare(
    `INSERT INTO requirement_status (requirement, status, detail, since, evaluated_at) VALUES (@requirement, @status, @detail, @at, @at)
     ON CONFLICT(requirement) DO UPDATE SET detail = excluded.detail, evaluated_at = excluded.evaluated_at,
       since = CASE WHEN requirement_status.status = excluded.status THEN requirement_status.since ELSE excluded.since END,
       status = excluded.status`,
  );
  const deleteStatus = db.prepare("DELETE FROM requirement_status WHERE requirement = ?");
  const pruneEvidence = db.prepare("DELETE FROM evidence WHERE requirement = ? AND at < ?");
  const nextRequirement = db.prepare("SELECT min(requirement) FROM evidence WHERE requirement > ?").pluck();
  const historyRows = new EvidenceRows(db);

  /** Runs `fn` after everything queued before it: evaluations and their writes never interleave. */
  function serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = chain.then(fn);
    chain = run.catch(() => undefined);
    return run;
  }

  function previousStatuses(): Map<string, RequirementStatus> {
    if (!statuses) {
      const rows = db.prepare("SELECT requirement, status FROM requirement_status").all() as { requirement: string; status: RequirementStatus }[];
      statuses = new Map(rows.map((r) => [r.requirement, r.status]));
    }
    return statuses;
  }

  async function evaluateAndWrite(inputs: RequirementInput[], removed: string[]): Promise<RequirementEvaluation[]> {
    const incidentRows: [string, string, Cells][] = [];
    const queueRow = (database: string, key: string, cells: Cells) => incidentRows.push([database, key, cells]);
    const started = performance.now();
    const now = deps.now();
    const evaluations = await evaluateRequirements(inputs, deps, now);
    const previous = previousStatuses();
    const effects = db.transaction(() =>
      evaluations.map((ev) => {
        for (const c of ev.criteria) insertEvidence.run(ev.id, criterionLabel(c), c.measured, c.threshold, c.result, c.source, now);
        upsertStatus.run({ requirement: ev.id, status: ev.status, detail: JSON.stringify(statusEntry(ev)), at: now });
        return syncRequirementIncident(db, ev, previous.get(ev.id), queueRow);
      }),
    )();
    const history: [string, Cells][] = [];
    evaluations.forEach((ev, i) => {
      const before = previous.get(ev.id);
      if (before !== ev.status) log.info({ requirement: ev.id, from: before ?? null, to: ev.status, summary: ev.summary }, "requirement status changed");
      const effect = effects[i];
      if (effect?.kind === "opened") {
        log.warn({ requirement: ev.id, incident: effect.id, status: ev.status }, "requirement fell from Verified: incident opened");
        announce(ev.id, effect, now, `${ev.id} went from Verified to ${ev.status}`);
      }
      if (effect?.kind === "resolved") {
        log.info({ requirement: ev.id, incident: effect.id }, "requirement verified again: incident resolved");
        announce(ev.id, effect, now, `${ev.id} ${ev.title} is Verified again`);
      }
      previous.set(ev.id, ev.status);
      const state = states.get(ev.id) ?? { fingerprint: "", history: new Map() };
      state.fingerprint = fingerprint(inputs[i]!);
      states.set(ev.id, state);
      writeCard(ev, state, now);
      history.push(...dueHistory(ev, state, now));
    });
    // Noted before they are queued: a crash in between leaves a key with no row, whose later delete is no error.
    historyRows.written(history.map(([key]) => key), now);
    for (const [key, set] of history) deps.records.upsert(EVIDENCE.name, key, { set });
    for (const id of removed) {
      states.delete(id);
      previous.delete(id);
      deleteStatus.run(id);
      const effect = resolveRemovedRequirementIncident(db, id, now, queueRow);
      if (effect) announce(id, effect, now, `${id} was removed from the workspace`);
      log.info({ requirement: id }, "requirement removed from the workspace");
    }
    for (const [database, key, set] of incidentRows) deps.records.upsert(database, key, { set });
    prune(now);
    log.debug({ requirements: evaluations.length, ms: Math.round(performance.now() - started) }, "requirements evaluated");
    return evaluations;
  }

  /** Sends the alert for an incident opened or resolved (updates are not announced: the incident is already open). */
  function announce(id: string, effect: NonNullable<IncidentEffect>, now: number, line: string): void {
    if (!options.alert || effect.kind === "updated") return;
    const resolved = effect.kind === "resolved";
    const durationMs = resolved ? now - effect.openedAt : null;
    options.alert({
      kind: resolved ? "resolved" : "requirement",
      service: requirementService(id),
      incidentId: effect.id,
      incidentKind: "requirement",
      severity: effect.severity,
      summary: resolved ? `${line} after ${formatDuration(durationMs!)}` : effect.summary,
      detail: resolved ? effect.summary : line,
      at: now,
      openedAt: effect.openedAt,
      durationMs,
      requirements: [id],
    });
  }

  function writeCard(ev: RequirementEvaluation, state: RequirementState, now: number): void {
    const signature = cardSignature(ev);
    const text = evidenceCell(ev);
    const card = state.card;
    // A verified card is refreshed even when its text did not move, so Last verified keeps up.
    const due = !card || card.signature !== signature || (now - card.at >= cardRefreshMs && (card.set.Evidence !== text || ev.status === "Verified"));
    if (!due) return;
    const set: Cells = { Status: ev.status, Evidence: text };
    if (ev.status === "Verified") set["Last verified"] = iso(now);
    deps.records.upsert(REQUIREMENTS.name, ev.id, { set });
    state.card = { signature, at: now, set };
  }

  /** The Evidence rows due for this evaluation (key and cells), noted in the requirement's state as written. */
  function dueHistory(ev: RequirementEvaluation, state: RequirementState, now: number): [string, Cells][] {
    const seen = new Set<string>();
    const due: [string, Cells][] = [];
    for (const c of ev.criteria) {
      const label = criterionLabel(c);
      seen.add(label);
      const last = state.history.get(label);
      if (last && last.result === c.result && now - last.at < historyMs) continue;
      due.push([evidenceRowKey(ev.id, label, now), evidenceRowCells(ev, c)]);
      state.history.set(label, { result: c.result, at: now });
    }
    for (const label of state.history.keys()) if (!seen.has(label)) state.history.delete(label);
    return due;
  }

  function prune(now: number): void {
    if (now - prunedAt < 3_600_000) return;
    prunedAt = now;
    const cutoff = now - retentionMs;
    // Walks the distinct requirements by index seeks (including ones no longer in the workspace), so each
    // delete is an index range, never a scan of the whole history.
    let id = nextRequirement.get("") as string | null;
    while (id !== null && id !== undefined) {
      pruneEvidence.run(id, cutoff);
      id = nextRequirement.get(id) as string | null;
    }
    const rows = historyRows.prune(cutoff, deps.records);
    if (rows > 0) log.info({ rows }, "Evidence rows past evidence.retention deleted from the workspace");
  }

  /**
   * Status and Evidence belong to the tracker: a card that shows something else than what was last written
   * (someone typed "Verified") gets the written values back. Writing identical values changes nothing, so a
   * write of ours still on its way does not start a loop.
   */
  function restoreCards(rows: RequirementRow[]): void {
    for (const row of rows) {
      const card = states.get(row.id)?.card;
      if (!card || (row.shown.status === card.set.Status && row.shown.evidence === card.set.Evidence)) continue;
      deps.records.upsert(REQUIREMENTS.name, row.id, { set: card.set });
      log.info({ requirement: row.id, shown: row.shown.status, status: card.set.Status }, "card status edited by hand: restored");
    }
  }

  function evaluateAll(): Promise<RequirementEvaluation[]> {
    return serial(async () => {
      const inputs = await readRequirements(deps.workspace);
      restoreCards(inputs);
      const ids = new Set(inputs.map((r) => r.id));
      const removed = [...previousStatuses().keys()].filter((id) => !ids.has(id));
      return evaluateAndWrite(inputs, removed);
    });
  }

  /** After an edit: evaluates only the requirements whose title or criteria changed, and forgets removed ones. */
  function reconcile(): Promise<void> {
    return serial(async () => {
      if (stopped) return;
      const inputs = await readRequirements(deps.workspace);
      restoreCards(inputs);
      const changed = inputs.filter((r) => states.get(r.id)?.fingerprint !== fingerprint(r));
      const ids = new Set(inputs.map((r) => r.id));
      const removed = [...states.keys()].filter((id) => !ids.has(id));
      if (changed.length === 0 && removed.length === 0) return;
      log.debug({ changed: changed.map((r) => r.id), removed }, "requirements edited");
      await evaluateAndWrite(changed, removed);
    });
  }

  function onRequirementsChanged(): void {
    if (stopped) return;
    clearTimeout(debounce);
    debounce = setTimeout(() => {
      reconcile().catch((err) => log.error({ err }, "requirements not re-evaluated after an edit"));
    }, debounceMs);
  }

  function tick(): void {
    if (ticking || stopped) return;
    ticking = true;
    evaluateAll()
      .catch((err) => log.error({ err }, "requirements not evaluated"))
      .finally(() => {
        ticking = false;
      });
  }

  return {
    async start() {
      stopped = false;
      unwatch = deps.workspace.watch(REQUIREMENTS.name, onRequirementsChanged);
      ticking = true;
      try {
        await evaluateAll();
      } catch (err) {
        log.error({ err }, "requirements not evaluated");
      } finally {
        ticking = false;
      }
      if (stopped) return;
      timer = setInterval(tick, intervalMs);
      log.info({ interval: cfg.interval }, "evidence engine started");
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      clearTimeout(debounce);
      unwatch?.();
      unwatch = undefined;
      await chain;
    },
    evaluateAll,
  };
}
