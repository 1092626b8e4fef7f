/**
 * The operator console's Content-Security-Policy, one definition for the local runtime that serves the
 * console and the CloudFront response headers that serve it on AWS: no inline script, nothing external.
 */
export function consoleCsp(extraConnect: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self'${extraConnect.map((origin) => ` ${origin}`).join("")}`,
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}
