/**
 * PII detection: emails, phone numbers, payment cards, US SSNs, IP addresses and IBANs.
 *
 * Each detector is a pattern for the shape plus a check of the value (`pii-validators.ts`),
 * so that what is found is what a person would call PII and not an order number, a date
 * or a version string. Patterns are compiled once, at module load; matches never start or
 * end inside a word or a longer number (Unicode-aware boundaries). Where two detectors
 * claim overlapping text, the more specific one wins (an IBAN's digits are not a card).
 *
 * @example
 *   maskPii("mail jane@example.com") // → "mail [EMAIL]"
 */
import { creditCardValid, ibanPrefixLength, intlPhoneValid, ipv6Valid } from "./pii-validators.js";

export const PII_TYPES = ["EMAIL", "IBAN", "CREDIT_CARD", "SSN", "IP_ADDRESS", "PHONE"] as const;
export type PiiType = (typeof PII_TYPES)[number];

export interface PiiSpan {
  start: number;
  end: number;
  type: PiiType;
}

/** Letters (with combining marks), digits and `_`: what a match may not touch. */
const W = String.raw`\p{L}\p{M}\p{N}_`;
/** Not inside a word or a longer number (`-12`, `.12`, `+12` continue one). */
const NUM_START = String.raw`(?<![${W}+\-./])`;
const NUM_END = String.raw`(?![${W}]|[\-.]\d)`;
const OCTET = String.raw`(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)`;

interface Detector {
  type: PiiType;
  re: RegExp;
  /** Characters one of which the text must hold for the pattern to have a chance. */
  needs: RegExp;
  /** The length of the match to accept (the candidate may be trimmed), 0 to reject it. */
  accept: (candidate: string) => number;
}

const whole = (ok: (s: string) => boolean) => (s: string) => (ok(s) ? s.length : 0);

/** The longest prefix of a grouped card number (whole groups, ≥ 13 digits) that is a valid card. */
function cardPrefixLength(candidate: string): number {
  const groups = candidate.split(/(?=[ -])/);
  for (let k = groups.length; k >= 1; k--) {
    const s = groups.slice(0, k).join("");
    if (s.replace(/\D/g, "").length < 13) break;
    if (creditCardValid(s)) return s.length;
  }
  return 0;
}

/** A trailing `:` is prose ("at fe80::1: …"), not part of the address. */
function ipv6Length(candidate: string): number {
  if (ipv6Valid(candidate)) return candidate.length;
  if (candidate.endsWith(":") && !candidate.endsWith("::") && ipv6Valid(candidate.slice(0, -1))) return candidate.length - 1;
  return 0;
}

const DIGIT = /\d/;

