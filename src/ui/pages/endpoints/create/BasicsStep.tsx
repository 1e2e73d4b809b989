/** Step 1: the endpoint's name, what it serves (the task), and an optional description. */
import { useId } from "react";
import { Field } from "../../../components/Field";
import type { WizardState } from "./wizard";

const TASKS: Record<string, { title: string; about: string }> = {
  "llm/v1/chat": { title: "Chat", about: "Messages in, a reply out — streaming, tools, images. For assistants and the Playground." },
  "llm/v1/completions": { title: "Completions", about: "A prompt in, text out." },
  "llm/v1/embeddings": { title: "Embeddings", about: "Text in, vectors out — for search and retrieval." },
};

export function BasicsStep({ w, set, tasks, errors }: { w: WizardState; set(p: Partial<WizardState>): void; tasks: string[]; errors: Record<string, string> }) {
  const id = useId();
  return (
    <>
      <Field label="Endpoint name" required hint="1–63 letters, digits, '-' or '_'. Clients call /serving-endpoints/<name>/invocations." error={errors["name"]}>
        {(a) => <input {...a} value={w.name} onChange={(e) => set({ name: e.target.value })} autoComplete="off" spellCheck={false} placeholder="my-chat" autoFocus />}
      </Field>
      <fieldset className={errors["task"] ? "cw-tasks field-invalid" : "cw-tasks"} aria-describedby={errors["task"] ? `${id}-err` : undefined}>
        <legend>Task</legend>
        <div className="cw-task-grid">
          {tasks.map((t) => (
            <label key={t} className={w.task === t ? "cw-task cw-task-on" : "cw-task"}>
              <input type="radio" name={`${id}-task`} value={t} checked={w.task === t} onChange={() => set({ task: t })} />
              <span className="cw-task-title">{TASKS[t]?.title ?? t}</span>
              <span className="cw-task-id mono">{t}</span>
              <span className="cw-task-about">{TASKS[t]?.about ?? ""}</span>
            </label>
          ))}
        </div>
        {errors["task"] ? (
          <div className="field-error" id={`${id}-err`} role="alert">
            {errors["task"]}
          </div>
        ) : null}
      </fieldset>
      <Field label="Description" hint="Optional." error={errors["description"]}>
        {(a) => <textarea {...a} rows={2} value={w.description} onChange={(e) => set({ description: e.target.value })} />}
      </Field>
    </>
  );
}
