import type { IncomingMessage } from "node:http";

/** The request body as text, and whether it went past `maxBytes`. */
export interface RequestBody {
  text: string;
  tooLarge: boolean;
}

/**
 * Reads a request body to its end, keeping at most `maxBytes`: the excess is dropped rather than
 * the connection cut, so a client sending too much gets its 413 instead of a reset. Past ten times
 * the limit (API Gateway's own cap) the socket is destroyed.
 */
export async function readBody(request: IncomingMessage, maxBytes: number): Promise<RequestBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > 10 * maxBytes) {
      request.socket.destroy();
      break;
    }
    if (size <= maxBytes) chunks.push(chunk as Buffer);
  }
  return { text: Buffer.concat(chunks).toString("utf8"), tooLarge: size > maxBytes };
}
