import { buildDeps } from "../src/adapters/compose.js";
import { PostalMimeParser } from "../src/adapters/email/postal-mime-parser.js";
import { lazyHandler, logger, taskFunction } from "../src/adapters/lambda/handlers.js";
import { SesReceivedNotificationSchema, SnsEventSchema } from "../src/schemas/inbound-email.js";
import { taskInput } from "../src/schemas/tasks.js";
import { makeReceiveEmailReply } from "../src/use-cases/receive-email-reply.js";

/**
 * SES inbound (receipt rule → SNS, UTF-8) → a reporter's reply to the verification email. A
 * notification that cannot be read is logged and skipped (a retry could not fix it); store or Step
 * Functions failures throw, so the asynchronous invocation is retried. Logs carry the outcome, the
 * reason and the case id only: never an address or the content.
 */
export const createHandler = ({ receiveEmailReply }: { receiveEmailReply: ReturnType<typeof makeReceiveEmailReply> }) =>
  taskFunction(taskInput(SnsEventSchema), async (event) => {
    let confirmed = 0;
    for (const record of event.Records) {
      let message: unknown;
      try {
        message = JSON.parse(record.Sns.Message);
      } catch {
        message = undefined;
      }
      const parsed = SesReceivedNotificationSchema.safeParse(message);
      if (!parsed.success) {
        logger.warn("inbound email ignored", { outcome: "ignored", reason: "unreadable_notification" });
        continue;
      }
      const result = await receiveEmailReply(parsed.data);
      if (result.outcome === "confirmed") confirmed += 1;
      logger.info("inbound email handled", { ...result });
    }
    return { records: event.Records.length, confirmed };
  });

export const handler = lazyHandler(() =>
  // The MIME parser only here: built into the composition root, it was 79 KB of every other function's bundle.
  createHandler({
    receiveEmailReply: makeReceiveEmailReply({ ...buildDeps("receive-email-reply"), mail: new PostalMimeParser() }),
  }),
);
