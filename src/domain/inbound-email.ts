/**
 * Reading a reporter's reply strictly: who sent it and what its first line says. Pure and linear in the
 * size of the message (no backtracking regular expression ever sees attacker-sized input).
 *
 * Sources: RFC 5322 §3.4 (mailbox, group, obsolete route syntax) and §3.6.2 (exactly one `From` field);
 * the forms an adversarial review used to forge the email factor: `From: victim@x, eve@evil`, two `From`
 * fields, `From: <victim>@evil`, `From: victim;eve@evil`.
 */

/** HTML considered when a reply has no text part: a "YES" is at the top, and more only costs time. */
export const MAX_HTML_CHARS = 32 * 1024;

const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
/** An unquoted display-name word: no specials, no `@` (`victim@x <eve@evil>` is refused, not guessed at). */
const PHRASE_WORD = /^[^\s()<>[\]:;@\\,".]+(?:\.[^\s()<>[\]:;@\\,".]+)*\.?$/;
/** A quoted display name: printable characters, `\` escapes, no bare quote. */
const QUOTED = /^"(?:[^"\\\r\n]|\\[^\r\n])*"$/;

/**
 * A plain addr-spec, lower-cased: a dot-atom local part (no quoted local parts), `@`, a domain name (no
 * literals). Null for anything else: routes (`@a:x@y`), groups, lists, comments.
 */
export function parseAddrSpec(value: string): string | null {
  if (value.length > 254) return null;
  const at = value.indexOf("@");
  if (at <= 0 || at !== value.lastIndexOf("@")) return null;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (local.length > 64 || !LOCAL_PART.test(local) || !DOMAIN.test(domain)) return null;
  return value.toLowerCase();
}

/**
 * The address of a `From` field body that holds exactly one mailbox: `addr-spec` or
 * `[display-name] <addr-spec>`, where the display name is a quoted string or plain words. Null for a
 * list (`a@x, b@y`), a group (`name: a@x;`), route syntax, a comment, anything after the `>`
 * (`<victim>@evil`), a `;` anywhere outside quotes, or control characters.
 */
export function parseSingleMailbox(fieldBody: string): string | null {
  const value = fieldBody.trim();
  if (value.length === 0 || value.length > 998 || hasControl(value)) return null;
  if (!value.endsWith(">")) return parseAddrSpec(value);
  const open = value.lastIndexOf("<");
  if (open < 0) return null;
  const address = parseAddrSpec(value.slice(open + 1, -1));
  if (address === null) return null;
  const name = value.slice(0, open).trim();
  if (name === "" || QUOTED.test(name)) return address;
  return name.split(/[ \t]+/).every((word) => PHRASE_WORD.test(word)) ? address : null;
}

function hasControl(value: string): boolean {
  for (let i = 0; i < value.length; i += 1) {
    const code = value.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) return true;
  }
  return false;
}

/**
 * The unfolded bodies of every top-level header field named `name` (case-insensitive), in order. Reads
 * only the header block (up to the first empty line); `From :` (space before the colon, obsolete syntax)
 * counts as `From` too, as lenient parsers read it.
 */
export function headerFields(rawMime: string, name: string): string[] {
  const wanted = name.toLowerCase();
  const end = headerBlockEnd(rawMime);
  const fields: string[] = [];
  let current: string | null = null;
  let start = 0;
  while (start < end) {
    let stop = rawMime.indexOf("\n", start);
    if (stop < 0 || stop > end) stop = end;
    const line = rawMime.slice(start, stop).replace(/\r$/, "");
    start = stop + 1;
    if (line.startsWith(" ") || line.startsWith("\t")) {
      if (current !== null) current += line;
      continue;
    }
    if (current !== null) fields.push(current);
    current = null;
    const colon = line.indexOf(":");
    if (colon > 0 && line.slice(0, colon).trimEnd().toLowerCase() === wanted) current = line.slice(colon + 1);
  }
  if (current !== null) fields.push(current);
  return fields;
}

