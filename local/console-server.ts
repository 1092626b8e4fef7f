import type { IncomingMessage, ServerResponse } from "node:http";
import { buildConsole, type ConsoleBuild } from "../console/build.js";
import { consoleCsp } from "../src/config/console-csp.js";

/** Headers every console response carries. */
export const CONSOLE_SECURITY_HEADERS = {
  "content-security-policy": consoleCsp(),
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
};

/** Who a bearer token is, as the operator API would record it (null: not an operator). */
export type IdentifyOperator = (token: string) => { agent: string; groups: readonly string[] } | null;

/**
 * Serves the operator console at `/console/`: the built files, `config.json` (local sign-in with the
 * operator token), `session` (who the token is, for the sign-in form), and `index.html` for every
 * other path under `/console/` (deep links such as `/console/cases/{caseId}`).
 *
 * The console is built on the first request (esbuild, in memory), so `npm start` stays fast.
 */
export function createConsoleServer(options: {
  identify: IdentifyOperator;
  /**
   * What `/console/config.json` says (default `{ mode: "token" }`). The Chromium test of the Cognito
   * sign-in points it at a fake hosted UI on 127.0.0.1, as `cdk deploy` points it at Cognito's.
   */
  config?: Readonly<Record<string, unknown>>;
  /** Origins added to the CSP's `connect-src` (on AWS: the Cognito domain's token endpoint). */
  connectSrc?: readonly string[];
}) {
  const headers = options.connectSrc?.length
    ? { ...CONSOLE_SECURITY_HEADERS, "content-security-policy": consoleCsp(options.connectSrc) }
    : CONSOLE_SECURITY_HEADERS;
  const config = JSON.stringify(options.config ?? { mode: "token" });
  let built: Promise<ConsoleBuild> | undefined;
  const files = () => {
    built ??= buildConsole().catch((error: unknown) => {
      built = undefined;
      throw error;
    });
    return built;
  };

  const send = (response: ServerResponse, status: number, type: string, body: string | Buffer, cache = "no-cache") => {
    response.writeHead(status, { ...headers, "content-type": type, "cache-control": cache });
    response.end(body);
  };

  return async (request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> => {
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" });
      return void response.end("Method Not Allowed");
    }
    if (url.pathname === "/console") {
      response.writeHead(308, { location: `/console/${url.search}` });
      return void response.end();
    }
    const path = url.pathname.slice("/console/".length);
    if (path === "config.json") return send(response, 200, "application/json", config);
    if (path === "session") {
      const auth = String(request.headers.authorization ?? "");
      const token = auth.toLowerCase().startsWith("bearer ") ? auth.slice(7).trim() : "";
      const operator = token ? options.identify(token) : null;
      if (!operator)
        return send(
          response,
          401,
          "application/problem+json",
          JSON.stringify({
            type: "about:blank",
            title: "Unauthorized",
            status: 401,
            detail: "This operator token is not valid.",
          }),
        );
      return send(response, 200, "application/json", JSON.stringify(operator), "no-store");
    }
    const build = await files();
    const file = build.get(path);
    if (file) return send(response, 200, file.contentType, file.body);
    // A file-looking path that is not there is a 404; any other path is a page of the single-page app.
    if (/\.[a-z0-9]+$/i.test(path)) return send(response, 404, "text/plain; charset=utf-8", "Not Found");
    const index = build.get("index.html");
    if (!index) throw new Error("the console build has no index.html");
    return send(response, 200, index.contentType, index.body);
  };
}
