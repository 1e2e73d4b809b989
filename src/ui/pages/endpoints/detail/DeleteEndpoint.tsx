/**
 * Delete with confirmation: the user types the endpoint's name (as in Databricks), since
 * clients querying it start failing at once and the stored credentials go with it.
 */
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "react-router";
import { ConfirmDialog } from "../../../components/ConfirmDialog";
import { ErrorBox } from "../../../components/ErrorBox";
import { Field } from "../../../components/Field";
import { deleteEndpoint, endpointKey } from "./api";

export function DeleteEndpoint({ name, open, onClose }: { name: string; open: boolean; onClose(): void }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [typed, setTyped] = useState("");
  const [mismatch, setMismatch] = useState(false);
  const m = useMutation({
    mutationFn: () => deleteEndpoint(name),
    onSuccess: () => {
      qc.removeQueries({ queryKey: endpointKey(name) });
      void qc.invalidateQueries({ queryKey: ["endpoints"] });
      navigate("/endpoints", { state: { deleted: name } });
    },
  });
  const close = () => {
    setTyped("");
    setMismatch(false);
    m.reset();
    onClose();
  };
  const confirm = () => {
    if (typed !== name) return setMismatch(true);
    m.mutate();
  };
  return (
    <ConfirmDialog open={open} title={`Delete ${name}?`} confirmLabel="Delete endpoint" danger busy={m.isPending} onConfirm={confirm} onCancel={close}>
      <p>
        Clients querying <strong>{name}</strong> will get errors at once, and credentials stored with it are deleted. This cannot be undone.
      </p>
      <form onSubmit={(e) => (e.preventDefault(), confirm())}>
        <Field label={`Type ${name} to confirm`} error={mismatch ? "The name does not match." : undefined}>
          {(p) => (
            <input
              {...p}
              value={typed}
              onChange={(e) => (setTyped(e.target.value), setMismatch(false))}
              autoComplete="off"
              spellCheck={false}
              className="mono"
            />
          )}
        </Field>
      </form>
      {m.error ? <ErrorBox error={m.error} title="Could not delete the endpoint" /> : null}
    </ConfirmDialog>
  );
}
