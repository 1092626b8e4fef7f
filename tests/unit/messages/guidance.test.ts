import { describe, expect, it } from "vitest";
import {
  foldToGsm7,
  type IncidentType,
  type Locale,
  type RenderedMessage,
  renderMessage,
} from "../../../src/domain/messages/index.js";
import { CASE_REF, HELP_LINKS, INCIDENT_TYPES, inputFor, LOCALES } from "./fixtures.js";
import { hrefs, visibleText } from "./html-check.js";

/** Phrases every guidance email must carry: MFA off SMS, authorities, evidence, recovery scams. */
const COMMON: Record<Locale, string[]> = {
  en: [
    "authenticator app",
    "hardware security key",
    "instead of SMS",
    "police",
    "IC3",
    "transaction hashes",
    "screenshots",
    "recovery” scams",
    "for a fee",
    "never contact you first",
  ],
  es: [
    "app de autenticación",
    "llave de seguridad física",
    "en lugar de códigos por SMS",
    "policía",
    "IC3",
    "hash de las transacciones",
    "capturas de pantalla",
    "estafas de «recuperación»",
    "a cambio de una comisión",
    "Nunca te contactaremos primero",
  ],
};

/** Phrases specific to each incident type, per locale. */
const BY_TYPE: Record<Locale, Record<IncidentType, string[]>> = {
  en: {
    key_compromise: [
      "new wallet with a new seed phrase",
      "clean device",
      "remaining funds",
      "at once",
      "never send gas",
      "sweeper bot",
      "token approvals",
      "block explorer",
      "never type your old seed phrase",
    ],
    sim_swap: ["from another phone", "mobile carrier", "port-out PIN", "move two-step verification off SMS"],
    malware: ["before anything else", "clean or replace it", "factory reset", "from a clean device", "new wallet"],
    phishing: [
      "reset the password",
      "sign out all other sessions",
      "seed phrase",
      "new wallet",
      "sweeper bot",
      "token approvals",
      "report the phishing site",
    ],
    unauthorized_access: [
      "reset the password",
      "sign out all other sessions",
      "API keys",
      "withdrawal addresses",
      "allowlist",
      "authenticator",
    ],
    other: ["reset the password", "seed phrase", "withdrawal addresses"],
  },
  es: {
    key_compromise: [
      "nueva billetera con una nueva frase semilla",
      "dispositivo limpio",
      "fondos que queden",
      "de inmediato",
      "nunca envíes gas",
      "bot barredor (sweeper bot)",
      "aprobaciones de tokens",
      "explorador de bloques",
      "nunca vuelvas a escribir tu frase semilla antigua",
    ],
    sim_swap: ["desde otro teléfono", "operador de telefonía", "PIN de portabilidad", "deja de usar SMS"],
    malware: [
      "antes que nada",
      "límpialo o sustitúyelo",
      "restablecerlo de fábrica",
      "dispositivo limpio",
      "nueva billetera",
    ],
    phishing: [
      "cambia ya la contraseña",
      "cierra todas las demás sesiones",
      "frase semilla",
      "nueva billetera",
      "bot barredor",
      "aprobaciones de tokens",
      "denuncia el sitio de phishing",
    ],
    unauthorized_access: [
      "cambia la contraseña",
      "cierra todas las demás sesiones",
      "claves API",
      "direcciones de retiro",
      "lista de direcciones permitidas",
      "autenticador",
    ],
    other: ["cambia la contraseña", "frase semilla", "direcciones de retiro"],
  },
};

/** The one action each SMS must still carry after shortening (compared after GSM-7 folding). */
const SMS_PHRASES: Record<Locale, Record<IncidentType, string[]>> = {
  en: {
    key_compromise: ["new wallet", "clean device", "no gas"],
    sim_swap: ["carrier", "another phone", "port-out PIN"],
    malware: ["infected device", "before anything else"],
    phishing: ["reset your password", "new wallet"],
    unauthorized_access: ["reset your password", "sessions", "withdrawal addresses"],
    other: ["reset your password", "authenticator app"],
  },
  es: {
    key_compromise: ["billetera nueva", "equipo limpio", "no envíes gas"],
    sim_swap: ["operador", "otro teléfono", "PIN de portabilidad"],
    malware: ["equipo infectado", "antes que nada"],
    phishing: ["cambia tu contraseña", "billetera nueva"],
    unauthorized_access: ["cambia tu contraseña", "sesiones", "direcciones de retiro"],
    other: ["cambia tu contraseña", "app de autenticación"],
  },
};

const CASES = INCIDENT_TYPES.flatMap((incidentType) => LOCALES.map((locale) => ({ incidentType, locale })));
const EMAIL_CASES = CASES.flatMap((c) => (["text", "html"] as const).map((format) => ({ ...c, format })));

function guidance(incidentType: IncidentType, locale: Locale, variant: "full" | "minimal" = "full"): RenderedMessage {
  return renderMessage(inputFor("guidance", incidentType, locale, variant));
}

function email(message: RenderedMessage, format: "text" | "html"): string {
  return (format === "html" ? visibleText(message.html) : message.text).toLowerCase();
}

/** The text of numbered step `n` (1-based) in the plain-text email. */
function step(text: string, n: number): string {
  return new RegExp(`^${n}\\. (.*)$`, "m").exec(text)?.[1] ?? "";
}

