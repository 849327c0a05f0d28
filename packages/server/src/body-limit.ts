import type { Context, MiddlewareHandler } from 'hono';

/** How much of a refused body is read (and dropped) before the 413; past this the connection is cut. */
export const drainBytes = 64 * 1024 * 1024;

/**
 * Refuses request bodies larger than `maxSize(context)` bytes with the response `refuse` makes,
 * whether the client declared the length or sends chunks. Hono's `bodyLimit` answered at once and
 * left the rest of the body unread (issue 10): the connection was then cut under the client, so
 * curl still sending lost the 413 (exit 55) and a keep-alive agent sent its next request into a
 * closing socket. Here the rest of the body (up to {@link drainBytes}) is read and dropped first,
 * and the answer says `Connection: close`, so the client reads the 413 and reconnects.
 */
export function limitBody(maxSize: (context: Context) => number, refuse: (context: Context, maxSize: number) => Response): MiddlewareHandler {
  return async (context, next) => {
    const body = context.req.raw.body;
    if (!body) return next();
    const limit = maxSize(context);
    const declared = context.req.header('transfer-encoding') === undefined ? context.req.header('content-length') : undefined;
    if (declared !== undefined && Number(declared) <= limit) return next();

    const reader = body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    // A declared length over the limit is refused without keeping a byte of it.
    let refused = declared !== undefined;
    while (!refused) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > limit) refused = true;
      else chunks.push(value);
    }
    if (refused) {
      await discard(reader);
      context.header('Connection', 'close');
      return refuse(context, limit);
    }
    context.req.raw = new Request(context.req.raw, { body: Buffer.concat(chunks, size) });
    return next();
  };
}

async function discard(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  let read = 0;
  try {
    while (read <= drainBytes) {
      const { done, value } = await reader.read();
      if (done) return;
      read += value.length;
    }
    await reader.cancel();
  } catch {
    // The client went away: there is no one to answer.
  }
}
