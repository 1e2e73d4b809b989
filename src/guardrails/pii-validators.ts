/**
 * The checks behind the PII patterns: a pattern finds text of the right shape, these say
 * whether it really is one (a card number passes Luhn, an IBAN its mod-97 check), which
 * is what keeps order numbers, dates and version strings from being masked.
 */
import { isIPv6 } from "node:net";

/** Luhn (mod 10) over a string of digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** Group lengths a card number is printed in: 4-4-4-4(-3) and Amex/Diners' 4-6-5 / 4-6-4. */
function cardGroupsOk(groups: string[]): boolean {
  if (groups.length === 1) return true;
  const lens = groups.map((g) => g.length);
  if (lens.length === 3 && lens[0] === 4 && lens[1] === 6 && (lens[2] === 5 || lens[2] === 4)) return true;
  const last = lens[lens.length - 1] ?? 0;
  return lens.slice(0, -1).every((n) => n === 4) && last >= 1 && last <= 4;
}

/**
 * A payment card number: 13–19 digits, written plain or in the usual groups with one kind
 * of separator, starting with a card network's digit (2–6: Mastercard, Amex, Diners, JCB,
 * Visa, Discover, UnionPay, Maestro), and passing Luhn.
 */
export function creditCardValid(candidate: string): boolean {
  const seps = new Set(candidate.replace(/\d/g, ""));
  if (seps.size > 1) return false;
  const groups = candidate.split(/[ -]/);
  if (!cardGroupsOk(groups)) return false;
  const digits = groups.join("");
  if (digits.length < 13 || digits.length > 19) return false;
  const first = digits.charCodeAt(0) - 48;
  if (first < 2 || first > 6) return false;
  return luhnValid(digits);
}

/** IBAN lengths by country (the SWIFT IBAN registry). */
const IBAN_LENGTH: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28,
  CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18,
  FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22,
  IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20,
  LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28, NL: 18,
  NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24, SC: 31,
  SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29,
  VA: 22, VG: 24, XK: 20, YE: 30,
};

/** ISO 13616: move the first four characters to the end, letters to 10..35, the number mod 97 must be 1. */
function ibanMod97(iban: string): boolean {
  const s = iban.slice(4) + iban.slice(0, 4);
  let rem = 0;
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    const v = c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 90 ? c - 55 : -1;
    if (v < 0) return false;
    rem = v < 10 ? (rem * 10 + v) % 97 : (rem * 100 + v) % 97;
  }
  return rem === 1;
}

/** An IBAN without spaces: the country's length (15–34 for a country not in the table) and a valid check. */
export function ibanValid(compact: string): boolean {
  const known = IBAN_LENGTH[compact.slice(0, 2)];
  if (known !== undefined ? compact.length !== known : compact.length < 15 || compact.length > 34) return false;
  return ibanMod97(compact);
}

/**
 * The longest valid IBAN at the start of a candidate written in groups ("DE89 3704 …"):
 * the pattern may have run on into a following word, so shorter group prefixes are tried.
 * Returns the accepted length in characters, 0 when none.
 */
export function ibanPrefixLength(candidate: string): number {
  const groups = candidate.split(" ");
  for (let k = groups.length; k >= 1; k--) {
    const part = groups.slice(0, k);
    if (ibanValid(part.join(""))) return part.join(" ").length;
  }
  return 0;
}

/**
 * A real IPv6 address (node's parser: compressed forms, embedded IPv4), but not the bare
 * `::` or a two-colon fragment of code or prose ("a::b" passes only with two hex groups).
 */
export function ipv6Valid(candidate: string): boolean {
  if (!isIPv6(candidate)) return false;
  if (candidate === "::1") return true;
  const groups = candidate.split(":").filter((g) => g !== "");
  return groups.length >= 2;
}

/** E.164 allows at most 15 digits; fewer than 8 is not a full international number. */
export function intlPhoneValid(candidate: string): boolean {
  const n = candidate.replace(/\D/g, "").length;
  return n >= 8 && n <= 15;
}
