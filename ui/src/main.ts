import { chooseBackend } from "./backend";
import { App } from "./app";

const app = new App(document.getElementById("app")!, await chooseBackend());
await app.start();
app.touch();
