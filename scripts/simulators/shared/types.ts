import type { IncomingMessage, ServerResponse } from "node:http";
import type { ModelSet } from "./model-set.ts";

export type SimulatorKind =
  | "ollama"
  | "openai-compatible"
  | "mistralrs"
  | "candle-vllm"
  | "lmstudio"
  | "mlx"
  | "llamacpp"
  | "whisper" /* whisper.cpp */
  | "whisper-openai" /* /v1/audio/transcriptions */
  | "tts-openai" /* /v1/audio/speech */
  | "tts-gradio" /* Nari Dia Gradio app, /gradio_api/call/generate_audio */
  | "vision-openai" /* vision chat */
  | "kserve"
  | "automatic1111"
  | "comfyui"
  | "a2a";

export type SimulatorMode =
  | "up"
  | "down" /* refuses connections */
  | "slow" /* delays every answer by delayMs */
  | "hung" /* accepts, never answers */
  | "loading" /* 503 while loading, per kind */
  | "wrong-service" /* answers like a different server on the port */
  | "unloaded" /* reachable, model not loaded */
  | "stream-error" /* error in the middle of a stream */
  | "garbage" /* 200 with a non-JSON / nonsense body */
  | "error-500"
  | "error-200" /* 200 with an error body */
  | "huge" /* 200 with a very large body */
  | "close" /* closes the connection without answering */;

export const SIMULATOR_MODES: readonly SimulatorMode[] = [
  "up", "down", "slow", "hung", "loading", "wrong-service", "unloaded", "stream-error",
  "garbage", "error-500", "error-200", "huge", "close",
];

/** Modes the shared listener implements the same way for every kind. */
export const UNIVERSAL_MODES: readonly SimulatorMode[] = [
  "up", "down", "slow", "hung", "wrong-service", "garbage", "error-500", "error-200", "huge", "close",
];

/** Modes whose meaning depends on the server; each kind lists the ones it implements. */
export type KindMode = "loading" | "unloaded" | "stream-error";

/** a2a: which agent card path exists. */
export type AgentCardLocation = "agent-card.json" | "agent.json" | "both";

export interface SimulatorOptions {
  port?: number;
  host?: string;
  models?: string[];
  loaded?: string[];
  delayMs?: number;
  /** Time between streamed tokens. */
  tokenDelayMs?: number;
  reply?: string;
  /** How long a model takes to load on first use outside "loading" mode (default 100 ms). */
  loadMs?: number;
  /** Bytes sent in "huge" mode (default 32 MiB). */
  hugeBytes?: number;
  /** a2a only: which agent card exists (default agent-card.json, the v1.0 card). */
  agentCard?: AgentCardLocation;
}

/** The settings a simulator can change at run time (POST /__sim/options, setOptions). */
export interface SimSettings {
  delayMs: number;
  tokenDelayMs: number;
  reply: string;
  loadMs: number;
  hugeBytes: number;
  agentCard: AgentCardLocation;
}

export interface Simulator {
  readonly kind: SimulatorKind;
  readonly url: string;
  readonly port: number;
  readonly mode: SimulatorMode;
  /** "down" closes the listener; every other mode re-listens on the same port. */
  setMode(mode: SimulatorMode, options?: { delayMs?: number }): Promise<void>;
  setModels(models: { available?: string[]; loaded?: string[] }): void;
  /** Changes reply, delays or the a2a card location without restarting. */
  setOptions(options: Partial<SimSettings>): void;
  /** Every service request received (not /__sim), oldest first. */
  readonly requests: { method: string; path: string; at: number }[];
  close(): Promise<void>;
}

/** One incoming request as a kind sees it. */
export interface SimRequest {
  readonly method: string;
  /** The path without the query string. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly raw: IncomingMessage;
  /** The whole body, read once and cached. */
  body(): Promise<Buffer>;
}

/** What a kind's handler gets besides the request. */
export interface SimContext {
  readonly kind: SimulatorKind;
  readonly mode: SimulatorMode;
  /** The simulator's base URL, e.g. http://127.0.0.1:11434. */
  readonly url: string;
  readonly models: ModelSet;
  readonly settings: Readonly<SimSettings>;
  /** Kind-specific state that lives as long as the simulator (tasks, queued jobs, busy slots). */
  readonly state: Map<string, unknown>;
  /** Loads the model if needed (delayMs in "loading" mode, loadMs otherwise); resolves to the time spent in ms. */
  ensureLoaded(model: string): Promise<number>;
}

/** A complete answer: status, content type and body. */
export interface Reply {
  status: number;
  contentType: string;
  body: string | Buffer;
}

/** One service kind: its routes and its quirks. The shared listener does everything else. */
export interface KindDefinition {
  readonly kind: SimulatorKind;
  /** Models offered when the options name none; the first is loaded unless `defaultLoaded` says otherwise. */
  readonly defaultModels: readonly string[];
  readonly defaultLoaded?: readonly string[];
  /** Every model is loaded at start (a Triton model repository), not only the first. */
  readonly loadsAll?: boolean;
  /** The kind-specific modes this server implements (see each kind's file for what they mean there). */
  readonly modes: readonly KindMode[];
  /** The server that answers in "wrong-service" mode: one that really shares a default port or a route. */
  readonly impostor: SimulatorKind;
  /** Answers one request in modes up, slow and the kind's own modes. */
  handle(req: SimRequest, res: ServerResponse, ctx: SimContext): Promise<void> | void;
  /** This server's error answer, used by "error-500" and "error-200". */
  errorReply(status: number, message: string): Reply;
  /** Overrides the generic "garbage" answer; returns false to fall back to it. */
  garbage?(req: SimRequest, res: ServerResponse, ctx: SimContext): boolean | Promise<boolean>;
}
