import PostalMime from "postal-mime";
import type { MailParser, ParsedEmail } from "../../ports/mail-parser.js";

/** {@link MailParser} with postal-mime (pure JavaScript, no I/O). */
export class PostalMimeParser implements MailParser {
  async parse(rawMime: string): Promise<ParsedEmail> {
    const email = await PostalMime.parse(rawMime);
    const from = email.from;
    return {
      subject: email.subject,
      text: email.text,
      html: email.html,
      // A group has no address of its own: it is not one sender.
      fromAddress: from && "address" in from && from.address ? from.address : null,
    };
  }
}
