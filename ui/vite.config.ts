import { defineConfig } from "vite";

export default defineConfig({
  // Relative asset paths: the Tauri window loads dist/ through its own protocol.
  base: "./",
  build: { outDir: "dist", emptyOutDir: true, target: "es2022" },
  test: { environment: "jsdom", globals: true },
});
