/**
 * Output guardrails on a stream: buffer, check, replay.
 *
 * Nothing reaches the client until the whole answer is in and checked, because a value to
 * mask or a keyword to block may be split over any number of chunks and a chunk once sent
 * cannot be taken back. Then the chunks are replayed as they came (same boundaries, same
 * metadata), with masked values written back into the chunks they started in. A blocked
 * answer ends the stream with the guardrail's error after the usage chunks alone (the
 * tokens were spent, so usage still reaches the client and the usage record).
 *
 * The cost: the client's first token arrives when the model's last one does.
 */
import type { AnyChunk } from "../gateway/types.js";
import type { Masks } from "./check.js";
import { streamSlots, writeMasks, type Slot } from "./text.js";

export async function* guardStream(chunks: AsyncIterable<AnyChunk>, check: (slots: Slot[]) => Promise<Masks>): AsyncGenerator<AnyChunk, void, undefined> {
  const buffered: AnyChunk[] = [];
  for await (const chunk of chunks) buffered.push(chunk);
  let masks: Masks;
  try {
    masks = await check(streamSlots(buffered));
  } catch (err) {
    for (const c of buffered) if (c.usage) yield { ...c, choices: [] };
    throw err;
  }
  yield* masks.length ? writeMasks(buffered, masks) : buffered;
}