/** In precedence order: where matches overlap, the earlier detector wins. */
const DETECTORS: readonly Detector[] = [
  {
    type: "EMAIL",
    re: new RegExp(
      String.raw`(?<![${W}.%+\-])[${W}.%+\-]+@(?:[\p{L}\p{M}\p{N}](?:[\p{L}\p{M}\p{N}\-]{0,61}[\p{L}\p{M}\p{N}])?\.)+(?:[\p{L}\p{M}]{2,63}|xn--[a-z0-9\-]{1,59})(?![${W}\-]|\.[\p{L}\p{N}])`,
      "gu",
    ),
    needs: /@/,
    accept: (s) => s.length,
  },
  {
    type: "IBAN",
    re: new RegExp(String.raw`(?<![${W}])[A-Z]{2}\d{2}(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,4})?)(?![${W}])`, "gu"),
    needs: DIGIT,
    accept: ibanPrefixLength,
  },
  {
    type: "CREDIT_CARD",
    re: new RegExp(String.raw`${NUM_START}(?:\d[ \-]?){12,18}\d${NUM_END}`, "gu"),
    needs: DIGIT,
    accept: cardPrefixLength,
  },
  {
    // ###-##-####, never issued: area 000, 666 or 9xx, group 00, serial 0000.
    type: "SSN",
    re: new RegExp(String.raw`${NUM_START}(?!000|666|9)\d{3}-(?!00)\d{2}-(?!0000)\d{4}${NUM_END}`, "gu"),
    needs: DIGIT,
    accept: (s) => s.length,
  },
  // IPv6 first: "::ffff:192.0.2.1" is one address, not a prefix and an IPv4 one.
  {
    type: "IP_ADDRESS",
    re: new RegExp(String.raw`(?<![${W}:.])(?=[0-9A-Fa-f]*:[0-9A-Fa-f]*:)[0-9A-Fa-f:]{2,39}(?:\d{1,3}(?:\.\d{1,3}){3})?(?![${W}:]|\.\d)`, "gu"),
    needs: /:/,
    accept: ipv6Length,
  },
  {
    type: "IP_ADDRESS",
    re: new RegExp(String.raw`(?<![${W}.\-])(?:${OCTET}\.){3}${OCTET}(?![${W}]|\.\d)`, "gu"),
    needs: DIGIT,
    accept: (s) => s.length,
  },
  {
    // International: +<country code> and 8–15 digits in all, in groups or not.
    type: "PHONE",
    re: new RegExp(String.raw`(?<![${W}+])\+[1-9]\d{0,2}(?:[ .\-]?(?:\(\d{1,4}\)|\d{1,4})){2,7}${NUM_END}`, "gu"),
    needs: /\+/,
    accept: whole(intlPhoneValid),
  },
  {
    // North American: (202) 555-0143, 202-555-0143, 202.555.0143, 1-202-555-0143. Ten
    // digits without separators are too often an id to call a phone number.
    type: "PHONE",
    re: new RegExp(String.raw`${NUM_START}(?:1[ .\-]?)?(?:\([2-9]\d{2}\)[ .\-]?|[2-9]\d{2}[ .\-])[2-9]\d{2}[ .\-]\d{4}${NUM_END}`, "gu"),
    needs: DIGIT,
    accept: (s) => s.length,
  },
];

const PRECEDENCE = new Map<Detector, number>(DETECTORS.map((d, i) => [d, i]));

/** Every PII span in the text, non-overlapping, in text order. */
export function findPii(text: string): PiiSpan[] {
  if (text.length < 3) return [];
  const found: Array<PiiSpan & { rank: number }> = [];
  for (const d of DETECTORS) {
    if (!d.needs.test(text)) continue;
    const rank = PRECEDENCE.get(d) ?? 0;
    // A shared global pattern: safe, since this loop runs to the end without yielding.
    d.re.lastIndex = 0;
    for (let m = d.re.exec(text); m; m = d.re.exec(text)) {
      const n = d.accept(m[0]);
      if (n > 0) found.push({ start: m.index, end: m.index + n, type: d.type, rank });
      if (m[0].length === 0) d.re.lastIndex++;
    }
  }
  if (found.length === 0) return [];
  found.sort((a, b) => a.rank - b.rank || a.start - b.start);
  const kept: PiiSpan[] = [];
  for (const f of found) {
    if (kept.some((k) => f.start < k.end && k.start < f.end)) continue;
    kept.push({ start: f.start, end: f.end, type: f.type });
  }
  return kept.sort((a, b) => a.start - b.start);
}

/** The placeholder a masked value becomes. */
export function placeholder(type: PiiType): string {
  return `[${type}]`;
}

/** The text with each span replaced by its placeholder. */
export function applySpans(text: string, spans: readonly PiiSpan[]): string {
  let out = "";
  let at = 0;
  for (const s of spans) {
    out += text.slice(at, s.start) + placeholder(s.type);
    at = s.end;
  }
  return out + text.slice(at);
}

/** The text with every PII value masked. */
export function maskPii(text: string): string {
  return applySpans(text, findPii(text));
}
