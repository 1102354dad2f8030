// A small MCP server over stdio for the tests that server-everything cannot serve:
// - its tool list grows: calling `grow` registers the tool `grown`, and the SDK announces it with
//   notifications/tools/list_changed (server-everything never changes its tools);
// - `wait` waits until the client cancels it (notifications/cancelled aborts the handler's
//   signal), and `last-wait` tells whether the last wait ended that way;
// - `say` sends a log message (notifications/message) while it is called.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";

const server = new McpServer({ name: "growing", version: "1.0.0" }, { capabilities: { logging: {} } });
let lastWait = "none";

server.registerTool("grow", { description: "Adds the tool grown", annotations: { readOnlyHint: false } }, async () => {
  server.registerTool("grown", { description: "A tool that appeared later", annotations: { readOnlyHint: true } }, async () => ({ content: [{ type: "text", text: "grown" }] }));
  return { content: [{ type: "text", text: "added grown" }] };
});

server.registerTool("wait", { description: "Waits until it is cancelled", annotations: { readOnlyHint: true } }, async (extra) => {
  lastWait = "waiting";
  await new Promise((resolve) => extra.signal.addEventListener("abort", resolve, { once: true }));
  lastWait = "cancelled";
  return { content: [{ type: "text", text: "cancelled" }] };
});

server.registerTool("last-wait", { description: "How the last wait ended", annotations: { readOnlyHint: true } }, async () => ({ content: [{ type: "text", text: lastWait }] }));

server.registerTool("say", { description: "Logs a warning, then answers", annotations: { readOnlyHint: true } }, async () => {
  await server.sendLoggingMessage({ level: "warning", logger: "growing", data: "the disk is nearly full" });
  return { content: [{ type: "text", text: "said" }] };
});

await server.connect(new StdioServerTransport());
