import { TemplateError } from "../../shared/errors.ts";
import type { Webhook } from "../monitor-config.ts";

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

const HEADER_LINE = /^([A-Za-z][A-Za-z0-9-]*):\s*(.*)$/;

/**
 * Turns a rendered template into the HTTP request for its webhook (pure; Gatus ntfy.go buildRequestBody).
 * json: the text must be a JSON document, sent as application/json.
 * ntfy: leading `Header: value` lines (Title, Priority, Tags, ...) become headers; after the first blank line
 * comes the plain-text message. Non-ASCII header values are RFC 2047-encoded, which ntfy decodes.
 */
export function buildWebhookRequest(webhook: Webhook, rendered: string, templateFile: string): WebhookRequest {
  if (webhook.format === "json") {
    try {
      JSON.parse(rendered);
    } catch (err) {
      throw new TemplateError(templateFile, undefined, `does not render to JSON (${(err as Error).message})`, err);
    }
    return { url: webhook.url, headers: { "content-type": "application/json", ...webhook.headers }, body: rendered.trim() };
  }
  const lines = rendered.replace(/^\s*\n/, "").split("\n");
  const headers: Record<string, string> = {};
  let i = 0;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === "") {
      i++;
      break;
    }
    const m = HEADER_LINE.exec(line);
    if (!m) throw new TemplateError(templateFile, i + 1, `expected "Header: value" lines, a blank line, then the message; got ${JSON.stringify(line)}`);
    if (m[2]!.trim() !== "") headers[m[1]!] = encodeHeaderValue(m[2]!.trim());
  }
  const body = lines.slice(i).join("\n").replace(/\n{3,}/g, "\n\n").trim();
  return { url: webhook.url, headers: { "content-type": "text/plain; charset=utf-8", ...headers, ...webhook.headers }, body };
}

/** Header values must be Latin-1; anything else goes as an RFC 2047 encoded word. */
export function encodeHeaderValue(value: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x20-\x7e]*$/.test(value)) return value;
  return `=?UTF-8?B?${Buffer.from(value, "utf8").toString("base64")}?=`;
}

/** The URL without credentials or query, for the alerts table and the log (an ntfy topic in the path stays). */
export function channelName(url: string): string {
  try {
    const u = new URL(url);
    return `webhook:${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return "webhook:(invalid url)";
  }
}
