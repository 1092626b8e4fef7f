import { describe, expect, it } from "vitest";
import {
  ANTI_PHISHING_LINE,
  foldToGsm7,
  measureSms,
  renderMessage,
  resolveLocale,
  SMS_ANTI_PHISHING_LINE,
} from "../../../src/domain/messages/index.js";
import { inputFor } from "./fixtures.js";

describe("resolveLocale", () => {
  it.each([
    { given: "en", expected: "en" },
    { given: "es", expected: "es" },
    { given: "es-MX", expected: "es" },
    { given: "es_ES", expected: "es" },
    { given: " ES-419 ", expected: "es" },
    { given: "es-419,en;q=0.8", expected: "es" },
    { given: "en-GB", expected: "en" },
    { given: "fr", expected: "en" },
    { given: "pt-BR", expected: "en" },
    { given: "", expected: "en" },
    { given: undefined, expected: "en" },
  ])("resolves $given to $expected", ({ given, expected }) => {
    // Act
    const locale = resolveLocale(given);

    // Assess
    expect(locale).toBe(expected);
  });
});

describe("renderMessage", () => {
  it.each([
    { given: "fr", expected: "en" as const },
    { given: "es-MX", expected: "es" as const },
  ])("renders $given in $expected", ({ given, expected }) => {
    // Prepare
    const input = { ...inputFor("acknowledgement", "phishing", "en", "minimal"), locale: given };

    // Act
    const message = renderMessage(input);

    // Assess
    expect(message.locale).toBe(expected);
    expect(message.html).toContain(`<html lang="${expected}">`);
    expect(message.text.endsWith(ANTI_PHISHING_LINE[expected])).toBe(true);
    expect(message.sms.endsWith(SMS_ANTI_PHISHING_LINE[expected])).toBe(true);
  });

  it("drops the provider's name from an SMS rather than spill into a second segment", () => {
    // Prepare
    const providerName = "Very Long Self-Custody Wallet Provider Name, Incorporated";
    const input = { ...inputFor("guidance", "key_compromise", "es", "full"), providerName };

    // Act
    const { sms, text } = renderMessage(input);

    // Assess
    expect(measureSms(sms)).toMatchObject({ encoding: "GSM-7", segments: 1 });
    expect(sms).not.toContain(providerName);
    expect(text).toContain(providerName);
  });

  it("keeps a short provider name at the start of the SMS", () => {
    // Act
    const { sms } = renderMessage(inputFor("lock_applied", "malware", "en", "full"));

    // Assess
    expect(sms.startsWith("Acme Wallet: ")).toBe(true);
  });
});

describe("anti-phishing lines", () => {
  it("states them exactly in both locales", () => {
    // Assess
    expect(ANTI_PHISHING_LINE).toEqual({
      en: "We will never ask for your seed phrase or private key.",
      es: "Nunca te pediremos tu frase semilla ni tu clave privada.",
    });
    expect(SMS_ANTI_PHISHING_LINE).toEqual({
      en: "We never ask for your seed phrase.",
      es: "Nunca te pediremos tu frase semilla.",
    });
  });
});

describe("measureSms", () => {
  it.each([
    { what: "160 GSM-7 characters", text: "a".repeat(160), expected: { encoding: "GSM-7", units: 160, segments: 1 } },
    { what: "161 GSM-7 characters", text: "a".repeat(161), expected: { encoding: "GSM-7", units: 161, segments: 2 } },
    { what: "306 GSM-7 characters", text: "a".repeat(306), expected: { encoding: "GSM-7", units: 306, segments: 2 } },
    {
      what: "an extension character",
      text: `${"a".repeat(159)}€`,
      expected: { encoding: "GSM-7", units: 161, segments: 2 },
    },
    { what: "Spanish letters inside GSM-7", text: "¿Señal? ¡Sí, ñandú!", expected: { encoding: "UCS-2" } },
    {
      what: "70 UCS-2 characters",
      text: `á${"a".repeat(69)}`,
      expected: { encoding: "UCS-2", units: 70, segments: 1 },
    },
    {
      what: "71 UCS-2 characters",
      text: `á${"a".repeat(70)}`,
      expected: { encoding: "UCS-2", units: 71, segments: 2 },
    },
  ])("measures $what", ({ text, expected }) => {
    // Act
    const measure = measureSms(text);

    // Assess
    expect(measure).toMatchObject(expected);
  });
});

describe("foldToGsm7", () => {
  it.each([
    { given: "código de verificación", expected: "codigo de verificacion" },
    { given: "¿Señal? ¡Sí, ñandú! É é ü", expected: "¿Señal? ¡Si, ñandu! É é ü" },
    { given: "“recovery” – it’s…", expected: '"recovery" - it\'s...' },
    { given: "Ça va, Ålesund", expected: "Ça va, Ålesund" },
    { given: "wallet 🔒", expected: "wallet 🔒" },
  ])("folds $given", ({ given, expected }) => {
    // Act
    const folded = foldToGsm7(given);

    // Assess
    expect(folded).toBe(expected);
  });
});
