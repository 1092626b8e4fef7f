/**
 * The one HTML escaper and `html` template tag of Vigil: the reporter pages, the emails' HTML layout
 * and the local inbox all build markup with it. Markup can only come from a template's own literals
 * (or {@link trustedHtml} of a constant); every interpolated value is escaped.
 *
 * The escaper encodes the five characters that matter in element text and in quoted attributes, which
 * is everywhere Vigil puts a value. It leaves `/`, `=` and `` ` `` readable (they matter only in
 * unquoted attributes, which Vigil never writes), so URLs stay intact for link scanners.
 */

const ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for HTML content and (double- or single-quoted) attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

/** Markup that is already safe: built only by {@link html} (or {@link trustedHtml} of a literal). */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** What a template may interpolate: safe markup, text (escaped), or nothing (`null`, `undefined`, `false`). */
export type HtmlValue = SafeHtml | string | number | null | undefined | false | readonly HtmlValue[];

/** The template tag: literals stay, every interpolated value is escaped unless it is `SafeHtml`; arrays are joined. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? "";
  values.forEach((value, index) => {
    out += renderValue(value) + (strings[index + 1] ?? "");
  });
  return new SafeHtml(out);
}

/** A constant of the code itself (a stylesheet, a fixed attribute) as markup. Never for data. */
export function trustedHtml(literal: string): SafeHtml {
  return new SafeHtml(literal);
}

function renderValue(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map((part: HtmlValue) => renderValue(part)).join("");
  if (value === null || value === undefined || value === false) return "";
  return escapeHtml(value);
}
