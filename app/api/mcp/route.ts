// The MCP endpoint speaks JSON-RPC through the SDK's transport, not the REST contract: it is the
// one route not built with route(OPERATIONS.x, ...) (see tests/api/openapi.test.ts).
import { handleMcpRequest } from "@/lib/server/mcp-endpoint";

export const dynamic = "force-dynamic";

export function POST(request: Request): Promise<Response> {
  return handleMcpRequest(request);
}

/** Stateless: no stream to open and no session to end. */
export function GET(): Response {
  return Response.json({ jsonrpc: "2.0", error: { code: -32000, message: "Method not allowed: POST MCP requests to /api/mcp." }, id: null }, { status: 405, headers: { allow: "POST" } });
}
