/**
 * Who the agent is, and the bearer token the operator API wants.
 *
 * - Locally (`config.json` `{ "mode": "token" }`): the operator token typed into the sign-in form.
 * - On AWS (`{ "mode": "cognito", ... }`): Cognito's hosted sign-in with the authorization code
 *   flow and PKCE (RFC 7636, S256). The console is a public client: no secret, the code verifier
 *   never leaves this tab, and `state` binds the answer to the request.
 *
 * Tokens live in `sessionStorage`: gone when the tab closes, never shared with another tab.
 */

export type ConsoleConfig =
  | { mode: "token" }
  | { mode: "cognito"; domain: string; clientId: string; scopes?: string[] };

const TOKEN_KEY = "vigil.token";
const AGENT_KEY = "vigil.agent";
const EXPIRES_KEY = "vigil.expiresAt";
const PKCE_KEY = "vigil.pkce";

let config: ConsoleConfig = { mode: "token" };

/** Reads `/console/config.json` (written by the local runtime or by `cdk deploy`). */
export async function loadConfig(): Promise<ConsoleConfig> {
  try {
    const response = await fetch("/console/config.json", { cache: "no-store" });
    if (response.ok) config = (await response.json()) as ConsoleConfig;
  } catch {
    // No config: the local token form.
  }
  return config;
}

export const authMode = () => config.mode;

/** The bearer token, or null when signed out or expired. */
export function token(): string | null {
  const value = sessionStorage.getItem(TOKEN_KEY);
  const expiresAt = Number(sessionStorage.getItem(EXPIRES_KEY) ?? "0");
  if (value && expiresAt && Date.now() > expiresAt) {
    signOutLocally();
    return null;
  }
  return value;
}

/** The agent's name as far as the console knows it (Cognito: the token's username). */
export const agentName = (): string | null => sessionStorage.getItem(AGENT_KEY);

export function rememberAgent(name: string): void {
  sessionStorage.setItem(AGENT_KEY, name);
}

/** Local sign-in: keeps the operator token for this tab. */
export function signInWithToken(value: string): void {
  sessionStorage.setItem(TOKEN_KEY, value.trim());
  sessionStorage.removeItem(EXPIRES_KEY);
}

export function signOutLocally(): void {
  for (const key of [TOKEN_KEY, AGENT_KEY, EXPIRES_KEY]) sessionStorage.removeItem(key);
}

/** Signs out; on AWS also ends the hosted-UI session. */
export function signOut(): void {
  signOutLocally();
  if (config.mode === "cognito") {
    const url = new URL("/logout", config.domain);
    url.searchParams.set("client_id", config.clientId);
    url.searchParams.set("logout_uri", `${location.origin}/console/`);
    location.assign(url.toString());
  }
}

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");

function randomString(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

const redirectUri = () => `${location.origin}/console/callback`;

/** Starts the Cognito sign-in: a fresh verifier and state, then the hosted UI. */
export async function startCognitoSignIn(returnTo: string): Promise<void> {
  if (config.mode !== "cognito") return;
  const verifier = randomString(48);
  const state = randomString(16);
  const challenge = base64url(
    new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))),
  );
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state, returnTo }));
  const url = new URL("/oauth2/authorize", config.domain);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("client_id", config.clientId);
  url.searchParams.set("redirect_uri", redirectUri());
  url.searchParams.set("scope", (config.scopes ?? ["openid", "email", "profile"]).join(" "));
  url.searchParams.set("state", state);
  url.searchParams.set("code_challenge_method", "S256");
  url.searchParams.set("code_challenge", challenge);
  location.assign(url.toString());
}

function jwtPayload(jwt: string): Record<string, unknown> {
  const part = jwt.split(".")[1] ?? "";
  const json = atob(part.replace(/-/g, "+").replace(/_/g, "/"));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0)))) as Record<string, unknown>;
}

/**
 * Completes the Cognito sign-in on `/console/callback`: checks `state`, exchanges the code with the
 * verifier, keeps the access token. Returns where to go next.
 */
export async function completeCognitoSignIn(params: URLSearchParams): Promise<string> {
  if (config.mode !== "cognito") throw new Error("Cognito sign-in is not configured for this console.");
  const saved = JSON.parse(sessionStorage.getItem(PKCE_KEY) ?? "null") as {
    verifier: string;
    state: string;
    returnTo: string;
  } | null;
  sessionStorage.removeItem(PKCE_KEY);
  const error = params.get("error_description") ?? params.get("error");
  if (error) throw new Error(`Sign-in failed: ${error}`);
  if (!saved || params.get("state") !== saved.state) throw new Error("Sign-in failed: the answer does not match.");
  const response = await fetch(new URL("/oauth2/token", config.domain), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      client_id: config.clientId,
      code: params.get("code") ?? "",
      redirect_uri: redirectUri(),
      code_verifier: saved.verifier,
    }),
  });
  if (!response.ok) throw new Error(`Sign-in failed: the token exchange answered ${response.status}.`);
  const tokens = (await response.json()) as { access_token: string; id_token?: string; expires_in: number };
  sessionStorage.setItem(TOKEN_KEY, tokens.access_token);
  sessionStorage.setItem(EXPIRES_KEY, String(Date.now() + (tokens.expires_in - 30) * 1000));
  const claims = jwtPayload(tokens.access_token);
  rememberAgent(String(claims.username ?? claims["cognito:username"] ?? claims.sub ?? ""));
  return saved.returnTo.startsWith("/console/") ? saved.returnTo : "/console/";
}
