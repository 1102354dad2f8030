// A small MCP server over stdio whose tool list grows: calling `grow` registers the tool
// `grown`, and the SDK announces it with notifications/tools/list_changed. For the test of the
// catalog refresh (server-everything never changes its tools).
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";

const server = new McpServer({ name: "growing", version: "1.0.0" });
server.registerTool("grow", { description: "Adds the tool grown", annotations: { readOnlyHint: false } }, async () => {
  server.registerTool("grown", { description: "A tool that appeared later", annotations: { readOnlyHint: true } }, async () => ({ content: [{ type: "text", text: "grown" }] }));
  return { content: [{ type: "text", text: "added grown" }] };
});
await server.connect(new StdioServerTransport());
