// The upstream every system calls: Debian's nginx (one worker) answering from canned
// strings, so it is never the bottleneck (its own CPU per request is measured and reported).
//   POST /json/v1/chat/completions → one OpenAI chat.completion with usage
//   POST /sse/v1/chat/completions  → a 20-chunk OpenAI stream, a usage chunk, `data: [DONE]`
// nginx's `return` reads and discards the request body, whatever its size.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { HOST, freePort, guard, spawnProgram, waitReady, type Child } from "./proc.js";

export const NGINX = "/usr/sbin/nginx";
const CREATED = 1_700_000_000;
const USAGE = `{"prompt_tokens":10,"completion_tokens":18,"total_tokens":28}`;

export const CHAT_ANSWER =
  `{"id":"chatcmpl-bench","object":"chat.completion","created":${CREATED},"model":"gpt-4o-mini",` +
  `"choices":[{"index":0,"message":{"role":"assistant","content":"Hello from the benchmark upstream."},"logprobs":null,"finish_reason":"stop"}],` +
  `"usage":${USAGE}}`;

/** 20 chunks: the role, 18 pieces of content, the finish; then the usage chunk and [DONE]. */
export const STREAM_CHUNKS = 20;
export function streamAnswer(): string {
  const chunk = (delta: string, finish: string): string =>
    `data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":${CREATED},"model":"gpt-4o-mini",` +
    `"choices":[{"index":0,"delta":${delta},"logprobs":null,"finish_reason":${finish}}]}\n\n`;
  let out = chunk(`{"role":"assistant","content":""}`, "null");
  for (let i = 0; i < STREAM_CHUNKS - 2; i++) out += chunk(`{"content":"word${i} "}`, "null");
  out += chunk("{}", `"stop"`);
  out += `data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":${CREATED},"model":"gpt-4o-mini","choices":[],"usage":${USAGE}}\n\n`;
  return out + "data: [DONE]\n\n";
}

/** nginx takes parameters of at most 4 KB: the stream goes in pieces, one `set` each, joined by `return`. */
function sseDirectives(): { sets: string; value: string } {
  const events = streamAnswer().split(/(?<=\n\n)/);
  const pieces: string[] = [""];
  for (const ev of events) {
    if ((pieces[pieces.length - 1] ?? "").length + ev.length > 3000) pieces.push("");
    pieces[pieces.length - 1] += ev;
  }
  return {
    sets: pieces.map((p, i) => `set $sse${i} '${p}';`).join(" "),
    value: pieces.map((_, i) => `$sse${i}`).join(""),
  };
}

function config(dir: string, port: number): string {
  // The canned strings contain no `'` and no `$` (nginx would read `$` as a variable).
  const sse = sseDirectives();
  return `worker_processes 1;
daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  keepalive_requests 100000000;
  keepalive_timeout 120s;
  client_max_body_size 0;
  server {
    listen ${HOST}:${port} backlog=4096;
    location = /json/v1/chat/completions { default_type application/json; return 200 '${CHAT_ANSWER}'; }
    location = /sse/v1/chat/completions { default_type text/event-stream; ${sse.sets} return 200 '${sse.value}'; }
  }
}
`;
}

export interface Upstream {
  child: Child;
  /** Origin without a path, e.g. http://127.0.0.1:1234 */
  origin: string;
}

export async function startNginx(workDir: string): Promise<Upstream> {
  const dir = join(workDir, "nginx");
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  writeFileSync(join(dir, "nginx.conf"), config(dir, port));
  const child = spawnProgram("nginx", NGINX, ["-p", dir, "-c", join(dir, "nginx.conf")]);
  const origin = `http://${HOST}:${port}`;
  await guard(child, () => waitReady(child, () => answers(`${origin}/json/v1/chat/completions`)));
  return { child, origin };
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { method: "POST", body: "{}" });
    await res.text();
    return res.status === 200;
  } catch {
    return false;
  }
}
