/**
 * SMS encoding arithmetic (3GPP TS 23.038). A message that stays inside the GSM 03.38 alphabet
 * costs 160 characters per single segment (153 per part once split); one character outside it
 * switches the whole message to UCS-2 at 70 (67) characters. Spanish á, í, ó, ú are outside
 * it, so SMS text is folded to GSM-7 the way carriers' "smart encoding" does.
 */

const GSM7_BASIC = new Set(
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
);
/** Characters of the GSM-7 extension table; each costs two septets (escape + character). */
const GSM7_EXTENDED = new Set("^{}\\[~]|€\f");

/** Common typography outside GSM-7 and the GSM-7 text that replaces it. */
const FOLDS: Readonly<Record<string, string>> = {
  "\u2018": "'",
  "\u2019": "'",
  "\u201A": "'",
  "\u2032": "'",
  "\u201C": '"',
  "\u201D": '"',
  "\u201E": '"',
  "\u00AB": '"',
  "\u00BB": '"',
  "\u2013": "-",
  "\u2014": "-",
  "\u2026": "...",
  "\u00A0": " ",
  "\u2022": "-",
  "\u00B7": "-",
};

/** The encoding an SMS needs, its length in that encoding's units, and the segments it costs. */
export interface SmsMeasure {
  encoding: "GSM-7" | "UCS-2";
  /** Septets for GSM-7 (extension characters count two), UTF-16 code units for UCS-2. */
  units: number;
  segments: number;
}

/** Measures an SMS body as a carrier bills it. */
export function measureSms(text: string): SmsMeasure {
  let septets = 0;
  let gsm = true;
  for (const ch of text) {
    if (GSM7_BASIC.has(ch)) septets += 1;
    else if (GSM7_EXTENDED.has(ch)) septets += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (gsm) {
    return { encoding: "GSM-7", units: septets, segments: septets <= 160 ? 1 : Math.ceil(septets / 153) };
  }
  const units = text.length;
  return { encoding: "UCS-2", units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
}

/**
 * Folds text into the GSM-7 alphabet where a faithful equivalent exists: typographic quotes and
 * dashes become ASCII, and accented letters outside the alphabet lose the accent (á → a) while
 * those inside it (é, ñ, ü, ¿, ¡) stay. Characters with no equivalent are kept, so the measure
 * stays honest (the message then goes out as UCS-2).
 */
export function foldToGsm7(text: string): string {
  let out = "";
  for (const ch of text) {
    if (GSM7_BASIC.has(ch) || GSM7_EXTENDED.has(ch)) {
      out += ch;
      continue;
    }
    const folded = FOLDS[ch];
    if (folded !== undefined) {
      out += folded;
      continue;
    }
    const bare = ch.normalize("NFD").replace(/\p{M}/gu, "");
    out += bare.length > 0 && [...bare].every((c) => GSM7_BASIC.has(c)) ? bare : ch;
  }
  return out;
}
