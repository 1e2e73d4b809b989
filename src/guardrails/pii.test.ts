import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applySpans, findPii, maskPii, type PiiType } from "./pii.js";
import { creditCardValid, ibanPrefixLength, ibanValid, intlPhoneValid, ipv6Valid, luhnValid } from "./pii-validators.js";

/** The types found, in text order. */
const types = (text: string): PiiType[] => findPii(text).map((s) => s.type);

function found(type: PiiType, cases: string[]): void {
  for (const c of cases) {
    const spans = findPii(`before ${c} after`);
    assert.equal(spans.length, 1, `${type} in ${JSON.stringify(c)}: ${JSON.stringify(spans)}`);
    assert.equal(spans[0]?.type, type, c);
    assert.equal(maskPii(`before ${c} after`), `before [${type}] after`, c);
  }
}

function none(cases: string[]): void {
  for (const c of cases) assert.deepEqual(findPii(c), [], `no PII in ${JSON.stringify(c)}`);
}

describe("PII: emails", () => {
  it("finds addresses, international ones too", () => {
    found("EMAIL", ["jane@example.com", "jane.doe+tag@mail.example.co.uk", "J_O-E%1@sub-domain.example.org", "jörg@müller.de", "a@b.co", "x@xn--p1ai.xn--p1ai", "UPPER@EXAMPLE.COM"]);
  });
  it("stops at sentence punctuation and brackets", () => {
    assert.equal(maskPii("Write to jane@example.com."), "Write to [EMAIL].");
    assert.equal(maskPii("<jane@example.com>, (bob@example.org)"), "<[EMAIL]>, ([EMAIL])");
  });
  it("does not take handles, hosts without a TLD, or bare @s", () => {
    none(["@jane on social", "user@localhost", "price @ 5.00", "a@b", "foo@bar.c", "email me at"]);
  });
});

describe("PII: phone numbers", () => {
  it("finds international numbers", () => {
    found("PHONE", ["+44 20 7946 0958", "+1 (202) 555-0143", "+1-202-555-0143", "+33 1 23 45 67 89", "+491701234567", "+49 (0) 170 1234567", "+81 3-1234-5678"]);
  });
  it("finds North American numbers with separators", () => {
    found("PHONE", ["(202) 555-0143", "202-555-0143", "202.555.0143", "202 555 0143", "1-800-555-0199", "1 (415) 555-2671"]);
  });
  it("leaves ids, dates, versions, prices and plain long numbers alone", () => {
    none([
      "order 2025550143",
      "order 123-456-7890",
      "ORD-234-567-8901",
      "ticket #234-567-8901-22",
      "2024-01-15",
      "12/05/2024",
      "15.01.2024",
      "version 1.2.3",
      "v10.0.19041.1",
      "release 2.10.4-beta",
      "$1,234,567.89",
      "+12 points",
      "5+5=10",
      "call 555-0143",
      "id 020-555-0143",
    ]);
  });
  it("caps international numbers at 15 digits", () => {
    assert.ok(intlPhoneValid("+44 20 7946 0958"));
    assert.ok(!intlPhoneValid("+1 234 567"));
    assert.ok(!intlPhoneValid("+1234 5678 9012 3456"));
  });
});

describe("PII: payment cards", () => {
  it("finds Luhn-valid numbers of the card networks, plain or grouped", () => {
    found("CREDIT_CARD", ["4111 1111 1111 1111", "4111-1111-1111-1111", "4111111111111111", "5555 5555 5555 4444", "3782 822463 10005", "378282246310005", "6011 1111 1111 1117", "4222222222222", "2223 0031 2200 3222"]);
  });
  it("rejects Luhn failures, odd groupings, mixed separators and non-card prefixes", () => {
    none([
      "4111 1111 1111 1112",
      "4111111111111112",
      "41 11 11 11 11 11 11 11",
      "4111-1111 1111-1111",
      "1234567890123456",
      "0000 0000 0000 0000",
      "9111 1111 1111 1113",
      "pi = 3.14159265358979323",
      "4111 1111 111",
    ]);
  });
  it("keeps the card when more digits follow it", () => {
    assert.equal(maskPii("card 4111 1111 1111 1111 12/27"), "card [CREDIT_CARD] 12/27");
    assert.equal(maskPii("4111 1111 1111 1111 123"), "[CREDIT_CARD] 123");
  });
  it("Luhn", () => {
    assert.ok(luhnValid("79927398713"));
    assert.ok(!luhnValid("79927398710"));
    assert.ok(!luhnValid(""));
    assert.ok(creditCardValid("4111 1111 1111 1111"));
    assert.ok(!creditCardValid("4111 1111 1111 1111 1"));
  });
});

