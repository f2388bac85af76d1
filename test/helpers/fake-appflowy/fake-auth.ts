import { createHash, createHmac, randomUUID } from "node:crypto";
import { AppAnswer, HttpAnswer, RawJson, type User } from "./fake-types.ts";

const SECRET = "fake-appflowy-jwt-secret";

/**
 * The double's GoTrue and bearer checks (API.md 3 and 2.2): HS256 tokens with every claim the server requires,
 * expiring after `tokenTtlS`, single-use rotating refresh tokens, and the server's exact 401 texts.
 */
export class FakeAuth {
  readonly users = new Map<string, User>();
  /** How many times a refresh token was presented twice (a client that does not serialise refreshes). */
  refreshReuse = 0;
  private readonly refreshTokens = new Map<string, { uuid: string; used: boolean }>();

  constructor(private readonly options: { tokenTtlS: number; leewayS: number }) {}

  private mint(user: User): Record<string, unknown> {
    const now = Math.floor(Date.now() / 1000);
    const exp = now + this.options.tokenTtlS;
    const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString("base64url");
    const head = b64({ alg: "HS256", typ: "JWT" });
    const claims = b64({ sub: user.uuid, aud: "authenticated", exp, iat: now, email: user.email, phone: "", app_metadata: { provider: "email" }, user_metadata: {}, role: "authenticated", jti: randomUUID() });
    const sig = createHmac("sha256", SECRET).update(`${head}.${claims}`).digest("base64url");
    const refresh = createHash("sha256").update(randomUUID()).digest("base64url").slice(0, 22);
    this.refreshTokens.set(refresh, { uuid: user.uuid, used: false });
    return { access_token: `${head}.${claims}.${sig}`, token_type: "bearer", expires_in: this.options.tokenTtlS, expires_at: exp, refresh_token: refresh, user: { id: user.uuid, aud: "authenticated", role: "authenticated", email: user.email } };
  }

  token(url: URL, body: unknown): RawJson {
    const b = (body ?? {}) as Record<string, unknown>;
    const grant = url.searchParams.get("grant_type");
    const refuse = (d: string): never => {
      throw new HttpAnswer(400, JSON.stringify({ error: "invalid_grant", error_description: d }));
    };
    if (grant === "password") {
      const user = this.users.get(String(b.email ?? ""));
      if (!user || user.password !== b.password) refuse("Invalid login credentials");
      if (!user!.confirmed) refuse("Email not confirmed");
      return new RawJson(this.mint(user!));
    }
    if (grant === "refresh_token") {
      const t = this.refreshTokens.get(String(b.refresh_token ?? ""));
      if (!t) refuse("Invalid Refresh Token: Refresh Token Not Found");
      if (t!.used) {
        this.refreshReuse++;
        refuse("Invalid Refresh Token: Already Used");
      }
      t!.used = true;
      return new RawJson(this.mint([...this.users.values()].find((u) => u.uuid === t!.uuid)!));
    }
    throw new HttpAnswer(400, JSON.stringify({ code: 400, msg: "unsupported_grant_type" }));
  }

  /** The user behind a bearer, with the server's exact 401 texts (API.md 2.2). */
  authenticate(header: string | undefined): User {
    if (!header) throw new HttpAnswer(401, "No Authorization header");
    if (!header.startsWith("Bearer ")) throw new HttpAnswer(401, "Invalid Authorization header, missing Bearer");
    const user = this.decode(header.slice(7));
    if (!user.verified) throw new AppAnswer(-2, "Record not found:Record not exist in db. no rows returned by a query that expected to return at least one row)");
    return user;
  }

  decode(token: string): User {
    const [head, claims, sig] = token.split(".");
    if (!head || !claims || !sig || createHmac("sha256", SECRET).update(`${head}.${claims}`).digest("base64url") !== sig) {
      throw new HttpAnswer(401, "fail to decode token, error:InvalidSignature");
    }
    const c = JSON.parse(Buffer.from(claims, "base64url").toString()) as Record<string, unknown>;
    if (Number(c.exp) + this.options.leewayS < Date.now() / 1000) throw new HttpAnswer(401, "fail to decode token, error:ExpiredSignature");
    for (const k of ["email", "phone", "app_metadata", "user_metadata", "role"]) if (!(k in c)) throw new HttpAnswer(401, `fail to decode token, error:missing field \`${k}\``);
    const user = [...this.users.values()].find((u) => u.uuid === c.sub);
    if (!user) throw new HttpAnswer(401, "Invalid Authorization header, missing sub(uuid)");
    return user;
  }
}
