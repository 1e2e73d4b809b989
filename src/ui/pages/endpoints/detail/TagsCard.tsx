/**
 * Tags: key/value labels. Adding and removing go through `PATCH …/tags`, and the list
 * shown is the one the API returns, so what you see is what is stored.
 */
import { useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { Endpoint, Tag } from "../../../api/types";
import { ErrorBox } from "../../../components/ErrorBox";
import { endpointKey, patchTags } from "./api";

export function TagsCard({ endpoint }: { endpoint: Endpoint }) {
  const qc = useQueryClient();
  const [key, setKey] = useState("");
  const [value, setValue] = useState("");
  const tags = endpoint.tags ?? [];
  const m = useMutation({
    mutationFn: (v: { add: Tag[]; remove: string[] }) => patchTags(endpoint.name, v.add, v.remove),
    onSuccess: (next) => {
      qc.setQueryData<Endpoint>(endpointKey(endpoint.name), (old) => (old ? { ...old, tags: next } : old));
      void qc.invalidateQueries({ queryKey: ["endpoints"] });
    },
  });
  const add = (e: FormEvent) => {
    e.preventDefault();
    const k = key.trim();
    if (!k) return;
    m.mutate({ add: [value.trim() ? { key: k, value: value.trim() } : { key: k }], remove: [] }, { onSuccess: () => (setKey(""), setValue("")) });
  };
  return (
    <section className="card" aria-labelledby="epd-tags-title">
      <h2 id="epd-tags-title">Tags</h2>
      {tags.length === 0 ? <p className="muted small epd-tags-none">No tags yet. Tags label endpoints, e.g. team or cost centre.</p> : null}
      <ul className="epd-tags" aria-label="Tags">
        {tags.map((t) => (
          <li key={t.key} className="epd-tag">
            <span className="epd-tag-key">{t.key}</span>
            {t.value ? <span className="epd-tag-value">{t.value}</span> : null}
            <button
              type="button"
              className="epd-tag-remove"
              aria-label={`Remove tag ${t.key}`}
              title={`Remove tag ${t.key}`}
              disabled={m.isPending}
              onClick={() => m.mutate({ add: [], remove: [t.key] })}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <form className="epd-tag-form" onSubmit={add} aria-label="Add a tag">
        <label className="visually-hidden" htmlFor="epd-tag-key">
          Tag key
        </label>
        <input id="epd-tag-key" placeholder="key" value={key} onChange={(e) => setKey(e.target.value)} maxLength={255} autoComplete="off" />
        <label className="visually-hidden" htmlFor="epd-tag-value">
          Tag value
        </label>
        <input id="epd-tag-value" placeholder="value (optional)" value={value} onChange={(e) => setValue(e.target.value)} autoComplete="off" />
        <button type="submit" className="btn btn-small" disabled={!key.trim() || m.isPending}>
          Add tag
        </button>
      </form>
      {m.error ? <ErrorBox error={m.error} title="Could not change the tags" /> : null}
    </section>
  );
}
