import { describe, expect, it } from "vitest";
import { scrubError } from "../../../src/adapters/lambda/scrub-error.js";
import { MessageUndeliverableError, NotFoundError } from "../../../src/errors/index.js";

describe("scrubError", () => {
  it("keeps the name Step Functions routes on and withholds an SDK's message and stack", () => {
    // Prepare
    const sdk = Object.assign(new Error("Email address is not verified: ana@example.com"), { name: "MessageRejected" });

    // Act
    const safe = scrubError(sdk);

    // Assess
    expect(safe.name).toBe("MessageRejected");
    expect(`${safe.message} ${safe.stack}`).not.toContain("ana@example.com");
    expect(safe.stack).toBe(`MessageRejected: ${safe.message}`);
  });

  it("keeps our own message, redacting any address, number or token in it", () => {
    // Prepare
    const own = new NotFoundError("case for ana@example.com +1 415 555 0100 token AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");

    // Act
    const safe = scrubError(own);

    // Assess
    expect(safe.name).toBe("NotFoundError");
    expect(safe.message).toBe("case for [email] [number] token [token]");
  });

  it("keeps a failure class, which carries no contact data", () => {
    // Act / Assess
    expect(scrubError(new MessageUndeliverableError("sms", "opted_out")).message).toBe("sms undeliverable (opted_out)");
  });
});
