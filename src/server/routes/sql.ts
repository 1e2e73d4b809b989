/**
 * The Databricks SQL Statement Execution API over the embedded engine:
 * - `POST /api/2.0/sql/statements` — run a statement; waits up to `wait_timeout` (default
 *   10 s; `0s` answers at once), then `CONTINUE`s in the background or `CANCEL`s;
 * - `GET /api/2.0/sql/statements/{id}` — status, manifest and the first chunk;
 * - `GET /api/2.0/sql/statements/{id}/result/chunks/{n}` — one chunk of rows;
 * - `POST /api/2.0/sql/statements/{id}/cancel`;
 * - `GET /api/2.0/sql/warehouses[/{id}]` — the one built-in warehouse.
 * A malformed request (its body, the warehouse, the disposition) is a 4xx; a statement
 * refused before it runs (bad SQL, the file sandbox, no CAN_QUERY) or one that fails while
 * running is HTTP 200 with `FAILED` and the error in its status, as Databricks answers.
 */
import type { FastifyInstance } from "fastify";
import { errors } from "../../gateway/errors.js";
import { executeRequestSchema, resultChunk, statementResponse, WAREHOUSE_ID, warehouseInfo } from "../../sql/statement-api.js";
import type { SqlStatements } from "../../sql/statements.js";
import { callerOf } from "../auth.js";

type ById = { Params: { id: string } };

function parseBody(body: unknown) {
  const r = executeRequestSchema().safeParse(body ?? {});
  if (!r.success) {
    const issue = r.error.issues[0];
    const field = issue?.path.join(".") || "body";
    throw errors.invalidParameter(field, `Invalid ${field}: ${issue?.message ?? "malformed request"}.`);
  }
  const req = r.data;
  if (req.warehouse_id !== WAREHOUSE_ID) throw errors.notFound(`Warehouse '${req.warehouse_id}' does not exist; this gateway has one warehouse, '${WAREHOUSE_ID}'.`);
  if (req.disposition && req.disposition !== "INLINE") throw errors.invalidParameter("disposition", `disposition ${req.disposition} is not supported; this warehouse answers INLINE.`);
  if (req.format && req.format !== "JSON_ARRAY") throw errors.invalidParameter("format", `format ${req.format} is not supported with the INLINE disposition; use JSON_ARRAY.`);
  return req;
}

export function sqlRoutes(app: FastifyInstance, statements: SqlStatements): void {
  const base = "/api/2.0/sql";

  app.post(`${base}/statements`, async (request) => {
    const req = parseBody(request.body);
    const st = await statements.start(req, callerOf(request));
    const waitMs = parseInt(req.wait_timeout ?? "10s", 10) * 1000;
    await statements.wait(st, waitMs);
    if ((st.state === "RUNNING" || st.state === "PENDING") && waitMs > 0 && req.on_wait_timeout === "CANCEL") statements.cancel(st);
    return statementResponse(st);
  });

  app.get<ById>(`${base}/statements/:id`, async (request) => statementResponse(statements.get(request.params.id, callerOf(request))));

  app.get<{ Params: { id: string; n: string } }>(`${base}/statements/:id/result/chunks/:n`, async (request) => {
    const st = statements.get(request.params.id, callerOf(request));
    if (st.state !== "SUCCEEDED") throw errors.invalidState(`Statement '${st.id}' is ${st.state}; its result can be read once it has SUCCEEDED.`);
    const n = Number(request.params.n);
    if (!Number.isInteger(n) || n < 0 || n >= st.chunks.length) throw errors.invalidParameter("chunk_index", `Statement '${st.id}' has chunks 0 to ${Math.max(0, st.chunks.length - 1)}; there is no chunk ${request.params.n}.`);
    return resultChunk(st, n);
  });

  app.post<ById>(`${base}/statements/:id/cancel`, async (request) => {
    statements.cancel(statements.get(request.params.id, callerOf(request)));
    return {};
  });

  app.get(`${base}/warehouses`, async () => ({ warehouses: [warehouseInfo()] }));
  app.get<ById>(`${base}/warehouses/:id`, async (request) => {
    if (request.params.id !== WAREHOUSE_ID) throw errors.notFound(`Warehouse '${request.params.id}' does not exist.`);
    return warehouseInfo();
  });
}
