import { describe, expect, it } from "vitest";
import { browserWorkspaceUrl, contentSecurityPolicy } from "../../src/board/content-security-policy.ts";

describe("browserWorkspaceUrl()", () => {
  it.each([
    { name: "a loopback server as it is", url: "ws://127.0.0.1:4001", host: "example.test:4000", want: "ws://127.0.0.1:4001" },
    { name: "0.0.0.0 at the board's host name", url: "ws://0.0.0.0:4001", host: "tracker.lan:4000", want: "ws://tracker.lan:4001" },
    { name: ":: at the board's IPv6 host", url: "ws://[::]:4001", host: "[fd00::1]:4000", want: "ws://[fd00::1]:4001" },
    { name: "a Host header that would break the header, ignored", url: "ws://0.0.0.0:4001", host: "evil.test; script-src *", want: "ws://0.0.0.0:4001" },
    { name: "no Host header", url: "ws://0.0.0.0:4001", host: undefined, want: "ws://0.0.0.0:4001" },
  ])("browserWorkspaceUrl() gives $name", ({ url, host, want }) => {
    expect(browserWorkspaceUrl(url, host)).toBe(want);
  });
});

describe("contentSecurityPolicy()", () => {
  it("allows scripts, styles and connections only from the tracker and the listed sockets", () => {
    const csp = contentSecurityPolicy(["ws://127.0.0.1:4001"]);
    expect(csp.split("; ")).toEqual([
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "connect-src 'self' ws://127.0.0.1:4001",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ]);
  });
});