function headerBlockEnd(rawMime: string): number {
  const crlf = rawMime.indexOf("\r\n\r\n");
  const lf = rawMime.indexOf("\n\n");
  const ends = [crlf, lf].filter((index) => index >= 0);
  return ends.length ? Math.min(...ends) : rawMime.length;
}

/** Tags after which a reader sees a new line. */
const BREAKS = new Set(["br", "p", "div", "li", "tr", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6"]);
/** Elements whose content is not text a reader sees. */
const HIDDEN = new Set(["style", "script", "head", "title"]);
const ENTITIES: Record<string, string> = { nbsp: " ", amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", apos: "'" };

/**
 * Visible text of an HTML reply, enough to read its first line. One pass over at most
 * {@link MAX_HTML_CHARS} characters: every character is looked at a bounded number of times (a hidden
 * element's end is found with one forward `indexOf`, and the scan resumes after it), so the time is linear
 * in the input whatever it holds (a flood of `<` included). Tags are dropped; block ends become new lines;
 * `style`/`script`/`head`/`title` content is dropped; the common entities are decoded.
 */
export function htmlToText(html: string, maxChars = MAX_HTML_CHARS): string {
  const input = html.length > maxChars ? html.slice(0, maxChars) : html;
  const lower = input.toLowerCase();
  let out = "";
  let i = 0;
  while (i < input.length) {
    const lt = input.indexOf("<", i);
    if (lt < 0) {
      out += input.slice(i);
      break;
    }
    out += input.slice(i, lt);
    const gt = input.indexOf(">", lt + 1);
    // An unclosed tag runs to the end of the input: nothing after it is visible.
    if (gt < 0) break;
    const tag = tagName(lower, lt + 1, gt);
    i = gt + 1;
    if (tag.closing === false && HIDDEN.has(tag.name)) {
      const close = lower.indexOf(`</${tag.name}`, i);
      if (close < 0) break;
      const closeEnd = input.indexOf(">", close);
      if (closeEnd < 0) break;
      i = closeEnd + 1;
      continue;
    }
    if (BREAKS.has(tag.name)) out += "\n";
  }
  return out.replace(
    /&(nbsp|amp|lt|gt|quot|apos|#39);/gi,
    (_match, entity: string) => ENTITIES[entity.toLowerCase()] ?? "",
  );
}

/** The name of the tag between `start` and `end` (lower-cased input), and whether it closes an element. */
function tagName(lower: string, start: number, end: number): { name: string; closing: boolean } {
  let i = start;
  const closing = lower[i] === "/";
  if (closing) i += 1;
  let j = i;
  // Names are short: read at most 16 characters, so a long attribute-less "tag" costs nothing more.
  while (j < end && j - i < 16 && /[a-z0-9]/.test(lower[j] as string)) j += 1;
  return { name: lower.slice(i, j), closing };
}

/** A reply nonce: 128 random bits as 32 lower-case hex characters (mail systems may fold case; hex survives). */
const NONCE = /^[0-9a-f]{32}$/;

/**
 * The per-challenge reply address: `replies@domain` + nonce → `replies+<nonce>@domain` (a sub-address: SES
 * receipt rules for `replies@domain` match it). Null when `base` is not a plain address.
 */
export function replyAddress(base: string, nonce: string): string | null {
  const address = parseAddrSpec(base.trim());
  if (address === null || !NONCE.test(nonce)) return null;
  const at = address.lastIndexOf("@");
  return `${address.slice(0, at)}+${nonce}@${address.slice(at + 1)}`;
}

/** The nonce of a recipient that is `base` with a `+<nonce>` sub-address, else null. */
export function replyNonceOf(recipient: string, base: string): string | null {
  const address = parseAddrSpec(base.trim());
  const got = parseAddrSpec(recipient.trim());
  if (address === null || got === null) return null;
  const at = address.lastIndexOf("@");
  const prefix = `${address.slice(0, at)}+`;
  const suffix = address.slice(at);
  if (!got.startsWith(prefix) || !got.endsWith(suffix)) return null;
  const nonce = got.slice(prefix.length, got.length - suffix.length);
  return NONCE.test(nonce) ? nonce : null;
}
