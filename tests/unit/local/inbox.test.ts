import { describe, expect, it } from "vitest";
import { linkify, recipientOf } from "../../../local/inbox.js";

describe("local inbox", () => {
  it("keeps an unencoded + in the recipient (phone numbers, plus-addressed emails)", () => {
    // Prepare
    const urls = [
      "http://127.0.0.1:3000/_local/inbox?to=+14155550100",
      "http://127.0.0.1:3000/_local/inbox?to=%2B14155550100",
      "http://127.0.0.1:3000/_local/inbox?to=ana+test@example.com",
      "http://127.0.0.1:3000/_local/inbox?x=1&to=ana%40example.com",
      "http://127.0.0.1:3000/_local/inbox",
    ];

    // Act
    const recipients = urls.map((url) => recipientOf(new URL(url)));

    // Assess
    expect(recipients).toEqual(["+14155550100", "+14155550100", "ana+test@example.com", "ana@example.com", null]);
  });

  it("makes links clickable and escapes everything else", () => {
    // Prepare
    const text = 'Open https://vigil.example/v1/verify/abc?x=1&y=2 now <img src=x onerror=alert(1)> "quoted"';

    // Act
    const html = linkify(text);

    // Assess
    expect(html).toBe(
      'Open <a href="https://vigil.example/v1/verify/abc?x=1&amp;y=2" target="_blank" rel="noopener noreferrer">https://vigil.example/v1/verify/abc?x=1&amp;y=2</a> now &lt;img src=x onerror=alert(1)&gt; &quot;quoted&quot;',
    );
  });
});
