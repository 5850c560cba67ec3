import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";
import { jsSizeReport } from "./tooling/js-size-report.ts";

// In development the API (pnpm --filter @kabar/api dev, port 3000) answers /trpc and /api.
const apiUrl = process.env.KABAR_API_URL ?? "http://127.0.0.1:3000";

export default defineConfig({
  plugins: [react(), jsSizeReport()],
  server: {
    proxy: { "/trpc": apiUrl, "/api": apiUrl, "/health": apiUrl },
  },
  build: { target: "es2022", sourcemap: false },
});
