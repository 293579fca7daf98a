import "./styles.css";
import { chooseBackend } from "./backend";
import { App } from "./app";

async function main() {
  const backend = await chooseBackend();
  const app = new App(document.getElementById("app")!, backend);
  await app.start();
  // The first screen is usable now: the shell reports the start-up time.
  await backend.announceReady();
  // Screenshot states for the browser demo (fake backend only; see demo.ts).
  const params = new URLSearchParams(location.search);
  if (backend.kind === "fake" && params.has("login")) {
    const { runDemo } = await import("./demo");
    await runDemo(app, params);
  }
}

void main();
