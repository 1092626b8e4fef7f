/**
 * Seed phrases never reach storage. A reporter in a panic sometimes pastes their recovery phrase
 * into the report ("these are my words, please help"); once written to the table, the audit trail,
 * a log or an email it is copied everywhere that data goes. Pure: no I/O, no logging.
 */
import { wordlist } from "@scure/bip39/wordlists/english.js";

/** What replaces a redacted run of words. */
export const SEED_PHRASE_PLACEHOLDER = "[seed phrase removed]";

/** The shortest BIP-39 mnemonic: 12 words (128 bits of entropy). */
export const MIN_SEED_PHRASE_WORDS = 12;

const BIP39_ENGLISH: ReadonlySet<string> = new Set(wordlist);

/**
 * A word is a run of letters (any script, so "café" is one word, not "caf" + "é"). Everything else
 * (spaces, newlines, punctuation, digits of a numbered list "1. abandon 2. ability") only separates
 * words and never breaks a run: people write their phrase in many layouts.
 */
const WORD = /\p{L}+/gu;

export interface Redaction {
  text: string;
  /** True when at least one run was removed. */
  redacted: boolean;
}

/**
 * Replaces every run of {@link MIN_SEED_PHRASE_WORDS} or more consecutive BIP-39 English words
 * (case-insensitive) with {@link SEED_PHRASE_PLACEHOLDER}. A word outside the list ends a run, so
 * ordinary prose (where "the", "a", "to", "I" are not BIP-39 words) is left alone. The separators
 * inside a run go with it; the text around it is kept as written. Linear in the text's length.
 */
export function redactSeedPhrases(text: string): Redaction {
  const runs: Array<{ start: number; end: number }> = [];
  let runStart = -1;
  let runEnd = -1;
  let runWords = 0;
  const closeRun = () => {
    if (runWords >= MIN_SEED_PHRASE_WORDS) runs.push({ start: runStart, end: runEnd });
    runWords = 0;
  };
  for (const match of text.matchAll(WORD)) {
    if (BIP39_ENGLISH.has(match[0].toLowerCase())) {
      if (runWords === 0) runStart = match.index;
      runEnd = match.index + match[0].length;
      runWords += 1;
    } else {
      closeRun();
    }
  }
  closeRun();
  if (runs.length === 0) return { text, redacted: false };
  let out = "";
  let from = 0;
  for (const run of runs) {
    out += text.slice(from, run.start) + SEED_PHRASE_PLACEHOLDER;
    from = run.end;
  }
  return { text: out + text.slice(from), redacted: true };
}
