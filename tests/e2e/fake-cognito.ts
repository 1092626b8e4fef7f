import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What the fake hosted UI saw at its token endpoint: each exchange and why it was refused, if it was. */
export interface Exchange {
  clientId: string;
  redirectUri: string;
  /** `S256` of the verifier matched the challenge sent to `/oauth2/authorize`. */
  verifierMatched: boolean;
  refused: string | null;
}

/** A started fake: its origin, what it issued and saw, and how to stop it. */
export interface FakeCognito {
  origin: string;
  /** Access tokens issued, in order. */
  issued: string[];
  exchanges: Exchange[];
  /** Authorization requests refused (client, redirect URI, response type, PKCE method). */
  refusedAuthorizations: string[];
  stop(): Promise<void>;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  username: string;
  used: boolean;
}

const base64url = (bytes: Buffer) => bytes.toString("base64url");

async function formBody(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

function html(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
  response.end(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in</title></head><body>${body}</body></html>`,
  );
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);

/**
 * A stand-in for Cognito's hosted UI on 127.0.0.1, as strict as RFC 6749 + RFC 7636 ask of the
 * authorization code flow with PKCE for one public client:
 * - `GET /oauth2/authorize` refuses an unknown client, a redirect URI other than the registered one,
 *   a response type other than `code`, a PKCE method other than `S256` or a missing challenge or
 *   state; otherwise it shows a sign-in form (username), whose submission redirects to the redirect
 *   URI with a one-time code and the `state` unchanged;
 * - `POST /oauth2/token` (CORS for the console's origin, as Cognito's) redeems a code once, for the
 *   same client and redirect URI, only if `BASE64URL(SHA-256(code_verifier))` equals the challenge;
 *   it issues an access token (a JWT-shaped string carrying `username`, unsigned: the fake API
 *   beside it compares the whole string).
 */
export async function startFakeCognito(options: {
  clientId: string;
  redirectUri: string;
  consoleOrigin: string;
}): Promise<FakeCognito> {
  const codes = new Map<string, PendingCode>();
  const issued: string[] = [];
  const exchanges: Exchange[] = [];
  const refusedAuthorizations: string[] = [];

  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? "/", "http://127.0.0.1");
      if (request.method === "GET" && url.pathname === "/oauth2/authorize") {
        const q = url.searchParams;
        const refusal =
          q.get("client_id") !== options.clientId
            ? "unknown client"
            : q.get("redirect_uri") !== options.redirectUri
              ? "redirect_uri mismatch"
              : q.get("response_type") !== "code"
                ? "unsupported response type"
                : q.get("code_challenge_method") !== "S256"
                  ? "PKCE method must be S256"
                  : !/^[A-Za-z0-9_-]{43}$/.test(q.get("code_challenge") ?? "")
                    ? "missing or malformed code_challenge"
                    : !q.get("state")
                      ? "missing state"
                      : null;
        if (refusal) {
          refusedAuthorizations.push(refusal);
          return html(response, 400, `<p>${escapeHtml(refusal)}</p>`);
        }
        return html(
          response,
          200,
          `<main><h1>Sign in</h1><form method="post" action="/login">
            ${["client_id", "redirect_uri", "state", "code_challenge"]
              .map((name) => `<input type="hidden" name="${name}" value="${escapeHtml(q.get(name) ?? "")}">`)
              .join("")}
            <label for="username">Username</label> <input id="username" name="username">
            <button type="submit">Sign in</button></form></main>`,
        );
      }
      if (request.method === "POST" && url.pathname === "/login") {
        const form = await formBody(request);
        const code = base64url(randomBytes(24));
        codes.set(code, {
          clientId: form.get("client_id") ?? "",
          redirectUri: form.get("redirect_uri") ?? "",
          challenge: form.get("code_challenge") ?? "",
          username: form.get("username") || "agent",
          used: false,
        });
        const to = new URL(options.redirectUri);
        to.searchParams.set("code", code);
        to.searchParams.set("state", form.get("state") ?? "");
        response.writeHead(302, { location: to.toString() });
        return void response.end();
      }
      if (url.pathname === "/oauth2/token") {
        const cors = { "access-control-allow-origin": options.consoleOrigin, vary: "Origin" };
        if (request.method === "OPTIONS") {
          response.writeHead(204, { ...cors, "access-control-allow-headers": "content-type" });
          return void response.end();
        }
        const form = await formBody(request);
        const pending = codes.get(form.get("code") ?? "");
        const verifier = form.get("code_verifier") ?? "";
        const verifierMatched =
          pending !== undefined &&
          /^[A-Za-z0-9._~-]{43,128}$/.test(verifier) &&
          base64url(createHash("sha256").update(verifier, "ascii").digest()) === pending.challenge;
        const refused =
          form.get("grant_type") !== "authorization_code"
            ? "unsupported_grant_type"
            : form.get("client_id") !== options.clientId
              ? "invalid_client"
              : pending === undefined || pending.used
                ? "invalid_grant: unknown or used code"
                : pending.clientId !== options.clientId || form.get("redirect_uri") !== pending.redirectUri
                  ? "invalid_grant: redirect_uri mismatch"
                  : !verifierMatched
                    ? "invalid_grant: code_verifier does not match the challenge"
                    : null;
        exchanges.push({
          clientId: form.get("client_id") ?? "",
          redirectUri: form.get("redirect_uri") ?? "",
          verifierMatched,
          refused,
        });
        if (pending) pending.used = true;
        if (refused || !pending) {
          response.writeHead(400, { ...cors, "content-type": "application/json" });
          return void response.end(JSON.stringify({ error: refused?.split(":")[0] ?? "invalid_grant" }));
        }
        const claims = { sub: `sub-${pending.username}`, username: pending.username, token_use: "access" };
        const accessToken = [
          base64url(Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" }))),
          base64url(Buffer.from(JSON.stringify(claims))),
          base64url(randomBytes(16)),
        ].join(".");
        issued.push(accessToken);
        response.writeHead(200, { ...cors, "content-type": "application/json", "cache-control": "no-store" });
        return void response.end(
          JSON.stringify({ access_token: accessToken, id_token: accessToken, token_type: "Bearer", expires_in: 900 }),
        );
      }
      response.writeHead(404);
      response.end();
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    issued,
    exchanges,
    refusedAuthorizations,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