describe("renderMessage", () => {
  it.each(EMAIL_CASES)("gives the common safety advice in $format guidance for $incidentType ($locale)", (c) => {
    // Act
    const out = email(guidance(c.incidentType, c.locale), c.format);

    // Assess
    for (const phrase of COMMON[c.locale]) expect(out).toContain(phrase.toLowerCase());
  });

  it.each(EMAIL_CASES)("gives the type-specific steps in $format guidance for $incidentType ($locale)", (c) => {
    // Act
    const out = email(guidance(c.incidentType, c.locale), c.format);

    // Assess
    for (const phrase of BY_TYPE[c.locale][c.incidentType]) expect(out).toContain(phrase.toLowerCase());
  });

  it.each(CASES)("puts the key action and the case ref in the guidance SMS for $incidentType ($locale)", (c) => {
    // Act
    const { sms } = guidance(c.incidentType, c.locale);

    // Assess
    expect(sms).toContain(CASE_REF);
    for (const phrase of SMS_PHRASES[c.locale][c.incidentType]) {
      expect(sms.toLowerCase()).toContain(foldToGsm7(phrase).toLowerCase());
    }
  });

  it.each(CASES)("numbers the guidance steps 1..n without gaps for $incidentType ($locale)", (c) => {
    // Prepare
    const { text, html } = guidance(c.incidentType, c.locale, "minimal");

    // Act
    const numbers = [...text.matchAll(/^(\d+)\. /gm)].map((m) => Number(m[1]));
    const items = html.match(/<li\b/g) ?? [];

    // Assess
    expect(numbers.length).toBeGreaterThanOrEqual(5);
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
    expect(items).toHaveLength(numbers.length);
  });

  it.each(LOCALES)("makes cleaning the device the first malware step, before any password change (%s)", (locale) => {
    // Prepare
    const device = { en: ["before anything else", "device"], es: ["antes que nada", "dispositivo"] }[locale];
    const password = { en: "reset the password", es: "cambia la contraseña" }[locale];

    // Act
    const { text, html } = guidance("malware", locale);
    const first = step(text, 1).toLowerCase();
    const firstItem = visibleText(/<li\b[^>]*>([\s\S]*?)<\/li>/.exec(html)?.[1] ?? "").toLowerCase();

    // Assess
    for (const phrase of device) {
      expect(first).toContain(phrase);
      expect(firstItem).toContain(phrase);
    }
    expect(text.toLowerCase().indexOf(device[0] ?? "")).toBeLessThan(text.toLowerCase().indexOf(password));
  });

  it.each(LOCALES)("puts the new wallet and moving funds first for a key compromise (%s)", (locale) => {
    // Prepare
    const [wallet, funds] = {
      en: ["new wallet", "move your remaining funds"],
      es: ["nueva billetera", "mueve de inmediato"],
    }[locale];

    // Act
    const { text } = guidance("key_compromise", locale);

    // Assess
    expect(step(text, 1).toLowerCase()).toContain(wallet);
    expect(step(text, 2).toLowerCase()).toContain(funds);
  });

  it.each(LOCALES)("puts calling the carrier first for a SIM swap (%s)", (locale) => {
    // Prepare
    const carrier = { en: "call your mobile carrier", es: "llama a tu operador" }[locale];

    // Act
    const { text } = guidance("sim_swap", locale);

    // Assess
    expect(step(text, 1).toLowerCase()).toContain(carrier);
    expect(step(text, 2)).toContain(locale === "en" ? "port-out PIN" : "PIN de portabilidad");
  });

  it.each(CASES)("links each configured help page in $incidentType guidance ($locale)", (c) => {
    // Act
    const { text, html } = guidance(c.incidentType, c.locale);

    // Assess
    const linked = hrefs(html);
    expect(linked).toContain(HELP_LINKS.passwordReset);
    expect(linked).toContain(HELP_LINKS.support);
    expect(linked).toContain(HELP_LINKS.reportFraud);
    expect(text).toContain(HELP_LINKS.passwordReset);
    expect(text).toContain(HELP_LINKS.support);
  });

  it.each(CASES)("omits help-link sentences when no links are configured in $incidentType guidance ($locale)", (c) => {
    // Prepare
    const labels = {
      en: ["Reset your password", "Contact support", "Set up two-step verification", "Report it to us"],
      es: ["Cambiar tu contraseña", "Contactar con soporte", "Configurar la verificación", "Repórtalo también"],
    }[c.locale];

    // Act
    const { text, html } = guidance(c.incidentType, c.locale, "minimal");

    // Assess
    expect(hrefs(html)).toEqual([]);
    expect(html).not.toContain("<a ");
    expect(text).not.toMatch(/https?:\/\//);
    for (const label of labels) expect(text).not.toContain(label);
  });

  it.each(LOCALES)("quotes the most urgent guidance step in the acknowledgement (%s)", (locale) => {
    // Prepare
    const urgent = { en: "port-out PIN", es: "PIN de portabilidad" }[locale];

    // Act
    const { text } = renderMessage(inputFor("acknowledgement", "sim_swap", locale, "minimal"));

    // Assess
    expect(text).toContain(urgent);
  });
});
