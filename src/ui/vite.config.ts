/**
 * Builds the web UI into `dist/ui`, which `tessera serve` serves at `/`.
 * `npm run ui:dev` serves it with hot reload and proxies the API to a gateway on :8080.
 */
import { resolve } from "node:path";
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

const API = ["/api", "/serving-endpoints", "/v1", "/oidc", "/metrics", "/health", "/.well-known"];
const gateway = process.env["TESSERA_HOST"] ?? "http://127.0.0.1:8080";

export default defineConfig({
  root: import.meta.dirname,
  base: "/",
  plugins: [react()],
  build: {
    // TESSERA_UI_OUT: build elsewhere (several builds side by side); serve it with TESSERA_UI_DIR.
    outDir: process.env["TESSERA_UI_OUT"] ?? resolve(import.meta.dirname, "../../dist/ui"),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    sourcemap: false,
  },
  server: { proxy: Object.fromEntries(API.map((p) => [p, { target: gateway, changeOrigin: true }])) },
});
