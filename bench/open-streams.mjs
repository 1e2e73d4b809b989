// The open-streams client, in its own process: opens <n> streamed requests at once (one
// connection each) and holds them until each stream ends. Prints one JSON line: how many got
// their first chunk, the most that were open at the same time, how many ended in [DONE].
// usage: node bench/open-streams.mjs <url> <body file> <headers as JSON> <n>
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";

const [url, file, headersJson, count] = process.argv.slice(2);
const body = readFileSync(file);
const headers = { ...JSON.parse(headersJson), "content-length": String(body.length) };
const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
let open = 0;
let maxOpen = 0;
let started = 0;
let done = 0;
let failed = 0;

function one() {
  return new Promise((resolve) => {
    const req = request(url, { method: "POST", headers, agent }, (res) => {
      let text = "";
      let counted = false;
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        if (!counted) {
          counted = true;
          started++;
          maxOpen = Math.max(maxOpen, ++open);
        }
        text += chunk;
      });
      res.on("end", () => {
        if (counted) open--;
        if (res.statusCode === 200 && text.trimEnd().endsWith("data: [DONE]")) done++;
        else failed++;
        resolve();
      });
      res.on("error", () => (failed++, resolve()));
    });
    req.on("error", () => (failed++, resolve()));
    req.end(body);
  });
}

await Promise.all(Array.from({ length: Number(count) }, one));
process.stdout.write(JSON.stringify({ started, maxOpen, done, failed }) + "\n");
