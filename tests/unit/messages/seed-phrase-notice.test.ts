import { describe, expect, it } from "vitest";
import { renderMessage } from "../../../src/domain/messages/index.js";

const notice = (locale: string, seedPhraseRedacted: boolean) =>
  renderMessage({
    kind: "acknowledgement",
    incidentType: "phishing",
    locale,
    caseRef: "C-7QK2",
    vars: { lockRequested: false, seedPhraseRedacted },
  });

describe("acknowledgement after a seed phrase was redacted", () => {
  it.each([
    ["en", "treat it as burnt", "move your funds to it at once"],
    ["es", "considérala quemada", "mueve tus fondos a ella de inmediato"],
  ])("tells the reporter in %s that the phrase is burnt and to move the funds", (locale, burnt, move) => {
    // Act
    const message = notice(locale, true);

    // Assess
    expect(message.text).toContain(burnt);
    expect(message.text).toContain(move);
    expect(message.html).toContain(burnt);
  });

  it.each(["en", "es"])("says nothing about a seed phrase in %s when none was removed", (locale) => {
    // Act
    const message = notice(locale, false);

    // Assess
    expect(message.text).not.toMatch(/burnt|quemada/);
  });
});
