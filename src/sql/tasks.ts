/**
 * The task functions built on ai_query (`ai_summarize`, `ai_classify`, …): each is a
 * prompt around the row's text, sent to a default chat endpoint (or the one named with
 * `endpoint => '…'`), its answer read back as the function's type. `ai_similarity` asks an
 * embeddings endpoint for both texts and compares the vectors (cosine) in SQL.
 */
import { errors } from "../gateway/errors.js";
import type { JsonObject } from "../gateway/types.js";
import type { PromptTemplate } from "./call-site.js";
import { STRING_TYPE, type SqlType } from "./sql-types.js";

export interface TaskSpec {
  prompt: PromptTemplate;
  result: SqlType;
  responseFormat?: JsonObject;
  structured?: boolean;
}

export const SENTIMENTS = ["positive", "negative", "neutral", "mixed"];

/** The names rewrite.ts looks for besides ai_query. */
export const TASK_FUNCTIONS = new Set(["ai_summarize", "ai_classify", "ai_extract", "ai_translate", "ai_analyze_sentiment", "ai_fix_grammar", "ai_gen", "ai_mask", "ai_similarity"]);

/** How many positional arguments each takes (text first), as [min, max]. */
export const TASK_ARITY: Record<string, [number, number]> = {
  ai_summarize: [1, 2],
  ai_classify: [2, 2],
  ai_extract: [2, 2],
  ai_translate: [2, 2],
  ai_analyze_sentiment: [1, 1],
  ai_fix_grammar: [1, 1],
  ai_gen: [1, 1],
  ai_mask: [2, 2],
  ai_similarity: [2, 2],
};

function labelsOf(fn: string, labels: string[] | undefined): string[] {
  if (!labels?.length) throw errors.invalidParameter(fn, `${fn} needs its labels as a literal ARRAY('a', 'b', …) of strings.`);
  return labels;
}

/**
 * The prompt and type of a task function. `labels` is the literal ARRAY argument where the
 * function takes one; `extra` the literal second argument (ai_summarize's max words,
 * ai_translate's language).
 */
export function taskSpec(fn: string, labels: string[] | undefined, extra: string | undefined): TaskSpec {
  switch (fn) {
    case "ai_summarize": {
      const words = extra !== undefined && extra !== "0" ? Number(extra) : 50;
      if (!Number.isInteger(words) || words < 0) throw errors.invalidParameter(fn, "ai_summarize's max_words must be a non-negative integer.");
      return { prompt: { system: `Summarize the user's text in at most ${words} words. Answer with the summary only.` }, result: STRING_TYPE };
    }
    case "ai_classify": {
      const ls = labelsOf(fn, labels);
      return { prompt: { system: `Classify the user's text into exactly one of these labels: ${ls.join(", ")}. Answer with the label only.`, labels: ls }, result: STRING_TYPE };
    }
    case "ai_extract": {
      const ls = labelsOf(fn, labels);
      const schema = { type: "object", properties: Object.fromEntries(ls.map((l) => [l, { type: ["string", "null"] }])), required: ls, additionalProperties: false };
      return {
        prompt: { system: `Extract these entities from the user's text: ${ls.join(", ")}. Answer with a JSON object with one key per entity; null where the text has none.` },
        result: { kind: "struct", fields: ls.map((name) => ({ name, type: STRING_TYPE })) },
        responseFormat: { type: "json_schema", json_schema: { name: "extraction", schema, strict: true } },
        structured: true,
      };
    }
    case "ai_translate":
      if (!extra) throw errors.invalidParameter(fn, "ai_translate needs the target language as a literal string, e.g. ai_translate(text, 'fr').");
      return { prompt: { system: `Translate the user's text into the language '${extra}'. Answer with the translation only.` }, result: STRING_TYPE };
    case "ai_analyze_sentiment":
      return { prompt: { system: `What is the sentiment of the user's text? Answer with one word: ${SENTIMENTS.join(", ")}.`, labels: SENTIMENTS }, result: STRING_TYPE };
    case "ai_fix_grammar":
      return { prompt: { system: "Correct the grammar and spelling of the user's text. Answer with the corrected text only." }, result: STRING_TYPE };
    case "ai_gen":
      return { prompt: { system: "Answer the user's request." }, result: STRING_TYPE };
    case "ai_mask": {
      const ls = labelsOf(fn, labels);
      return { prompt: { system: `Repeat the user's text with every ${ls.join(", ")} replaced by [MASKED]. Answer with the masked text only.` }, result: STRING_TYPE };
    }
  }
  throw errors.badRequest(`Unknown AI function ${fn}.`);
}

/** The label an answer names (case and punctuation aside), or null. */
export function matchLabel(answer: string, labels: readonly string[]): string | null {
  const a = answer.trim().toLowerCase().replace(/^["'`*\s]+|["'`*.\s]+$/g, "");
  return labels.find((l) => l.toLowerCase() === a) ?? labels.find((l) => a.includes(l.toLowerCase())) ?? null;
}
