import { describe, expect, it } from "vitest";
import { redactSeedPhrases, SEED_PHRASE_PLACEHOLDER } from "../../../src/domain/seed-phrase.js";

/** Twelve words of the BIP-39 English list (a valid-looking mnemonic; checksums are not checked). */
const TWELVE = "legal winner thank year wave sausage worth useful legal winner thank yellow";

describe("redactSeedPhrases", () => {
  it("removes a run of twelve BIP-39 words and keeps the text around it", () => {
    // Prepare
    const text = `Someone drained my wallet. My words: ${TWELVE}. Thanks!`;

    // Act
    const result = redactSeedPhrases(text);

    // Assess
    expect(result).toEqual({
      text: `Someone drained my wallet. My words: ${SEED_PHRASE_PLACEHOLDER}. Thanks!`,
      redacted: true,
    });
  });

  it("leaves a run of eleven BIP-39 words alone", () => {
    // Prepare
    const eleven = TWELVE.split(" ").slice(0, 11).join(" ");

    // Act
    const result = redactSeedPhrases(`words: ${eleven}`);

    // Assess
    expect(result).toEqual({ text: `words: ${eleven}`, redacted: false });
  });

  it("finds a run split by newlines, commas and list numbers", () => {
    // Prepare
    const numbered = TWELVE.split(" ")
      .map((word, i) => `${i + 1}. ${word}${i % 2 ? "," : ";"}`)
      .join("\n");

    // Act
    const result = redactSeedPhrases(`my words:\n${numbered}\nthanks`);

    // Assess
    // Assess: the run spans the first word to the last; the list's leading "1. " and trailing "," stay.
    expect(result).toEqual({ text: `my words:\n1. ${SEED_PHRASE_PLACEHOLDER},\nthanks`, redacted: true });
  });

  it("matches words in any case", () => {
    // Prepare
    const shouting = "Legal WINNER thank Year wave SAUSAGE worth useful LEGAL winner Thank yellow";

    // Act
    const result = redactSeedPhrases(`(${shouting})`);

    // Assess
    expect(result).toEqual({ text: `(${SEED_PHRASE_PLACEHOLDER})`, redacted: true });
  });

  it("does not redact when a non-BIP-39 word splits the run below twelve", () => {
    // Prepare: "the" and "my" are not BIP-39 words.
    const words = TWELVE.split(" ");
    const interleaved = [...words.slice(0, 6), "the", ...words.slice(6), "my", "wallet"].join(" ");

    // Act
    const result = redactSeedPhrases(interleaved);

    // Assess
    expect(result).toEqual({ text: interleaved, redacted: false });
  });

  it("redacts a 24-word phrase and every separate run in one text", () => {
    // Prepare
    const text = `first ${TWELVE} ${TWELVE} and my other wallet: ${TWELVE}`;

    // Act
    const result = redactSeedPhrases(text);

    // Assess: "first" is a BIP-39 word next to the run, so it goes with it; "and", "my" are not.
    expect(result).toEqual({
      text: `${SEED_PHRASE_PLACEHOLDER} and my other wallet: ${SEED_PHRASE_PLACEHOLDER}`,
      redacted: true,
    });
  });

  it("leaves ordinary prose alone", () => {
    // Prepare
    const prose = "I see a login from a device I do not own, and my balance dropped to zero this morning.";

    // Act
    const result = redactSeedPhrases(prose);

    // Assess
    expect(result).toEqual({ text: prose, redacted: false });
  });
});
