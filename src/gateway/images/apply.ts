/**
 * Applies the hosted-model image limits (limits.ts) to a chat request before it goes to a
 * served entity that declares them: checks every image (user content and tool results —
 * a computer-use screenshot counts too), downscales the ones over the size limit with
 * sharp, and corrects a declared media type that does not match the bytes. A request
 * without images is returned as it is, after one walk over its messages.
 */
import sharp from "sharp";
import { errors } from "../errors.js";
import type { ChatRequest, JsonObject } from "../types.js";
import { parseDataUrl, readImageHeader, SUPPORTED_FORMATS, type ImageHeader } from "./header.js";
import { MANY_IMAGES, MANY_IMAGES_MAX_EDGE, MAX_EDGE, MAX_IMAGES, targetSize, type Size } from "./limits.js";

interface ImageRef {
  message: number;
  part: number;
  field: string;
  url: string;
}

function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** The `image_url` parts of a request's messages, in order. */
function imageRefs(messages: unknown): ImageRef[] {
  const out: ImageRef[] = [];
  if (!Array.isArray(messages)) return out;
  messages.forEach((m: unknown, i) => {
    const content = isObject(m) ? m["content"] : undefined;
    if (!Array.isArray(content)) return;
    content.forEach((p: unknown, j) => {
      if (!isObject(p) || p["type"] !== "image_url") return;
      const iu = p["image_url"];
      const url = typeof iu === "string" ? iu : isObject(iu) ? iu["url"] : undefined;
      const field = `messages[${i}].content[${j}].image_url.url`;
      if (typeof url !== "string") throw errors.invalidParameter(field, `'${field}' must be a string.`);
      out.push({ message: i, part: j, field, url });
    });
  });
  return out;
}

const FORMAT_NAMES: Readonly<Record<string, string>> = { jpg: "JPEG", png: "PNG", gif: "GIF", webp: "WebP" };

/** Reads and checks one image; the 400s name the field. */
function check(ref: ImageRef, many: boolean): { header: ImageHeader; declared: string; base64: string } {
  const data = parseDataUrl(ref.url);
  if (!data) {
    const link = /^https?:/i.test(ref.url);
    throw errors.invalidParameter(
      ref.field,
      link
        ? `'${ref.field}' is a link: only data: URLs are supported for this endpoint's images (data:image/png;base64,…); links are not fetched.`
        : `'${ref.field}' must be a base64 data: URL (data:image/png;base64,…); only data: URLs are supported.`,
    );
  }
  const header = readImageHeader(data.base64);
  if (!header) throw errors.invalidParameter(ref.field, `'${ref.field}' is not an image Tessera can read; send JPEG, PNG, GIF or WebP.`);
  if (!SUPPORTED_FORMATS[header.format]) {
    throw errors.invalidParameter(ref.field, `'${ref.field}' is a ${header.format.toUpperCase()} image; the supported formats are JPEG, PNG, GIF and WebP.`);
  }
  const { width, height } = header;
  if (width > MAX_EDGE || height > MAX_EDGE) {
    throw errors.invalidParameter(ref.field, `'${ref.field}' is ${width}×${height} px; images larger than ${MAX_EDGE}×${MAX_EDGE} px are refused.`);
  }
  if (many && (width > MANY_IMAGES_MAX_EDGE || height > MANY_IMAGES_MAX_EDGE)) {
    throw errors.invalidParameter(
      ref.field,
      `'${ref.field}' is ${width}×${height} px; with more than ${MANY_IMAGES} images in a request each may be at most ${MANY_IMAGES_MAX_EDGE}×${MANY_IMAGES_MAX_EDGE} px.`,
    );
  }
  return { header, declared: data.mediaType, base64: data.base64 };
}

/** The image downscaled to `to`, in its own format (an animated GIF keeps its frames). */
async function downscale(base64: string, format: string, to: Size): Promise<string> {
  const input = Buffer.from(base64, "base64");
  const img = sharp(input, { animated: format === "gif" || format === "webp" }).resize(to.width, to.height, { fit: "fill" });
  // Keep EXIF (a JPEG's orientation) so the picture is shown the way it was taken.
  const out = await img.keepExif().toFormat(format === "jpg" ? "jpeg" : (format as "png" | "gif" | "webp")).toBuffer();
  return out.toString("base64");
}

function withUrl(part: unknown, url: string): JsonObject {
  const p = part as JsonObject;
  const iu = p["image_url"];
  return { ...p, image_url: isObject(iu) ? { ...iu, url } : { url } };
}

/**
 * The request with the limits applied: the same object when nothing had to change, else a
 * copy with the changed images replaced (the caller's body is never modified).
 *
 * @example
 *   await applyImageLimits({ messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "https://x/a.png" } }] }] })
 *   // throws a 400: only data: URLs are supported
 */
export async function applyImageLimits(req: ChatRequest): Promise<ChatRequest> {
  const refs = imageRefs(req.messages);
  if (refs.length === 0) return req;
  if (refs.length > MAX_IMAGES) throw errors.invalidParameter("messages", `The request holds ${refs.length} images; at most ${MAX_IMAGES} are allowed.`);
  const many = refs.length > MANY_IMAGES;
  const checked = refs.map((r) => ({ ref: r, ...check(r, many) }));
  const replaced = await Promise.all(
    checked.map(async (c) => {
      const mediaType = SUPPORTED_FORMATS[c.header.format] as string;
      const to = targetSize(c.header);
      if (to !== c.header && (to.width !== c.header.width || to.height !== c.header.height)) {
        try {
          return `data:${mediaType};base64,${await downscale(c.base64, c.header.format, to)}`;
        } catch {
          throw errors.invalidParameter(c.ref.field, `'${c.ref.field}' could not be decoded as a ${FORMAT_NAMES[c.header.format] ?? c.header.format} image.`);
        }
      }
      return c.declared === mediaType ? undefined : `data:${mediaType};base64,${c.base64}`;
    }),
  );
  if (replaced.every((u) => u === undefined)) return req;
  const messages = [...req.messages];
  checked.forEach((c, k) => {
    const url = replaced[k];
    if (url === undefined) return;
    const msg = messages[c.ref.message] as JsonObject;
    const content = [...(msg["content"] as unknown[])];
    content[c.ref.part] = withUrl(content[c.ref.part], url);
    messages[c.ref.message] = { ...msg, content } as (typeof messages)[number];
  });
  return { ...req, messages };
}
