/** A received email as the use cases read it (the MIME decoded, nothing judged yet). */
export interface ParsedEmail {
  subject: string | undefined;
  /** The text part, if any. */
  text: string | undefined;
  /** The HTML part, if any. */
  html: string | undefined;
  /**
   * The parser's own reading of `From`: the address of its single mailbox, or null when `From` is a
   * group, absent or has no address. One of the readings that must agree on the sender.
   */
  fromAddress: string | null;
}

/** Decodes raw MIME. @throws Error when the message cannot be parsed. */
export interface MailParser {
  parse(rawMime: string): Promise<ParsedEmail>;
}
