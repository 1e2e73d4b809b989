/**
 * Images picked or pasted into the composer, read as data URLs: the chat API takes
 * images inline (`image_url` parts), so nothing is uploaded anywhere but the request.
 */
import type { ImageAttachment } from "./model";

/** Larger images make every later request of the conversation large too. */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
export const MAX_IMAGES = 8;

function readAsDataUrl(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(r.error ?? new Error("The file could not be read."));
    r.readAsDataURL(file);
  });
}

/** Reads the image files among `files`; says why for each one left out. */
export async function readImages(files: Iterable<File>): Promise<{ images: ImageAttachment[]; problems: string[] }> {
  const images: ImageAttachment[] = [];
  const problems: string[] = [];
  for (const f of files) {
    const name = f.name || "pasted image";
    if (!f.type.startsWith("image/")) problems.push(`${name} is not an image.`);
    else if (f.size > MAX_IMAGE_BYTES) problems.push(`${name} is larger than ${MAX_IMAGE_BYTES / 1024 / 1024} MB.`);
    else {
      try {
        images.push({ name, mediaType: f.type, bytes: f.size, dataUrl: await readAsDataUrl(f) });
      } catch (err) {
        problems.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
  return { images, problems };
}
