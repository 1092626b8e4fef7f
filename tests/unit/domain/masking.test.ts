import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { maskEmail, maskPhone } from "../../../src/domain/masking.js";

describe("maskEmail", () => {
  it.each([
    ["a typical address", "ana@example.com", "a***@example.com"],
    ["a one-letter local part (length not revealed)", "a@example.com", "a***@example.com"],
    ["a long local part", "anastasia.petrova+wallet@example.co.uk", "a***@example.co.uk"],
    ["an address with an emoji first", "😀x@example.com", "😀***@example.com"],
    ["an accented first letter", "élodie@example.fr", "é***@example.fr"],
    ["a quoted local part holding @", '"a@b"@example.com', '"***@example.com'],
    ["an empty local part", "@example.com", "***@example.com"],
    ["an empty domain", "ana@", "a***@"],
    ["text without @", "not-an-email", "***"],
    ["a lone @", "@", "***@"],
    ["the empty string", "", ""],
  ])("masks %s", (_label, input, expected) => {
    // Prepare / Act
    const masked = maskEmail(input);

    // Assess
    expect(masked).toBe(expected);
  });

  it.each([undefined, null, 42, {}])("returns *** for the non-string %j", (input) => {
    // Prepare / Act
    const masked = maskEmail(input as unknown as string);

    // Assess
    expect(masked).toBe("***");
  });

  it("never reveals more than the first character of the local part (property)", () => {
    // Prepare
    const local = fc.string({ minLength: 2, maxLength: 64 }).filter((s) => !s.includes("@"));
    const domain = fc.domain();

    // Act / Assess
    fc.assert(
      fc.property(local, domain, (l, d) => {
        const masked = maskEmail(`${l}@${d}`);
        expect(masked).toBe(`${Array.from(l)[0]}***@${d}`);
      }),
    );
  });
});

describe("maskPhone", () => {
  it.each([
    ["a US number", "+14155550100", "+1415*****00"],
    ["a UK mobile", "+447911123456", "+4479******56"],
    ["a 15-digit number", "+123456789012345", "+1234*********45"],
    ["an 11-char number (the shortest shown in full form)", "+4912345678", "+4912****78"],
    ["a 10-char number", "+331234567", "+331****67"],
    ["an 8-char number (Niue)", "+6834002", "+6****02"],
    ["a 6-char value", "+12345", "****45"],
    ["a 5-char value", "12345", "****5"],
    ["a 4-char value", "1234", "****"],
    ["a 1-char value", "1", "*"],
    ["the empty string", "", ""],
  ])("masks %s", (_label, input, expected) => {
    // Prepare / Act
    const masked = maskPhone(input);

    // Assess
    expect(masked).toBe(expected);
  });

  it.each([undefined, null, 14155550100, {}])("returns an empty string for the non-string %j", (input) => {
    // Prepare / Act
    const masked = maskPhone(input as unknown as string);

    // Assess
    expect(masked).toBe("");
  });

  it("keeps the length, shows at most the first 5 and last 2 characters and hides at least 4 (property)", () => {
    // Prepare: E.164-like strings of any length, without "*" so masked positions are unambiguous.
    const phones = fc.stringMatching(/^\+?\d{0,20}$/);

    // Act / Assess
    fc.assert(
      fc.property(phones, (phone) => {
        const masked = maskPhone(phone);
        const stars = [...masked].filter((c) => c === "*").length;
        const shown = phone.length - stars;
        const suffix = Math.min(2, shown);
        expect(masked).toHaveLength(phone.length);
        expect(stars).toBeGreaterThanOrEqual(Math.min(phone.length, 4));
        expect(shown - suffix).toBeLessThanOrEqual(5);
        expect(masked).toBe(
          `${phone.slice(0, shown - suffix)}${"*".repeat(stars)}${phone.slice(phone.length - suffix)}`,
        );
      }),
    );
  });
});
