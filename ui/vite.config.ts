import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// The app embeds `dist/` (tauri.conf.json: build.frontendDist). Relative asset URLs keep the bundle
// valid under Tauri's custom protocol; no inline scripts or styles, so the strict CSP holds.
export default defineConfig({
  plugins: [react()],
  base: "./",
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    target: "safari16",
    outDir: "dist",
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  test: {
    environment: "jsdom",
    globals: true,
    include: ["src/**/*.test.{ts,tsx}"],
    benchmark: { include: ["src/bench/*.bench.{ts,tsx}"] },
  },
});
