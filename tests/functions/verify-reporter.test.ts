import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createHandler } from "../../functions/verify-reporter.js";
import { logger } from "../../src/adapters/lambda/handlers.js";
import type { Report } from "../../src/schemas/report.js";
import { makeVerifyReporter } from "../../src/use-cases/verify-reporter.js";
import { makeTestDeps, startVerification as startTestVerification } from "../fixtures/deps.js";
import { fakeContext, httpEvent } from "../helpers/lambda.js";

const holder = { deps: makeTestDeps() };
const SITE = { brand: "Acme Wallet", supportUrl: "https://help.acme.test/support" };
const handler = createHandler({ verifyReporter: makeVerifyReporter(holder.deps), site: SITE });

const CONTEXT = fakeContext({ functionName: "verify-reporter" });
const FORM = "application/x-www-form-urlencoded";

let phones = 0;
/**
 * A case waiting on its reporter; each on its own phone number, since the deps (and so the per-number send
 * log, which counts across cases) live for the whole file.
 */
const startVerification = (report: Partial<Report> = {}) =>
  startTestVerification(holder.deps, {
    reporter: { email: "ana@example.com", phone: `+1415555${String(++phones).padStart(4, "0")}`, locale: "en" },
    ...report,
  });

function request(options: {
  route: "GET /v1/verify/{token}" | "POST /v1/verify/{token}" | "POST /v1/verify/{token}/resend" | string;
  token?: string;
  body?: string;
  contentType?: string;
  accept?: string;
  acceptLanguage?: string;
}): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  if (options.contentType) headers["content-type"] = options.contentType;
  if (options.accept) headers.accept = options.accept;
  if (options.acceptLanguage) headers["accept-language"] = options.acceptLanguage;
  return httpEvent({
    route: options.route,
    headers,
    ...(options.token === undefined ? {} : { pathParameters: { token: options.token } }),
    ...(options.body === undefined ? {} : { body: options.body }),
    sourceIp: "198.51.100.7",
  });
}

const get = (token: string) => handler(request({ route: "GET /v1/verify/{token}", token }), CONTEXT);
const postForm = (token: string, fields: Record<string, string>) =>
  handler(
    request({
      route: "POST /v1/verify/{token}",
      token,
      body: new URLSearchParams(fields).toString(),
      contentType: FORM,
    }),
    CONTEXT,
  );
const postJson = (token: string, body: unknown, accept = "application/json") =>
  handler(
    request({
      route: "POST /v1/verify/{token}",
      token,
      body: JSON.stringify(body),
      contentType: "application/json",
      accept,
    }),
    CONTEXT,
  );

function expectSecurityHeaders(headers: Record<string, string> | undefined) {
  expect(headers).toMatchObject({
    "cache-control": "no-store",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "content-security-policy": expect.stringContaining(
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    ),
  });
}