describe("PII: US social security numbers", () => {
  it("finds ###-##-####", () => {
    found("SSN", ["123-45-6789", "078-05-1121", "665-12-3456", "899-99-9999"]);
  });
  it("skips ranges never issued and other shapes", () => {
    none(["000-12-3456", "666-12-3456", "900-12-3456", "987-65-4321", "123-00-4567", "123-45-0000", "123456789", "123 45 6789", "1123-45-6789", "123-45-67890", "A123-45-6789"]);
  });
});

describe("PII: IP addresses", () => {
  it("finds IPv4 with valid octets", () => {
    found("IP_ADDRESS", ["192.168.1.1", "10.0.0.1", "255.255.255.255", "8.8.8.8", "0.0.0.0"]);
    assert.equal(maskPii("host 10.0.0.1:8080 and 10.0.0.0/8."), "host [IP_ADDRESS]:8080 and [IP_ADDRESS]/8.");
  });
  it("rejects bad octets, leading zeros, versions and dates", () => {
    none(["256.1.1.1", "1.2.3", "01.02.03.04", "192.168.1.1.5", "v1.2.3.4", "15.01.2024", "1.2.3.4.5.6"]);
  });
  it("finds IPv6, compressed and with embedded IPv4", () => {
    found("IP_ADDRESS", ["2001:0db8:85a3:0000:0000:8a2e:0370:7334", "2001:db8:85a3::8a2e:370:7334", "fe80::1", "::1", "2001:db8::", "::ffff:192.0.2.128", "FE80::ABCD:1"]);
    assert.equal(maskPii("[2001:db8::1]:443"), "[[IP_ADDRESS]]:443");
    assert.equal(maskPii("at fe80::1: down"), "at [IP_ADDRESS]: down");
  });
  it("rejects times, MAC addresses and code", () => {
    none(["12:30:45", "at 10:30", "00:1A:2B:3C:4D:5E", "std::vector<int>", "a:b:c", "::", "1:2:3:4:5:6:7:8:9", "2001:db8:::1"]);
    assert.ok(ipv6Valid("::1"));
    assert.ok(!ipv6Valid("::"));
  });
});

describe("PII: IBANs", () => {
  it("finds IBANs whose country length and mod-97 check hold, grouped or not", () => {
    found("IBAN", ["DE89 3704 0044 0532 0130 00", "DE89370400440532013000", "GB82 WEST 1234 5698 7654 32", "FR14 2004 1010 0505 0001 3M02 606", "NL91ABNA0417164300", "CH93 0076 2011 6238 5295 7"]);
  });
  it("stops before a following word in capitals", () => {
    assert.equal(maskPii("IBAN DE89 3704 0044 0532 0130 00 IS MINE"), "IBAN [IBAN] IS MINE");
  });
  it("rejects bad checks and wrong lengths", () => {
    none(["GB82 WEST 1234 5698 7654 33", "GB82WEST123456987654", "NL91ABNA0417164301", "ZZ12", "AB12 CDEF"]);
    assert.ok(ibanValid("DE89370400440532013000"));
    assert.ok(!ibanValid("DE8937040044053201300"), "one short of Germany's 22");
    assert.equal(ibanPrefixLength("GB82 WEST 1234 5698 7654 32 XY12"), "GB82 WEST 1234 5698 7654 32".length);
  });
});

describe("PII: several in one text", () => {
  it("masks each, in place, with typed placeholders", () => {
    const text = "Jane (jane@example.com, +1 202-555-0143) paid with 4111 1111 1111 1111 from 10.1.2.3; SSN 123-45-6789; IBAN GB82WEST12345698765432.";
    assert.equal(maskPii(text), "Jane ([EMAIL], [PHONE]) paid with [CREDIT_CARD] from [IP_ADDRESS]; SSN [SSN]; IBAN [IBAN].");
    assert.deepEqual(types(text), ["EMAIL", "PHONE", "CREDIT_CARD", "IP_ADDRESS", "SSN", "IBAN"]);
  });
  it("lets the more specific detector win an overlap", () => {
    assert.deepEqual(types("DE89 3704 0044 0532 0130 00"), ["IBAN"]);
  });
  it("applySpans with no spans is the text", () => {
    assert.equal(applySpans("hello", []), "hello");
    assert.equal(maskPii(""), "");
  });
  it("is fast on long text without PII", () => {
    const text = "lorem ipsum 12 dolor 3.4 sit amet 2024-01-01 ".repeat(5000) + "a".repeat(50_000) + "@";
    const t0 = performance.now();
    assert.deepEqual(findPii(text), []);
    assert.ok(performance.now() - t0 < 500, "no catastrophic backtracking");
  });
});
