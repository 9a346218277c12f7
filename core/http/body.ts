// Reads a request body with a byte limit. The limit is checked against Content-Length first and
// again while streaming (a client may lie or use chunked encoding), so an oversized body is cut
// off early with 413 M_TOO_LARGE and never buffered whole.
import type { IncomingMessage } from 'node:http';
import { MatrixError } from '../spec/errors.ts';

export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/** An empty body is `{}`: clients send none for endpoints whose fields are all optional. */
export function parseJsonBody(raw: Buffer): unknown {
  const text = raw.toString('utf8').trim();
  if (text === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new MatrixError('M_NOT_JSON', 'Content not JSON.');
  }
}

const tooLarge = (limit: number) => new MatrixError('M_TOO_LARGE', `Request body is larger than ${limit} bytes`);
