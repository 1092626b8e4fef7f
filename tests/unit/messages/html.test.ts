import { describe, expect, it } from "vitest";
import { escapeHtml, html, trustedHtml } from "../../../src/domain/messages/html.js";
import { negotiateLocale } from "../../../src/domain/messages/locale.js";

describe("escapeHtml", () => {
  it("encodes the five characters that matter in text and quoted attributes, and leaves URLs readable", () => {
    // Act
    const escaped = escapeHtml(`<a href="x" onclick='y'>&</a> https://w.test/a?b=c`);

    // Assess
    expect(escaped).toBe("&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt; https://w.test/a?b=c");
  });
});

describe("html", () => {
  it("escapes every value, keeps nested markup and trusted literals, and drops false, null and undefined", () => {
    // Prepare
    const item = (text: string) => html`<li>${text}</li>`;

    // Act
    const out = html`<ul title="${'"quoted"'}">${["<b>", "ok"].map(item)}${false}${null}${undefined}${trustedHtml("<br>")}${3}</ul>`;

    // Assess
    expect(out.value).toBe('<ul title="&quot;quoted&quot;"><li>&lt;b&gt;</li><li>ok</li><br>3</ul>');
  });
});

describe("negotiateLocale", () => {
  it.each([
    [undefined, "en"],
    ["", "en"],
    ["*", "en"],
    ["es", "es"],
    ["es-MX,es;q=0.9", "es"],
    ["fr-CH, fr;q=0.9, es;q=0.8, en;q=0.7", "es"],
    ["en;q=0.4, es-AR;q=0.6", "es"],
    ["es;q=0, en;q=0.1", "en"],
    ["de, fr", "en"],
    ["EN-us", "en"],
  ])("picks the best supported locale for %j: %s", (header, expected) => {
    // Act
    const locale = negotiateLocale(header);

    // Assess
    expect(locale).toBe(expected);
  });
});
