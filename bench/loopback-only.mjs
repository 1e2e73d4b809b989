// Preloaded into the Portkey gateway process (`node --import ./bench/loopback-only.mjs ...`).
// @portkey-ai/gateway calls `server.listen(port)` with no host, i.e. on every interface;
// the benchmark must stay on loopback, so a listen without a host gets 127.0.0.1.
import net from "node:net";

const LOOPBACK = "127.0.0.1";
const listen = net.Server.prototype.listen;

net.Server.prototype.listen = function listenOnLoopback(...args) {
  const first = args[0];
  if (typeof first === "number" || (typeof first === "string" && /^\d+$/.test(first))) {
    if (typeof args[1] !== "string") {
      if (args.length > 1 && (args[1] === undefined || args[1] === null)) args[1] = LOOPBACK;
      else args.splice(1, 0, LOOPBACK);
    }
  } else if (typeof first === "object" && first !== null && !("path" in first) && !("fd" in first) && !("handle" in first) && !first.host) {
    args[0] = { ...first, host: LOOPBACK };
  }
  return listen.apply(this, args);
};
