/**
 * Runs the streamed replies of the playground: one `invoke()` per column, each with its
 * own AbortController, so columns stream independently and each can be stopped alone.
 * Chunks are folded into the conversation at most once per animation frame: a fast model
 * in three columns would otherwise re-render the Markdown hundreds of times a second.
 */
import { useCallback, useEffect, useRef, type Dispatch, type SetStateAction } from "react";
import { invoke, type AnswerView } from "../../api/chat";
import { ApiError } from "../../api/client";
import { updateReply } from "./conversation";
import type { AssistantTurn, Conversation, ReplyError } from "./model";

type Patch = Partial<Omit<AssistantTurn, "id" | "role">>;

function answerPatch(a: AnswerView): Patch {
  return { text: a.text, reasoning: a.reasoning, toolCalls: a.toolCalls.filter(Boolean).map((t) => ({ ...t })), finishReason: a.finishReason };
}

export function toReplyError(err: unknown): ReplyError {
  if (err instanceof ApiError) return { status: err.status, code: err.code, message: err.message, ...(err.body !== undefined ? { body: err.body } : {}) };
  return { status: 0, code: "ERROR", message: err instanceof Error ? err.message : String(err) };
}

export function useReplyRunner(setConversation: Dispatch<SetStateAction<Conversation>>) {
  const controllers = useRef(new Map<string, AbortController>());

  // Leaving the page ends its streams (the gateway then cancels the upstream call too).
  useEffect(() => {
    const running = controllers.current;
    return () => {
      for (const c of running.values()) c.abort();
      running.clear();
    };
  }, []);

  const start = useCallback(
    (columnId: string, replyId: string, endpoint: string, body: Record<string, unknown>) => {
      const ctl = new AbortController();
      controllers.current.set(replyId, ctl);
      const patch = (p: Patch) => setConversation((c) => updateReply(c, columnId, replyId, p));
      const started = performance.now();
      let ttftMs: number | undefined;
      let latest: AnswerView | undefined;
      let frame = 0;
      const flush = () => {
        frame = 0;
        if (latest) patch(answerPatch(latest));
      };
      invoke(endpoint, body, {
        signal: ctl.signal,
        onUpdate: (a) => {
          if (ttftMs === undefined && (a.text || a.reasoning || a.toolCalls.length)) ttftMs = performance.now() - started;
          latest = a;
          if (!frame) frame = requestAnimationFrame(flush);
        },
      })
        .then((res) => {
          cancelAnimationFrame(frame);
          patch({
            ...answerPatch(res.answer),
            status: "done",
            metrics: {
              latencyMs: res.latencyMs,
              ...((res.ttftMs ?? ttftMs) !== undefined ? { ttftMs: res.ttftMs ?? ttftMs } : {}),
              ...(res.usage?.prompt_tokens !== undefined ? { promptTokens: res.usage.prompt_tokens } : {}),
              ...(res.usage?.completion_tokens !== undefined ? { completionTokens: res.usage.completion_tokens } : {}),
              servedModel: res.servedModel,
            },
          });
        })
        .catch((err: unknown) => {
          cancelAnimationFrame(frame);
          const partial = latest ? answerPatch(latest) : {};
          const metrics = { latencyMs: performance.now() - started, ...(ttftMs !== undefined ? { ttftMs } : {}) };
          if (ctl.signal.aborted) patch({ ...partial, status: "stopped", metrics });
          else patch({ ...partial, status: "error", error: toReplyError(err), metrics });
        })
        .finally(() => controllers.current.delete(replyId));
    },
    [setConversation],
  );

  /** Stops one reply, or every running one. */
  const stop = useCallback((replyId?: string) => {
    for (const [id, c] of controllers.current) if (!replyId || id === replyId) c.abort();
  }, []);

  return { start, stop };
}
