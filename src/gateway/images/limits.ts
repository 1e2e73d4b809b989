/**
 * The image limits of Databricks-hosted Claude models, which Tessera applies to the
 * served entities that declare them (`external_model.image_limits`, on by default for
 * the Anthropic, Bedrock and Vertex providers; see docs/providers.md):
 *
 * - at most 100 images in one request;
 * - an image larger than 8000×8000 px is refused; with more than 20 images in a request,
 *   each may be at most 2000×2000 px;
 * - formats JPEG, PNG, GIF and WebP only (read from the bytes, not the declared type);
 * - images as base64 `data:` URLs only: an http(s) link is refused, never fetched;
 * - an image whose long edge is over 1568 px, or whose size is over ~1600 tokens, is
 *   downscaled before sending, keeping its aspect ratio (resize.ts).
 *
 * The token rule is the same document's: tokens ≈ width × height / 750, counted on the
 * size the model sees, i.e. after that downscaling.
 */

export const MAX_IMAGES = 100;
export const MAX_EDGE = 8000;
/** With more than `MANY_IMAGES` images, each must fit in `MANY_IMAGES_MAX_EDGE` square. */
export const MANY_IMAGES = 20;
export const MANY_IMAGES_MAX_EDGE = 2000;
/** The long edge an image is downscaled to. */
export const TARGET_LONG_EDGE = 1568;
/** ~1600 tokens × 750 px per token: the area an image is downscaled to. */
export const TARGET_PIXELS = 1600 * 750;
const PIXELS_PER_TOKEN = 750;

export interface Size {
  width: number;
  height: number;
}

/**
 * The size an image is sent at: unchanged when its long edge is at most 1568 px and its
 * area at most ~1600 tokens, else scaled down (aspect ratio kept) until both hold.
 *
 * @example
 *   targetSize({ width: 3136, height: 1000 }) // { width: 1568, height: 500 }
 *   targetSize({ width: 1000, height: 1000 }) // unchanged
 */
export function targetSize(s: Size): Size {
  const scale = Math.min(1, TARGET_LONG_EDGE / Math.max(s.width, s.height), Math.sqrt(TARGET_PIXELS / (s.width * s.height)));
  if (scale >= 1) return s;
  // The epsilon keeps 3000 × (1568 / 3000) at 1568, not 1567.9999….
  const edge = (n: number) => Math.max(1, Math.floor(n * scale + 1e-9));
  return { width: edge(s.width), height: edge(s.height) };
}

/**
 * The prompt tokens an image costs: width × height / 750 of the size it is sent at,
 * rounded up (200×200 → 54, 1000×1000 → 1334, 1092×1092 → 1590).
 */
export function imageTokens(s: Size): number {
  const t = targetSize(s);
  return Math.ceil((t.width * t.height) / PIXELS_PER_TOKEN);
}
