/** `trellis login` / `trellis logout`: keep (or forget) an API token for a server. */
import { createClient } from "../../contract/client";
import { parseCommandArgs } from "../args";
import type { Command } from "../command";
import { credentialsFile, forgetToken, keepToken } from "../credentials";
import { ApiRequestError } from "../../contract/client";
import { CliError, ExitCode, usageError } from "../exit-codes";

function serverOf(values: { server?: string }): string {
  const server = values.server ?? (process.env.TRELLIS_SERVER_URL?.trim() || undefined);
  if (!server) throw usageError("Say which server: trellis login --server https://trellis.example.com");
  try {
    const u = new URL(server);
    if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error();
    return u.toString().replace(/\/+$/, "");
  } catch {
    throw usageError(`--server "${server}" is not an http(s) URL.`);
  }
}

export const loginCommand: Command = {
  name: "login",
  summary: "Keep an API token for a server",
  usage: ["login --server URL [--token trl_...]"],
  details: [
    "Make a token on the server's Settings page (its scopes decide what the CLI may do), then give it here, or paste it when asked.",
    "The token is checked against the server and kept, readable by you only, in ~/.config/trellis/credentials.json (or $TRELLIS_CONFIG_DIR).",
    "TRELLIS_TOKEN, when set, is used instead of a kept token.",
  ],
  async run(ctx, argv) {
    const { values } = parseCommandArgs(argv, { token: { type: "string" } });
    const server = serverOf(values);
    const token = (values.token ?? (await ctx.prompter().ask("API token (from the Settings page): ")) ?? "").trim();
    if (!token) throw usageError("No token given.");
    let me;
    try {
      me = await createClient({ baseUrl: server, token }).call("getMe");
    } catch (err) {
      if (ApiRequestError.isInstance(err) && err.status === 401) throw new CliError(ExitCode.usage, `${server} does not accept this token (it is wrong, revoked or expired).`);
      if (ApiRequestError.isInstance(err) && err.code === "network") throw new CliError(ExitCode.unreachable, err.message);
      throw err;
    }
    keepToken(server, token, me.actor.email);
    ctx.out.line(me.accounts ? `Logged in to ${server} as ${me.actor.email} (${me.actor.role}); may ${me.permissions.join(", ")}.` : `${server} has accounts off (one person on its own machine): the token is kept, but not needed.`);
    ctx.out.result({ server, accounts: me.accounts, actor: me.actor, permissions: me.permissions, credentials: credentialsFile() });
    return ExitCode.ok;
  },
};

export const logoutCommand: Command = {
  name: "logout",
  summary: "Forget the API token kept for a server",
  usage: ["logout --server URL"],
  details: ["The token stays valid on the server until it expires or is revoked on the Settings page."],
  async run(ctx, argv) {
    const { values } = parseCommandArgs(argv, {});
    const server = serverOf(values);
    const had = forgetToken(server);
    ctx.out.line(had ? `Forgot the token for ${server}.` : `No token was kept for ${server}.`);
    ctx.out.result({ server, forgotten: had });
    return ExitCode.ok;
  },
};
