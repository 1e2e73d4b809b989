/** Editing the endpoint's configuration (PUT …/config), built on the shared endpoint form. */
import type { Endpoint } from "../../../api/types";

export function EditConfig({ endpoint, onDone }: { endpoint: Endpoint; onDone(): void }) {
  return (
    <section className="card">
      <p>Editing {endpoint.name}: the form is coming.</p>
      <button type="button" className="btn" onClick={onDone}>
        Cancel
      </button>
    </section>
  );
}
