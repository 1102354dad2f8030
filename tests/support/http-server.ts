/**
 * A throwaway HTTP server on 127.0.0.1 for tests: each path maps to a handler, so tests
 * exercise real sockets, headers and streaming without the network.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

export interface TestServer {
  url: string;
  hits: { method: string; path: string; headers: http.IncomingHttpHeaders; body: string }[];
  close(): Promise<void>;
}

export async function startTestServer(routes: Record<string, Handler>): Promise<TestServer> {
  const hits: TestServer["hits"] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const pathOnly = (req.url ?? "/").split("?")[0];
      hits.push({ method: req.method ?? "", path: req.url ?? "/", headers: req.headers, body });
      const handler = routes[pathOnly];
      if (!handler) {
        res.writeHead(404, { "content-type": "text/plain" }).end("not found");
        return;
      }
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
