/**
 * The one message box of the playground: every column gets what is sent here. Enter
 * sends, Shift+Enter adds a line (and Enter while an input method is composing does
 * neither); images come from the file picker, pasting or dropping, shown as removable
 * thumbnails until sent. While any column streams, Send becomes Stop.
 */
import { useRef, useState, type ClipboardEvent, type KeyboardEvent } from "react";
import type { ImageAttachment } from "./model";
import { MAX_IMAGES, readImages } from "./images";

/** The message box's id, so a suggestion elsewhere on the page can focus it. */
export const MESSAGE_BOX_ID = "pg-message";

export interface ComposerProps {
  /** The draft, held by the page so the example prompts can fill it. */
  text: string;
  onText(text: string): void;
  busy: boolean;
  /** Why sending is not possible right now (shown under the box), or null. */
  blocked: string | null;
  /** How many endpoints will answer. */
  targets: number;
  onSend(text: string, images: ImageAttachment[]): void;
  onStop(): void;
}

export function Composer({ text, onText: setText, busy, blocked, targets, onSend, onStop }: ComposerProps) {
  const [images, setImages] = useState<ImageAttachment[]>([]);
  const [problems, setProblems] = useState<string[]>([]);
  const fileInput = useRef<HTMLInputElement>(null);
  const canSend = !busy && !blocked && (text.trim().length > 0 || images.length > 0);

  const add = async (files: File[]) => {
    const room = MAX_IMAGES - images.length;
    const read = await readImages(files.slice(0, Math.max(0, room)));
    const extra = files.length > room ? [`At most ${MAX_IMAGES} images per message.`] : [];
    setImages((cur) => [...cur, ...read.images].slice(0, MAX_IMAGES));
    setProblems([...read.problems, ...extra]);
  };

  const send = () => {
    if (!canSend) return;
    onSend(text, images);
    setText("");
    setImages([]);
    setProblems([]);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      send();
    }
  };

  const onPaste = (e: ClipboardEvent<HTMLTextAreaElement>) => {
    const files = [...e.clipboardData.files].filter((f) => f.type.startsWith("image/"));
    if (!files.length) return;
    e.preventDefault();
    void add(files);
  };

  return (
    <form
      className="pg-composer"
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes("Files")) e.preventDefault();
      }}
      onDrop={(e) => {
        const files = [...e.dataTransfer.files];
        if (!files.length) return;
        e.preventDefault();
        void add(files);
      }}
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      {images.length ? (
        <ul className="pg-attachments" aria-label="Images to send">
          {images.map((img, i) => (
            <li key={i} className="pg-attachment">
              <img className="pg-thumb" src={img.dataUrl} alt={img.name} title={img.name} />
              <button type="button" className="pg-attachment-remove" aria-label={`Remove image ${img.name}`} onClick={() => setImages((cur) => cur.filter((_, j) => j !== i))}>
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {problems.length ? (
        <div className="field-error" role="alert">
          {problems.join(" ")}
        </div>
      ) : null}
      <div className="pg-composer-box">
        <button type="button" className="btn btn-ghost pg-icon-btn pg-attach" onClick={() => fileInput.current?.click()} title="Attach images (or paste them)">
          <svg viewBox="0 0 20 20" width="19" height="19" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinejoin="round" strokeLinecap="round">
            <rect x="2.5" y="3.5" width="15" height="13" rx="2" />
            <circle cx="7.2" cy="8" r="1.5" />
            <path d="M3 14.5l4.5-4 3 2.7 2.5-2.2 4.5 4" />
          </svg>
          <span className="visually-hidden">Attach images</span>
        </button>
        <input
          ref={fileInput}
          className="visually-hidden"
          type="file"
          accept="image/*"
          multiple
          aria-label="Image files"
          tabIndex={-1}
          onChange={(e) => {
            const files = [...(e.target.files ?? [])];
            e.target.value = "";
            void add(files);
          }}
        />
        <textarea
          id={MESSAGE_BOX_ID}
          className="pg-input"
          aria-label="Message"
          placeholder={targets > 1 ? `Message ${targets} endpoints…` : "Message…"}
          rows={2}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
        />
        {busy ? (
          <button type="button" className="btn pg-send pg-stop" onClick={onStop}>
            <span className="pg-stop-square" aria-hidden="true" />
            Stop
          </button>
        ) : (
          <button type="submit" className="btn btn-primary pg-send" disabled={!canSend}>
            Send
          </button>
        )}
      </div>
      <div className="pg-composer-hint small muted" aria-live="polite">
        {blocked ?? (
          <>
            <kbd>Enter</kbd> to send · <kbd>Shift</kbd>+<kbd>Enter</kbd> for a new line · paste or attach images
          </>
        )}
      </div>
    </form>
  );
}
