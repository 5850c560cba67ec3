import { defineConfig } from "vite";
import { jsSizeReport } from "./tooling/js-size-report.ts";

// In development the API (pnpm --filter @kabar/api dev, port 3000) answers /trpc and /api.
const apiUrl = process.env.KABAR_API_URL ?? "http://127.0.0.1:3000";

// The panel is written against React's API (and type-checked against @types/react), and runs on
// Preact's compat layer: react-dom alone was 68 of the panel's 142 KiB gzip, Preact is about 5. Every
// import of react / react-dom, the panel's and its libraries' (React Query, tRPC's hooks), goes there.
const preactCompat = [
  { find: /^react-dom\/client$/, replacement: "preact/compat/client" },
  { find: /^react-dom$/, replacement: "preact/compat" },
  { find: /^react\/jsx-(dev-)?runtime$/, replacement: "preact/jsx-runtime" },
  { find: /^react$/, replacement: "preact/compat" },
];

export default defineConfig({
  plugins: [jsSizeReport()],
  resolve: { alias: preactCompat },
  // JSX straight to Preact's runtime (no React Fast Refresh in `vite` dev: edits reload the page).
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  server: {
    proxy: { "/trpc": apiUrl, "/api": apiUrl, "/health": apiUrl },
  },
  build: {
    target: "es2022",
    sourcemap: false,
    rollupOptions: {
      // React Query marks its modules "use client" for React Server Components, which a SPA has none of
      onLog(level, log, handler) {
        if (log.code === "MODULE_LEVEL_DIRECTIVE" && log.message.includes('"use client"')) return;
        handler(level, log);
      },
    },
  },
});