describe("verify-reporter handler", () => {
  describe("GET /v1/verify/{token}", () => {
    it("serves an accessible HTML page with the code field, both buttons and the security headers", async () => {
      // Prepare
      const { caseId, token } = await startVerification();

      // Act
      const response = await get(token);

      // Assess
      expect(response.statusCode).toBe(200);
      expect(response.headers?.["content-type"]).toBe("text/html; charset=utf-8");
      expectSecurityHeaders(response.headers);
      const body = response.body ?? "";
      expect(body).toMatch(/^<!doctype html>\n<html lang="en">/);
      expect(body).toContain(`<h1>Confirm your report</h1>`);
      expect(body).toContain(caseId);
      expect(body).toContain("a***@example.com");
      expect(body).toContain("You reported unauthorized access.");
      expect(body).toMatch(/<label for="code">[^<]+<\/label>\s*<input id="code" name="code"/);
      expect(body).toContain('<button type="submit" name="decision" value="confirm" class="primary">Confirm</button>');
      expect(body).toContain(
        'name="decision" value="deny" class="secondary" formnovalidate>This wasn&#39;t me</button>',
      );
      expect(body).toContain('<form method="post">');
      expect(body).not.toMatch(/<script|src=|https?:\/\/(?!vigil)/i);
    });

    it("renders the page in Spanish for a Spanish-speaking reporter and escapes every value", async () => {
      // Prepare
      const { token } = await startVerification({
        reporter: { email: "<b>@example.com", locale: "es-MX" },
        incidentType: "sim_swap",
      });

      // Act
      const response = await get(token);

      // Assess
      const body = response.body ?? "";
      expect(body).toContain('<html lang="es">');
      expect(body).toContain("Confirma tu reporte");
      expect(body).toContain("&lt;***@example.com");
      expect(body).not.toContain("<b>");
      expect(body).not.toContain('name="code"');
    });

    it("serves the same generic page for unknown, used and expired tokens", async () => {
      // Prepare
      const used = await startVerification();
      const expired = await startVerification();
      await postForm(used.token, { decision: "confirm", code: used.code ?? "" });
      holder.deps.clock.advance(31 * 60);

      // Act
      const responses = await Promise.all(["nope", used.token, expired.token].map((token) => get(token)));

      // Assess
      expect(responses.map((response) => response.statusCode)).toEqual([200, 200, 200]);
      expect(new Set(responses.map((response) => response.body)).size).toBe(1);
      expect(responses[0]?.body).toContain("This link is no longer valid");
    });

    it("speaks the request's language on the invalid-link page, with the brand and the support link", async () => {
      // Prepare
      const spanishCase = await startVerification({ reporter: { email: "ana@example.com", locale: "es" } });
      holder.deps.clock.advance(31 * 60);
      const ask = (token: string, acceptLanguage?: string) =>
        handler(
          request({ route: "GET /v1/verify/{token}", token, ...(acceptLanguage ? { acceptLanguage } : {}) }),
          CONTEXT,
        );

      // Act
      const spanishBrowser = await ask("nope", "fr-CH, es-MX;q=0.9, en;q=0.8");
      const spanishBrowserExpired = await ask(spanishCase.token, "fr-CH, es-MX;q=0.9, en;q=0.8");
      const englishBrowserExpired = await ask(spanishCase.token, "de, en-GB;q=0.5");
      const noHeader = await ask("nope");

      // Assess
      const body = spanishBrowser.body ?? "";
      expect(body).toContain('<html lang="es">');
      expect(body).toContain("<h1>Este enlace ya no es válido</h1>");
      expect(body).toContain('<p class="brand">Acme Wallet</p>');
      expect(body).toContain("el equipo de soporte de Acme Wallet");
      expect(body).toContain('<a href="https://help.acme.test/support">Contactar con el soporte de Acme Wallet</a>');
      // The same bytes whether or not a case exists: the case's own language is never used.
      expect(spanishBrowserExpired.body).toBe(body);
      expect(englishBrowserExpired.body).toContain("<h1>This link is no longer valid</h1>");
      expect(englishBrowserExpired.body).toContain(">Contact Acme Wallet support</a>");
      expect(noHeader.body).toBe(englishBrowserExpired.body);
      expectSecurityHeaders(spanishBrowser.headers);
    });

    it("leaves the support link out when no support URL is configured", async () => {
      // Prepare
      const bare = createHandler({
        verifyReporter: makeVerifyReporter(holder.deps),
        site: { brand: "Wallet Security" },
      });

      // Act
      const response = await bare(request({ route: "GET /v1/verify/{token}", token: "nope" }), CONTEXT);

      // Assess
      expect(response.body).toContain("contact the Wallet Security support team.");
      expect(response.body).not.toContain("<a ");
    });
  });

  describe("POST /v1/verify/{token}", () => {
    it("verifies from the form and answers with the HTML result page", async () => {
      // Prepare
      const { token, code } = await startVerification();

      // Act
      const response = await postForm(token, { decision: "confirm", code: code ?? "" });

      // Assess
      expect(response.statusCode).toBe(200);
      expectSecurityHeaders(response.headers);
      expect(response.body).toContain("Thank you, you are verified");
    });

    it("answers JSON with only status and attemptsLeft when the client accepts JSON", async () => {
      // Prepare
      const { token, code } = await startVerification();

      // Act
      const wrongCode = await postJson(token, { decision: "confirm", code: "000000" === code ? "111111" : "000000" });
      const right = await postJson(token, { decision: "confirm", code });
      const unknown = await postJson("bm90LWEtdG9rZW4", { decision: "confirm", code });

      // Assess
      expect(wrongCode.headers?.["content-type"]).toBe("application/json");
      expectSecurityHeaders(wrongCode.headers);
      expect(JSON.parse(wrongCode.body ?? "")).toEqual({ status: "invalid", attemptsLeft: 4 });
      expect(JSON.parse(right.body ?? "")).toEqual({ status: "verified", attemptsLeft: 0 });
      expect([unknown.statusCode, JSON.parse(unknown.body ?? "")]).toEqual([
        200,
        { status: "invalid", attemptsLeft: 0 },
      ]);
    });

    it("shows the form again with an alert after a wrong code", async () => {
      // Prepare
      const { token, code } = await startVerification();

      // Act
      const response = await postForm(token, { decision: "confirm", code: code === "000000" ? "111111" : "000000" });

      // Assess
      expect(response.statusCode).toBe(200);
      expect(response.body).toContain('role="alert"');
      expect(response.body).toContain("4 attempts left");
      expect(response.body).toContain('aria-invalid="true"');
    });

    it("records a denial from the form", async () => {
      // Prepare
      const { token } = await startVerification();

      // Act
      const response = await postForm(token, { decision: "deny" });

      // Assess
      expect(response.body).toContain("Thank you for telling us");
      expect(holder.deps.workflow.responses.at(-1)).toMatchObject({ outcome: "failure", error: "VerificationDenied" });
    });

    it("refuses other media types with 415", async () => {
      // Prepare
      const { token } = await startVerification();

      // Act
      const response = await handler(
        request({ route: "POST /v1/verify/{token}", token, body: "decision=confirm", contentType: "text/plain" }),
        CONTEXT,
      );

      // Assess
      expect(response.statusCode).toBe(415);
      expect(response.headers?.["content-type"]).toBe("application/problem+json");
      expectSecurityHeaders(response.headers);
    });

    it("refuses a body over 4 KiB with 413", async () => {
      // Prepare
      const { token } = await startVerification();

      // Act
      const response = await postJson(token, { decision: "confirm", code: "123456", padding: "x".repeat(4096) });

      // Assess
      expect(response.statusCode).toBe(413);
      expect(JSON.parse(response.body ?? "")).toMatchObject({ status: 413, title: "Content Too Large" });
    });

    it.each([
      ["invalid JSON", "{not json", "application/json"],
      ["an unknown decision", JSON.stringify({ decision: "maybe" }), "application/json"],
      ["a code that is not a string", JSON.stringify({ decision: "confirm", code: 123456 }), "application/json"],
      ["a form without a decision", "code=123456", FORM],
    ])("answers 400 problem+json for %s", async (_label, body, contentType) => {
      // Prepare
      const { token } = await startVerification();

      // Act
      const response = await handler(request({ route: "POST /v1/verify/{token}", token, body, contentType }), CONTEXT);

      // Assess
      expect(response.statusCode).toBe(400);
      expect(response.headers?.["content-type"]).toBe("application/problem+json");
      const problem = JSON.parse(response.body ?? "");
      expect(problem).toMatchObject({ type: "https://vigil.dev/problems/validation", status: 400 });
      expect(problem.errors.length).toBeGreaterThan(0);
    });
  });

  describe("POST /v1/verify/{token}/resend", () => {
    it("answers 202 accepted in JSON and as a page, then 429 with Retry-After over the limit", async () => {
      // Prepare
      const { token } = await startVerification();
      const resend = (accept?: string) =>
        handler(
          request({ route: "POST /v1/verify/{token}/resend", token, body: "", contentType: FORM, accept }),
          CONTEXT,
        );

      // Act
      const json = await resend("application/json");
      const page = await resend();
      const limitedJson = await resend("application/json");
      const limitedPage = await resend();

      // Assess
      expect([json.statusCode, JSON.parse(json.body ?? "")]).toEqual([202, { status: "accepted" }]);
      expect(page.statusCode).toBe(202);
      expect(page.body).toContain("Request received");
      expect(page.body).toContain(`href="../${token}"`);
      expect(limitedJson.statusCode).toBe(429);
      expect(limitedJson.headers?.["retry-after"]).toMatch(/^\d+$/);
      expect(limitedJson.headers?.["content-type"]).toBe("application/problem+json");
      expect(limitedPage.statusCode).toBe(429);
      expect(limitedPage.headers?.["content-type"]).toBe("text/html; charset=utf-8");
      expectSecurityHeaders(limitedPage.headers);
    });

    it("answers the same for an unknown token and escapes it in the page", async () => {
      // Prepare
      const token = `x"><script>alert(1)</script>`;

      // Act
      const json = await handler(
        request({
          route: "POST /v1/verify/{token}/resend",
          token,
          body: "{}",
          contentType: "application/json",
          accept: "application/json",
        }),
        CONTEXT,
      );
      const page = await handler(
        request({ route: "POST /v1/verify/{token}/resend", token, body: "", contentType: FORM }),
        CONTEXT,
      );

      // Assess
      expect([json.statusCode, JSON.parse(json.body ?? "")]).toEqual([202, { status: "accepted" }]);
      expect(page.body).not.toContain("<script>");
    });
  });

  describe("routing and logs", () => {
    it("answers 404 for an unknown route and 400 without a token", async () => {
      // Act
      const unknown = await handler(request({ route: "DELETE /v1/verify/{token}", token: "abc" }), CONTEXT);
      const missing = await handler(request({ route: "GET /v1/verify/{token}" }), CONTEXT);

      // Assess
      expect(unknown.statusCode).toBe(404);
      expect(missing.statusCode).toBe(400);
      // Errors too carry the security headers (the middleware runs after the problem mapper).
      expectSecurityHeaders(unknown.headers);
      expectSecurityHeaders(missing.headers);
      expect(missing.headers?.["x-content-type-options"]).toBe("nosniff");
      expect(missing.headers?.["content-security-policy"]).toContain("frame-ancestors 'none'");
    });

    describe("with output captured", () => {
      const output: string[] = [];
      beforeEach(() => {
        output.length = 0;
        // Everything the function could log, not just what the test environment's WARN level lets through.
        logger.setLogLevel("DEBUG");
        const capture = (chunk: unknown) => {
          output.push(String(chunk));
          return true;
        };
        vi.spyOn(process.stdout, "write").mockImplementation(capture);
        vi.spyOn(process.stderr, "write").mockImplementation(capture);
        for (const level of ["log", "info", "warn", "error", "debug"] as const) {
          vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
            output.push(args.map(String).join(" "));
          });
        }
      });
      afterEach(() => {
        vi.restoreAllMocks();
        logger.setLogLevel("WARN");
      });

      it("never writes the token or the code to the logs, even when a request fails unexpectedly", async () => {
        // Prepare
        const { token, code } = await startVerification();
        const links = holder.deps.links;
        const originalGet = links.get.bind(links);
        let failures = 1;
        vi.spyOn(links, "get").mockImplementation(async (hash) => {
          if (failures-- > 0) throw new Error("DynamoDB exploded");
          return originalGet(hash);
        });

        // Act
        const crashed = await postJson(token, { decision: "confirm", code });
        await get(token);
        await postJson(token, { decision: "confirm", code: "999999" });
        await handler(
          request({ route: "POST /v1/verify/{token}", token, body: "{bad", contentType: "application/json" }),
          CONTEXT,
        );
        await handler(
          request({ route: "POST /v1/verify/{token}/resend", token, body: "", contentType: FORM }),
          CONTEXT,
        );
        await postForm(token, { decision: "confirm", code: code ?? "" });

        // Assess
        expect(crashed.statusCode).toBe(500);
        const logged = output.join("\n");
        expect(logged).toContain("request failed");
        expect(logged).not.toContain(token);
        expect(logged).not.toContain(code);
      });
    });
  });
});
