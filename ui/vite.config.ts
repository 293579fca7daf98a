import { defineConfig } from "vitest/config";

export default defineConfig({
  // Relative asset paths: the Tauri window loads dist/ through its own protocol.
  base: "./",
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 600 },
  server: { host: "127.0.0.1", port: 5173, strictPort: true },
  preview: { host: "127.0.0.1", port: 5174 },
  // css: the contrast test reads styles.css (as ?raw), which vitest otherwise leaves empty.
  test: { environment: "jsdom", include: ["src/**/*.test.ts"], restoreMocks: true, css: { include: [/styles\.css/] } },
});
