import type { IncomingMessage, ServerResponse } from "node:http";
import { escapeHtml } from "../src/domain/messages/html.js";
import type { Outbox, OutboxMessage } from "./outbox.js";

/** The inbox page: no script at all; its own styles; emails in sandboxed frames served from this origin. */
const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; frame-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * One email's HTML: inline styles allowed (emails have them), nothing else, and sandboxed even when
 * opened on its own (no script, no same-origin; links open in a new tab, outside the sandbox).
 */
const EMAIL_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; sandbox allow-popups allow-popups-to-escape-sandbox";

/** Text with its http(s) links made clickable; everything else escaped. */
export function linkify(text: string): string {
  const parts = text.split(/(https?:\/\/[^\s<>"']+)/g);
  return parts
    .map((part, index) =>
      index % 2 === 1
        ? `<a href="${escapeHtml(part)}" target="_blank" rel="noopener noreferrer">${escapeHtml(part)}</a>`
        : escapeHtml(part),
    )
    .join("");
}

/**
 * `to` exactly as written in the query: `?to=+14155550100` and `?to=ana+test@example.com` keep their
 * `+` (form decoding would turn it into a space); percent-encoding is decoded.
 */
export function recipientOf(url: URL): string | null {
  const raw = /(?:^|&)to=([^&]*)/.exec(url.search.slice(1))?.[1];
  if (raw === undefined) return null;
  try {
    return decodeURIComponent(raw).trim() || null;
  } catch {
    return raw.trim() || null;
  }
}

interface Numbered extends OutboxMessage {
  id: number;
}

function numbered(outbox: Outbox): Numbered[] {
  const newestFirst = outbox.list();
  return newestFirst.map((message, index) => ({ ...message, id: newestFirst.length - 1 - index }));
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><link rel="icon" href="data:,">
<style>
body{margin:0;font-family:system-ui,sans-serif;color:#1a1a1a;line-height:1.45}
.layout{display:grid;grid-template-columns:minmax(14rem,20rem) 1fr;min-height:100vh}
nav{border-right:1px solid #ccc;padding:1rem;background:#f5f7fa}
nav ul{list-style:none;padding:0;margin:0}nav li{margin:.3rem 0}
nav a[aria-current=page]{font-weight:700;color:#1a1a1a}
main{padding:1rem 1.5rem}h1{font-size:1.4rem;margin:.25rem 0 1rem}h2{font-size:1.1rem;margin:0}
a{color:#0b5394}.meta{color:#555;font-size:.9rem}
article{border:1px solid #ccc;border-radius:6px;padding:.75rem 1rem;margin:0 0 1rem}
iframe{width:100%;height:32rem;border:1px solid #ddd;resize:vertical;background:#fff}
.sms{white-space:pre-wrap;overflow-wrap:anywhere;background:#f5f7fa;padding:.5rem;border-radius:4px}
</style></head><body>${body}</body></html>`;
}

/**
 * `GET /_local/inbox?to=`: every message the local runtime sent, per recipient (recipients on the
 * left, newest message first; emails rendered in a sandboxed frame, SMS as text, links clickable).
 * `GET /_local/inbox/messages/{id}`: one email's HTML, for that frame.
 */
export function createInbox(outbox: Outbox) {
  return (_request: IncomingMessage, response: ServerResponse, url: URL): void => {
    const messages = numbered(outbox);
    const one = /^\/_local\/inbox\/messages\/(\d+)$/.exec(url.pathname);
    if (one) {
      const message = messages.find((entry) => entry.id === Number(one[1]));
      if (!message?.html) {
        response.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
        return void response.end("No such email");
      }
      // Links in an email open in a new tab: a click never navigates the inbox's frame.
      const html = message.html.includes("<head>")
        ? message.html.replace("<head>", '<head><base target="_blank">')
        : `<base target="_blank">${message.html}`;
      response.writeHead(200, {
        "content-type": "text/html; charset=utf-8",
        "content-security-policy": EMAIL_CSP,
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
        "cache-control": "no-store",
      });
      return void response.end(html);
    }

    const to = recipientOf(url);
    const recipients = new Map<string, number>();
    for (const message of messages) recipients.set(message.to, (recipients.get(message.to) ?? 0) + 1);
    const selected =
      to === null ? null : ([...recipients.keys()].find((r) => r.toLowerCase() === to.toLowerCase()) ?? to);
    const shown = selected === null ? [] : messages.filter((m) => m.to.toLowerCase() === selected.toLowerCase());

    const nav = `<nav aria-label="Recipients"><h2>Recipients</h2>${
      recipients.size
        ? `<ul>${[...recipients.entries()]
            .sort(([a], [b]) => a.localeCompare(b))
            .map(
              ([recipient, count]) =>
                `<li><a href="/_local/inbox?to=${encodeURIComponent(recipient)}"${recipient === selected ? ' aria-current="page"' : ""}>${escapeHtml(recipient)}</a> <span class="meta">(${count})</span></li>`,
            )
            .join("")}</ul>`
        : "<p>Nothing sent yet. Send a report: <code>npm run report</code></p>"
    }</nav>`;

    const articles = shown
      .map((message) => {
        const heading = message.channel === "email" ? (message.subject ?? "(no subject)") : "SMS";
        const body =
          message.channel === "email" && message.html
            ? `<iframe src="/_local/inbox/messages/${message.id}" title="Email: ${escapeHtml(heading)}" sandbox="allow-popups allow-popups-to-escape-sandbox" referrerpolicy="no-referrer"></iframe>
<details><summary>Text version</summary><p class="sms">${linkify(message.text)}</p></details>`
            : `<p class="sms">${linkify(message.text)}</p>`;
        return `<article aria-labelledby="m${message.id}"><h2 id="m${message.id}">${escapeHtml(heading)}</h2>
<p class="meta">${message.channel === "email" ? "Email" : "SMS"} to ${escapeHtml(message.to)} · sent ${escapeHtml(message.sentAt)} (virtual clock)</p>${body}</article>`;
      })
      .join("\n");

    const main =
      selected === null
        ? `<main><h1>Local inbox</h1><p>Choose a recipient on the left, or open <code>/_local/inbox?to=ana@example.com</code> (a phone number works as is: <code>?to=+14155550100</code>).</p></main>`
        : `<main><h1>Inbox of ${escapeHtml(selected)}</h1>${shown.length ? articles : "<p>No message for this recipient.</p>"}</main>`;

    response.writeHead(200, {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": PAGE_CSP,
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      "cache-control": "no-store",
    });
    response.end(page(selected ? `Inbox: ${selected}` : "Local inbox", `<div class="layout">${nav}${main}</div>`));
  };
}
