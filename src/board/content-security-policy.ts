/**
 * The board's Content-Security-Policy: scripts and styles only from the tracker itself (no inline code, so text
 * that slipped into the markup could not run), connections only back to the tracker and to the workspace socket.
 */
export function contentSecurityPolicy(extraConnect: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src ${["'self'", ...extraConnect].join(" ")}`,
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

const HOSTNAME = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)$/;

/**
 * The workspace URL as the browser must use it: a server bound to every interface (0.0.0.0, ::) is reached at the
 * host name the browser used for the board. The Host header is checked before it goes into a URL or a header.
 */
export function browserWorkspaceUrl(workspaceUrl: string, hostHeader: string | undefined): string {
  const u = new URL(workspaceUrl);
  if (u.hostname !== "0.0.0.0" && u.hostname !== "[::]") return u.toString().replace(/\/$/, "");
  const host = (hostHeader ?? "").replace(/:\d+$/, "");
  if (!HOSTNAME.test(host)) return u.toString().replace(/\/$/, "");
  u.hostname = host;
  return u.toString().replace(/\/$/, "");
}
