/** The wizard's steps: where you are, what is done; a step already reached can be revisited. */
import { STEPS, type Step } from "./wizard";

export function StepIndicator({ step, reached, onGo }: { step: Step; reached: Step; onGo(step: Step): void }) {
  return (
    <nav aria-label="Steps">
      <ol className="cw-steps">
        {STEPS.map((label, i) => {
          const s = i as Step;
          const state = s === step ? "current" : s < step || s <= reached ? "done" : "todo";
          return (
            <li key={label} className={`cw-step cw-step-${state}`}>
              <button type="button" onClick={() => onGo(s)} disabled={s > reached} aria-current={s === step ? "step" : undefined}>
                <span className="cw-step-num" aria-hidden="true">
                  {state === "done" && s !== step ? "✓" : i + 1}
                </span>
                <span className="cw-step-label">
                  <span className="visually-hidden">Step {i + 1}: </span>
                  {label}
                </span>
              </button>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
