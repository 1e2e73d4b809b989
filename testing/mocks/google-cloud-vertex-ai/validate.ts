/**
 * The checks Vertex AI makes on a `generateContent` body that an adapter can get wrong,
 * answered the way Vertex answers them (400 INVALID_ARGUMENT): roles other than "user"
 * and "model", parts that are empty or hold more than one kind of data, empty text,
 * function calls / responses without a name, a function response that is not an object,
 * and (when the mock signs function calls) a model turn whose first function call lost
 * its thought signature.
 */

type Json = Record<string, unknown>;

const DATA_FIELDS = ["text", "inlineData", "fileData", "functionCall", "functionResponse", "executableCode", "codeExecutionResult"];

const isObject = (v: unknown): v is Json => !!v && typeof v === "object" && !Array.isArray(v);

function checkPart(p: unknown, at: string): string | undefined {
  if (!isObject(p)) return `${at} must be an object.`;
  const kinds = DATA_FIELDS.filter((k) => p[k] !== undefined);
  // A thought part may carry only its signature.
  if (kinds.length === 0 && !(p["thought"] === true && typeof p["thoughtSignature"] === "string")) return `${at} must contain one of ${DATA_FIELDS.join(", ")}.`;
  if (kinds.length > 1) return `${at}: only one of ${kinds.join(", ")} may be set.`;
  if (p["text"] !== undefined && (typeof p["text"] !== "string" || p["text"] === "")) {
    return "Unable to submit request because it has an empty text parameter. Add a value to the parameter and try again.";
  }
  const fc = p["functionCall"];
  if (fc !== undefined && (!isObject(fc) || typeof fc["name"] !== "string" || !fc["name"])) return `${at}.function_call.name is required.`;
  const fr = p["functionResponse"];
  if (fr !== undefined) {
    if (!isObject(fr) || typeof fr["name"] !== "string" || !fr["name"]) return `${at}.function_response.name is required.`;
    if (!isObject(fr["response"])) return `${at}.function_response.response must be a JSON object.`;
  }
  const inline = p["inlineData"];
  if (inline !== undefined && (!isObject(inline) || typeof inline["mimeType"] !== "string" || typeof inline["data"] !== "string")) {
    return `${at}.inline_data needs mime_type and data.`;
  }
  return undefined;
}

/** The first problem with a `generateContent` body, or undefined. `signatures`: function-call signatures the mock issued (checked when given). */
export function checkGenerateContent(body: unknown, signatures?: ReadonlySet<string>): string | undefined {
  if (!isObject(body)) return "Invalid JSON payload received.";
  const contents = body["contents"];
  if (!Array.isArray(contents) || contents.length === 0) return "Unable to submit request because it must include at least one parts field.";
  for (const [i, c] of (contents as unknown[]).entries()) {
    if (!isObject(c)) return `contents[${i}] must be an object.`;
    if (c["role"] !== "user" && c["role"] !== "model") return `Please use a valid role: user, model. (contents[${i}].role = ${JSON.stringify(c["role"])})`;
    const parts = c["parts"];
    if (!Array.isArray(parts) || parts.length === 0) return `Unable to submit request because it must include at least one parts field. (contents[${i}])`;
    for (const [j, p] of (parts as unknown[]).entries()) {
      const problem = checkPart(p, `contents[${i}].parts[${j}]`);
      if (problem) return problem;
    }
    if (signatures && c["role"] === "model") {
      const first = (parts as Json[]).find((p) => p["functionCall"] !== undefined);
      const sig = first?.["thoughtSignature"];
      if (first && (typeof sig !== "string" || !signatures.has(sig))) {
        return `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly. (contents[${i}])`;
      }
    }
  }
  const si = body["systemInstruction"];
  if (si !== undefined) {
    if (!isObject(si) || !Array.isArray(si["parts"])) return "system_instruction must have parts.";
    for (const [j, p] of (si["parts"] as unknown[]).entries()) {
      const problem = checkPart(p, `system_instruction.parts[${j}]`);
      if (problem) return problem;
    }
  }
  return undefined;
}
