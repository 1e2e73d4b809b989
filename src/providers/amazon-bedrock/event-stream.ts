/**
 * Reads a body in AWS's binary event-stream framing (`application/vnd.amazon.eventstream`)
 * into decoded messages. Each frame starts with its total length (u32, big-endian), so
 * bytes are buffered until a whole frame is there: a network read may hold part of a
 * frame, or several. Decoding (header parsing, both CRC checks) is `@smithy/eventstream-codec`.
 *
 * Leaving the loop early (the client went away) ends the generator, which destroys the
 * body and so releases the upstream request.
 */
import { EventStreamCodec } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";
import { ERROR_KINDS, GatewayError } from "../../gateway/errors.js";
import { transportError, type UpstreamResponse } from "../common/index.js";

/** The codec is stateless for `decode`, so one serves every stream. */
const codec = new EventStreamCodec(toUtf8, fromUtf8);

export type EventMessage = ReturnType<EventStreamCodec["decode"]>;

/** Prelude (12) + message CRC (4): the smallest frame there is. */
const MIN_FRAME = 16;
/** Bedrock frames are small; anything this large is a corrupt length, not a frame to wait for. */
const MAX_FRAME = 16 * 1024 * 1024;

function malformed(detail: string): GatewayError {
  return new GatewayError(ERROR_KINDS.UPSTREAM_ERROR, `Received a malformed event stream from Amazon Bedrock: ${detail}.`);
}

/**
 * Splits buffered bytes into whole frames; keeps the tail for the next read.
 *
 * @example
 *   const frames = new FrameBuffer();
 *   for (const bytes of reads) for (const frame of frames.push(bytes)) codec.decode(frame);
 */
export class FrameBuffer {
  private pending: Buffer = Buffer.alloc(0);

  push(bytes: Uint8Array): Uint8Array[] {
    const chunk = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const frames: Uint8Array[] = [];
    let at = 0;
    while (this.pending.length - at >= 4) {
      const total = this.pending.readUInt32BE(at);
      if (total < MIN_FRAME || total > MAX_FRAME) throw malformed(`a frame claims ${total} bytes`);
      if (this.pending.length - at < total) break;
      frames.push(this.pending.subarray(at, at + total));
      at += total;
    }
    this.pending = this.pending.subarray(at);
    return frames;
  }

  /** Bytes of an unfinished frame (a body cut mid-frame). */
  get leftover(): number {
    return this.pending.length;
  }
}

/** Decodes one frame; a CRC mismatch or bad header is an upstream fault. */
export function decodeFrame(frame: Uint8Array): EventMessage {
  try {
    return codec.decode(frame);
  } catch (err) {
    throw malformed(err instanceof Error ? err.message : "undecodable frame");
  }
}

/** The string value of a message header, or undefined. */
export function headerOf(msg: EventMessage, name: string): string | undefined {
  const h = msg.headers[name];
  return h && h.type === "string" ? h.value : undefined;
}

/** The messages of an event-stream body, in order, as they arrive. */
export async function* eventMessages(res: UpstreamResponse, provider: string, signal: AbortSignal): AsyncGenerator<EventMessage, void, undefined> {
  const frames = new FrameBuffer();
  try {
    for await (const buf of res.body) {
      for (const frame of frames.push(buf as Buffer)) yield decodeFrame(frame);
    }
    // A partial frame at the end is dropped here: the stream's converter sees no final
    // event and reports the stream as truncated.
  } catch (err) {
    throw transportError(err, provider, signal);
  } finally {
    if (!res.body.destroyed) res.body.destroy();
  }
}
