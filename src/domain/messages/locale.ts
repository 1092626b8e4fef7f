import { LOCALES, type Locale } from "./types.js";

/**
 * Picks the template locale for a requested one: the primary language subtag decides, so
 * `"es-MX"`, `"es_ES"` and `"ES"` give `"es"`; anything unknown, empty or missing gives `"en"`.
 * An `Accept-Language`-style list is read by its first entry.
 */
export function resolveLocale(locale: string | undefined): Locale {
  const primary = (locale ?? "").split(",")[0]?.trim().split(/[-_;]/)[0]?.toLowerCase() ?? "";
  return (LOCALES as readonly string[]).includes(primary) ? (primary as Locale) : "en";
}

/**
 * The best of the supported locales for an `Accept-Language` header (RFC 9110 §12.5.4): entries by
 * descending weight (`q`, default 1; `q=0` means "not this one"), the first whose primary subtag Vigil
 * has templates for wins; none, `*` or no header gives `"en"`.
 */
export function negotiateLocale(acceptLanguage: string | undefined): Locale {
  const ranges = (acceptLanguage ?? "")
    .split(",")
    .map((entry, index) => {
      const [tag = "", ...params] = entry.trim().split(";");
      const q = params.map((param) => /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(param)?.[1]).find(Boolean);
      return { primary: tag.trim().split(/[-_]/)[0]?.toLowerCase() ?? "", q: q === undefined ? 1 : Number(q), index };
    })
    .filter((range) => range.q > 0 && range.primary !== "")
    .sort((a, b) => b.q - a.q || a.index - b.index);
  const match = ranges.find((range) => (LOCALES as readonly string[]).includes(range.primary));
  return match ? (match.primary as Locale) : "en";
}
