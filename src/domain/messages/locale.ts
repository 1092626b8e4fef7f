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
