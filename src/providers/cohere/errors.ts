/**
 * Cohere's error replies (`{"id"?, "message"}` with the HTTP status) and its failed
 * generations, as `GatewayError`s.
 */
import { ERROR_KINDS, GatewayError } from "../../gateway/errors.js";
import { scrub, type ErrorReader } from "../common/index.js";

export const PROVIDER = "cohere";

/**
 * The common reading (status kept, `message`, Retry-After) with one change: Cohere's 498
 * "invalid token" is a 401 to the client, since 498 is no standard status and means
 * exactly that the credential was refused.
 */
export const cohereErrors: ErrorReader = {
  status: (reply) => (reply.status === 498 ? 401 : undefined),
};

/**
 * A generation Cohere reports as failed inside a 200 answer: `finish_reason: "ERROR"`,
 * in a stream with the reason in `message-end.delta.error`. There is no HTTP status to
 * keep, so it is an upstream fault (502); the message is scrubbed of credentials.
 */
export function generationFailed(detail: string | undefined, secrets: readonly string[]): GatewayError {
  const reason = detail ? scrub(detail, secrets) : "the generation failed (finish_reason ERROR)";
  return new GatewayError(ERROR_KINDS.UPSTREAM_ERROR, `Received error from ${PROVIDER}: ${reason}`, {
    upstream: { provider: PROVIDER, status: 200, body: { message: reason } },
  });
}
