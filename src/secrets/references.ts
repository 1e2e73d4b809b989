/**
 * Secret references, `{{secrets/<scope>/<key>}}`, as written in credential fields.
 */

const REF = /^\{\{\s*secrets\/([A-Za-z0-9_.@-]{1,128})\/([A-Za-z0-9_.-]{1,128})\s*\}\}$/;

export interface SecretRef {
  scope: string;
  key: string;
}

/** Parses a reference, or returns undefined when the text is not one. */
export function parseSecretRef(text: string): SecretRef | undefined {
  const m = REF.exec(text);
  return m ? { scope: m[1] as string, key: m[2] as string } : undefined;
}

export function formatSecretRef(ref: SecretRef): string {
  return `{{secrets/${ref.scope}/${ref.key}}}`;
}

/** Scope names: letters, digits, `_ . @ -`, at most 128 characters (as Databricks). */
export const SCOPE_NAME = /^[A-Za-z0-9_.@-]{1,128}$/;
/** Key names: letters, digits, `_ . -`, at most 128 characters. */
export const KEY_NAME = /^[A-Za-z0-9_.-]{1,128}$/;
