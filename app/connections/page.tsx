import { pageActor } from "@/lib/server/auth/page-access";
import { listConnections } from "@/lib/server/connections/api";
import { redactSecrets } from "@/lib/server/connections/redaction";
import { ConnectionManager } from "@/components/connections/connection-manager";

export const dynamic = "force-dynamic";
export const metadata = { title: "Connections" };

export default async function ConnectionsPage() {
  const actor = await pageActor("/connections");
  const list = redactSecrets(await listConnections());
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <div className="eyebrow">Connections</div>
          <h1>MCP servers and HTTP APIs</h1>
          <p className="muted" style={{ marginTop: 6 }}>
            Each tool of a connected server, and each operation of an HTTP API&apos;s OpenAPI document, becomes an action <code>&lt;name&gt;.&lt;tool&gt;</code> in the flow <code>&lt;name&gt;</code>, at once, for planning and runs.
            Secrets (environment variables of a command, headers of a URL, an API&apos;s token, key or password) are stored encrypted and never shown again.
          </p>
        </div>
      </div>
      <ConnectionManager list={list} canChange={actor.permissions.includes("admin")} />
    </div>
  );
}
