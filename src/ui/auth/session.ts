/**
 * The signed-in user's personal access token, kept in session storage (gone when the tab
 * closes) and sent as a Bearer token by the API client. Listeners hear sign-in, sign-out
 * and expiry (a 401 from any API call), so the app returns to the sign-in page with a
 * message saying why.
 */
import { useSyncExternalStore } from "react";

export interface Session {
  token: string;
  /** The principal's display name (user name or service principal name). */
  user: string;
}

const KEY = "tessera.session";
/** Why the last session ended; kept in the tab so a reload of the sign-in page still says it. */
const NOTICE_KEY = "tessera.notice";
type Listener = () => void;
const listeners = new Set<Listener>();
let current: Session | null = read();

function read(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const v = JSON.parse(raw) as Partial<Session>;
    return typeof v.token === "string" && typeof v.user === "string" ? { token: v.token, user: v.user } : null;
  } catch {
    return null;
  }
}

function emit(): void {
  for (const l of listeners) l();
}

export const session = {
  get(): Session | null {
    return current;
  },
  signIn(s: Session): void {
    current = s;
    sessionStorage.removeItem(NOTICE_KEY);
    sessionStorage.setItem(KEY, JSON.stringify(s));
    emit();
  },
  /**
   * Signs out; `why` is shown on the sign-in page (e.g. the token expired). Everything the
   * pages kept in session storage (query bodies, playground conversations) goes too: the
   * next person at this tab sees none of it.
   */
  signOut(why?: string): void {
    current = null;
    sessionStorage.clear();
    if (why) sessionStorage.setItem(NOTICE_KEY, why);
    emit();
  },
  /** The message for the sign-in page, if the last sign-out had a reason. */
  notice(): string | null {
    return sessionStorage.getItem(NOTICE_KEY);
  },
  subscribe(l: Listener): () => void {
    listeners.add(l);
    return () => listeners.delete(l);
  },
};

export function useSession(): Session | null {
  return useSyncExternalStore(session.subscribe, session.get);
}
