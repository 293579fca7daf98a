// Browser demo with the fake backend only: URL parameters put the screen in a given state, so
// screenshots (README, design review) can be taken with a plain headless browser:
//   ?fake=1&login=farmaceut&fkey=1&pnr=196804152384&tab=4&reveal=1&print=1&view=log&lang=en
//   reason=show reads the first offered treatment reason with consent; reason=ask opens its modal.
// Never used with the real shell (the Tauri window has no query string).
import type { App } from "./app";
import { TABS } from "./counter";
import { setLang } from "./i18n";
import { askReason } from "./views/reason";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runDemo(app: App, params: URLSearchParams) {
  const login = params.get("login");
  if (!login) return;
  if (params.get("lang")) setLang(params.get("lang")!);
  await app.login(login);
  const counter = app.counter;
  if (!counter) return;
  const fkey = Number(params.get("fkey") ?? "0");
  if (fkey) counter.selectByFKey(fkey);
  if (params.get("consent")) counter.setConsent(true);
  if (params.get("identity")) counter.setIdentityChecked(true);
  if (params.get("agent")) await counter.setAgent(params.get("agent")!);
  if (params.get("guardian")) await counter.setGuardian(params.get("guardian")!);
  const pnr = params.get("pnr");
  if (pnr) {
    await counter.setPnr(pnr);
    if (params.get("fetch") !== "0") await counter.lookup();
  }
  const tab = Number(params.get("tab") ?? "0");
  if (tab >= 1 && tab <= 5) counter.setTab(TABS[tab - 1]);
  const reveal = Number(params.get("reveal") ?? "0");
  if (reveal && counter.status.kind === "result") {
    for (const f of counter.status.result.list.record.filter((r) => r.key.startsWith("rx/")).slice(0, reveal)) await counter.reveal(f.key);
  }
  const reason = params.get("reason");
  if (reason && counter.status.kind === "result") {
    const rx = counter.status.result.list.list.prescriptions.find((p) => p.group === counter.tab && (counter.reasonOptions(p).consent || counter.reasonOptions(p).child));
    if (rx && reason === "show") await counter.treatmentReason(rx.id, (counter.reasonOptions(rx).consent ?? counter.reasonOptions(rx).child)!.flow, true);
    if (rx && reason === "ask") askReason(rx, counter);
  }
  if (params.get("print")) await app.openPrint();
  const view = params.get("view");
  if (view === "log" || view === "settings") app.show(view);
  await sleep(50);
}
