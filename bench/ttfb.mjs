// The TTFB probe, a small client in its own process: <n> streamed requests one after
// another on one keep-alive connection; time to the first body byte and to the end.
// usage: node bench/ttfb.mjs <url> <body file> <headers as JSON> <n>   → one JSON line
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";

const [url, file, headersJson, count] = process.argv.slice(2);
const body = readFileSync(file);
const headers = { ...JSON.parse(headersJson), "content-length": String(body.length) };
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function once() {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    let first = 0n;
    let text = "";
    const req = request(url, { method: "POST", headers, agent }, (res) => {
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        if (first === 0n) first = process.hrtime.bigint();
        text += chunk;
      });
      res.on("end", () => {
        const end = process.hrtime.bigint();
        const ok = res.statusCode === 200 && text.trimEnd().endsWith("data: [DONE]");
        resolve(ok ? { ttfb: Number(first - t0) / 1e6, end: Number(end - t0) / 1e6 } : null);
      });
    });
    req.on("error", () => resolve(null));
    req.end(body);
  });
}

const pct = (a, p) => a[Math.min(a.length - 1, Math.max(0, Math.ceil((p / 100) * a.length) - 1))] ?? null;
const ttfb = [];
const end = [];
let failed = 0;
for (let i = 0; i < Number(count); i++) {
  const r = await once();
  if (r === null) {
    failed++;
  } else {
    ttfb.push(r.ttfb);
    end.push(r.end);
  }
}
ttfb.sort((a, b) => a - b);
end.sort((a, b) => a - b);
process.stdout.write(JSON.stringify({ ok: ttfb.length, failed, ttfbP50: pct(ttfb, 50), ttfbP99: pct(ttfb, 99), endP50: pct(end, 50), endP99: pct(end, 99) }) + "\n");
agent.destroy();
