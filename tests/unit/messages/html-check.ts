/**
 * A tiny HTML checker for rendered emails: enough to catch unbalanced tags, unquoted or broken
 * attributes, stray `<`/`>` and bare `&`, without a DOM dependency.
 */

const VOID_ELEMENTS = new Set([
  "area",
  "base",
  "br",
  "col",
  "embed",
  "hr",
  "img",
  "input",
  "link",
  "meta",
  "source",
  "wbr",
]);
/** A tag whose attributes are all double-quoted and hold no `<`, `>` or `"`. */
const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-zA-Z-]+(?:="[^"<>]*")?)*)\s*>/g;
const BARE_AMPERSAND = /&(?!(?:amp|lt|gt|quot|#39|#x[0-9a-fA-F]+|#[0-9]+);)/;

/** Lists what is wrong with an HTML document; an empty list means well-formed. */
export function htmlProblems(html: string): string[] {
  const problems: string[] = [];
  const body = html.replace(/^<!DOCTYPE html>\s*/, "");
  const stack: string[] = [];
  let last = 0;
  for (const match of body.matchAll(TAG)) {
    const [whole, closing, rawName, attributes = ""] = match;
    const name = (rawName ?? "").toLowerCase();
    const between = body.slice(last, match.index);
    if (/[<>]/.test(between)) problems.push(`stray < or > before ${whole}`);
    if (BARE_AMPERSAND.test(between) || BARE_AMPERSAND.test(attributes)) problems.push(`bare & near ${whole}`);
    last = match.index + whole.length;
    if (VOID_ELEMENTS.has(name)) {
      if (closing) problems.push(`closing tag for void element ${name}`);
      continue;
    }
    if (!closing) {
      stack.push(name);
      continue;
    }
    const open = stack.pop();
    if (open !== name) problems.push(`</${name}> closes <${open ?? "nothing"}>`);
  }
  if (/[<>]/.test(body.slice(last))) problems.push("stray < or > after the last tag");
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(", ")}`);
  return problems;
}

/** Every `href` value, entity-decoded. */
export function hrefs(html: string): string[] {
  return [...html.matchAll(/\shref="([^"]*)"/g)].map((m) => decodeEntities(m[1] ?? ""));
}

/** The visible text of an HTML document (head removed, tags dropped, entities decoded). */
export function visibleText(html: string): string {
  const body = html.replace(/<head>[\s\S]*<\/head>/, "").replace(/<[^>]+>/g, " ");
  return decodeEntities(body).replace(/\s+/g, " ").trim();
}

function decodeEntities(text: string): string {
  return text
    .replace(/&#x([0-9a-fA-F]+);/g, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/&#([0-9]+);/g, (_, dec: string) => String.fromCodePoint(Number.parseInt(dec, 10)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}
