/**
 * Create endpoint: a four-step wizard — basics (name, task), the served entity (provider,
 * model, credentials with inline secret creation), an optional second entity with a
 * traffic split and AI gateway switches, and a review showing the request as JSON, curl
 * and Python. The server is the authority: its validation error is placed next to the
 * field it names, on the step that holds it.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router";
import { api, ApiError } from "../../api/client";
import { ErrorBox } from "../../components/ErrorBox";
import { PageHeader } from "../../components/PageHeader";
import { errorKey, errorMessage, ServedEntityForm, useProviders } from "./form";
import { BasicsStep } from "./create/BasicsStep";
import { ReviewStep } from "./create/ReviewStep";
import { StepIndicator } from "./create/StepIndicator";
import { TrafficStep } from "./create/TrafficStep";
import { createBody, initialWizard, STEPS, stepOfKey, validateAll, validateStep, type Step, type WizardState } from "./create/wizard";
import "./create/create.css";

const ABOUT: Record<Step, string> = {
  0: "Name the endpoint and choose what it serves.",
  1: "Which model answers, at which provider, with which credentials.",
  2: "Optionally split traffic with a second model, and switch on AI gateway features.",
  3: "Check the request, then create the endpoint. The same call is shown as curl and Python.",
};

export function CreateEndpointPage() {
  const providers = useProviders();
  const catalogue = useMemo(() => providers.data ?? [], [providers.data]);
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [w, setW] = useState<WizardState>(initialWizard);
  const [step, setStep] = useState<Step>(0);
  const [reached, setReached] = useState<Step>(0);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  /** The step the wizard went back to when the server refused one of its fields. */
  const [refused, setRefused] = useState<Step | undefined>();
  const heading = useRef<HTMLHeadingElement>(null);
  const firstRender = useRef(true);

  const tasks = useMemo(() => [...new Set(catalogue.flatMap((p) => p.tasks))].sort(), [catalogue]);
  const body = useMemo(() => createBody(w, catalogue), [w, catalogue]);
  const set = (p: Partial<WizardState>) => setW((prev) => ({ ...prev, ...p }));

  // Moving between steps puts focus on the new step's heading, for keyboard and screen-reader users.
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    heading.current?.focus();
  }, [step]);

  const go = (s: Step) => {
    setStep(s);
    setReached((r) => (s > r ? s : r));
  };
  const next = () => {
    const problems = validateStep(step, w, catalogue);
    setErrors(problems);
    setFailure(undefined);
    setRefused(undefined);
    if (Object.keys(problems).length === 0 && step < 3) go((step + 1) as Step);
  };

  const create = async () => {
    const all = validateAll(w, catalogue);
    if (all.step !== undefined) {
      setErrors(all.errors);
      go(all.step);
      return;
    }
    setBusy(true);
    setFailure(undefined);
    try {
      await api("POST", "/api/2.0/serving-endpoints", body);
      await qc.invalidateQueries({ queryKey: ["endpoints"] });
      void navigate(`/endpoints/${encodeURIComponent(w.name.trim())}`);
    } catch (err) {
      const key = err instanceof ApiError ? errorKey(err.field, err.code) : undefined;
      const target = key ? stepOfKey(key) : 3;
      if (key && target !== 3 && err instanceof ApiError) {
        setErrors({ [key]: errorMessage(err.message, err.field) });
        setRefused(target);
        setStep(target);
      } else {
        setErrors({});
        setFailure(err);
      }
    } finally {
      setBusy(false);
    }
  };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (step === 3) void create();
    else next();
  };

  return (
    <>
      <PageHeader
        breadcrumb={<Link to="/endpoints">Serving endpoints</Link>}
        title="Create serving endpoint"
        subtitle="Serve an external model behind a Databricks-compatible endpoint."
      />
      <div className="cw">
        <StepIndicator step={step} reached={reached} onGo={go} />
        {providers.error ? <ErrorBox error={providers.error} title="Could not load the providers" /> : null}
        <form className="card cw-card" onSubmit={onSubmit} noValidate aria-labelledby="cw-heading">
          <div className="cw-head">
            <h2 id="cw-heading" ref={heading} tabIndex={-1}>
              <span className="cw-head-step">
                Step {step + 1} of {STEPS.length}
              </span>
              {STEPS[step]}
            </h2>
            <p className="muted">{ABOUT[step]}</p>
          </div>
          {refused === step ? (
            <div className="notice cw-refused" role="status">
              The gateway did not create the endpoint: fix the field marked below, then go on to the review and create it again.
            </div>
          ) : null}
          {errors["entities"] ? (
            <div className="error-box" role="alert">
              <div className="error-message">{errors["entities"]}</div>
            </div>
          ) : null}

          {step === 0 ? <BasicsStep w={w} set={set} tasks={tasks.length ? tasks : [w.task]} errors={errors} /> : null}
          {step === 1 ? (
            providers.isLoading ? (
              <div className="skeleton" style={{ height: 120 }} aria-label="Loading providers" />
            ) : (
              <ServedEntityForm index={0} value={w.first} onChange={(first) => set({ first })} providers={catalogue} task={w.task} errors={errors} />
            )
          ) : null}
          {step === 2 ? <TrafficStep w={w} set={set} providers={catalogue} errors={errors} /> : null}
          {step === 3 ? <ReviewStep w={w} body={body} providers={catalogue} /> : null}

          {failure ? <ErrorBox error={failure} title="The endpoint was not created" /> : null}
          <div className="cw-actions">
            {step > 0 ? (
              <button type="button" className="btn" onClick={() => go((step - 1) as Step)}>
                Back
              </button>
            ) : (
              <Link className="btn btn-ghost" to="/endpoints">
                Cancel
              </Link>
            )}
            <button type="submit" className="btn btn-primary" disabled={busy || (step === 1 && providers.isLoading)}>
              {step === 3 ? (busy ? "Creating…" : "Create endpoint") : "Next"}
            </button>
          </div>
        </form>
      </div>
    </>
  );
}
