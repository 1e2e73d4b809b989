/**
 * Image facts read cheaply from a `data:` URL: the format and pixel size from the first
 * bytes of the image (image-size reads headers only), without decoding the whole base64
 * payload or the pixels. This runs on the request path (the rate limiter's reservation)
 * and in the usage flusher, so it decodes a short prefix first and the whole payload only
 * when the header lies further in (a JPEG whose size marker follows a large EXIF block).
 */
import { imageSize } from "image-size";

/** The formats the hosted-model limits accept, by the name image-size gives them. */
export const SUPPORTED_FORMATS: Readonly<Record<string, string>> = { jpg: "image/jpeg", png: "image/png", gif: "image/gif", webp: "image/webp" };

export interface ImageHeader {
  /** image-size's name for the format: jpg, png, gif, webp, bmp, tiff, … */
  format: string;
  width: number;
  height: number;
}

/** A parsed `data:` URL: its declared media type and where the base64 payload starts. */
export interface DataUrl {
  mediaType: string;
  base64: string;
}

const DATA_URL = /^data:([a-z0-9.+/-]*)(?:;[a-z0-9=.+-]+)*?;base64,/i;

/** The declared media type and base64 payload of a `data:…;base64,` URL, or undefined for any other URL. */
export function parseDataUrl(url: string): DataUrl | undefined {
  const m = DATA_URL.exec(url);
  if (!m) return undefined;
  return { mediaType: (m[1] as string).toLowerCase(), base64: url.slice(m[0].length) };
}

/** 64 KiB of base64 (48 KiB of bytes) holds the header of nearly every PNG, GIF, WebP and JPEG. */
const PREFIX_CHARS = 64 * 1024;

function sizeOf(bytes: Uint8Array): ImageHeader | undefined {
  try {
    const s = imageSize(bytes);
    if (!s.type || !(s.width > 0) || !(s.height > 0)) return undefined;
    return { format: s.type, width: s.width, height: s.height };
  } catch {
    return undefined;
  }
}

/**
 * The format and size of a base64 image, or undefined when its bytes are not an image
 * image-size knows.
 *
 * @example
 *   readImageHeader(pngBase64) // { format: "png", width: 200, height: 200 }
 */
export function readImageHeader(base64: string): ImageHeader | undefined {
  if (base64.length > PREFIX_CHARS) {
    const head = sizeOf(Buffer.from(base64.slice(0, PREFIX_CHARS), "base64"));
    if (head) return head;
  }
  return sizeOf(Buffer.from(base64, "base64"));
}
