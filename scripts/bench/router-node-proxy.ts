// A bare node:http reverse proxy (keep-alive agent, no parsing, no routing), for the router bench: what one
// Node hop costs on this machine before the router does anything. Usage: ... router-node-proxy.ts UPSTREAM_PORT
import http from "node:http";

const upstreamPort = Number(process.argv[2]);
const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks);
    const up = http.request(
      { agent, host: "127.0.0.1", port: upstreamPort, path: req.url, method: "POST", headers: { "content-type": "application/json", "content-length": body.length } },
      (upRes) => {
        const out: Buffer[] = [];
        upRes.on("data", (c: Buffer) => out.push(c));
        upRes.on("end", () => {
          const answer = Buffer.concat(out);
          res.writeHead(upRes.statusCode ?? 502, { "content-type": "application/json", "content-length": answer.length });
          res.end(answer);
        });
      },
    );
    up.on("error", () => {
      res.writeHead(502);
      res.end();
    });
    up.end(body);
  });
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`listening ${(server.address() as { port: number }).port}\n`));
process.on("SIGTERM", () => process.exit(0));
