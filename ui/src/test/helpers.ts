// Test helpers: one App on a fresh document per test, against the in-memory FakeBackend.
import { App } from "../app";
import { FakeBackend } from "../fake/backend";
import { setLang } from "../i18n";
import { RECORDED } from "../fake/answers";

export type Setup = { app: App; backend: FakeBackend; root: HTMLElement };

let current: App | null = null;

export async function setup(login: string | null = "farmaceut", prepare?: (b: FakeBackend) => void): Promise<Setup> {
  current?.stop();
  setLang("sv");
  document.body.innerHTML = `<div id="app"></div>`;
  const root = document.getElementById("app")!;
  const backend = new FakeBackend();
  prepare?.(backend);
  const app = new App(root, backend);
  current = app;
  await app.start();
  if (login) await app.login(login);
  return { app, backend, root };
}

export function teardown() {
  current?.stop();
  current = null;
}

/** Lets pending promises (fake backend answers) settle. */
export async function flush(rounds = 6) {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setTimeout(r, 0));
}

export function key(k: string, init: KeyboardEventInit = {}, target?: Element | null) {
  const el = target ?? document.activeElement ?? document.body;
  const ev = new KeyboardEvent("keydown", { key: k, bubbles: true, cancelable: true, ...init });
  el.dispatchEvent(ev);
  return ev;
}

export function typeInto(input: HTMLInputElement, text: string) {
  input.focus();
  input.value = text;
  input.dispatchEvent(new Event("input", { bubbles: true }));
}

export function $<T extends Element = HTMLElement>(sel: string, root: ParentNode = document): T {
  const el = root.querySelector<T>(sel);
  if (!el) throw new Error(`no element ${sel}`);
  return el;
}

export function text(sel: string, root: ParentNode = document): string {
  return root.querySelector(sel)?.textContent ?? "";
}

/** Types a personnummer into the field and presses Enter there; waits for the answer. */
export async function fetchPatient(pnr: string) {
  typeInto($<HTMLInputElement>("#pnr"), pnr);
  await flush();
  key("Enter", {}, $("#pnr"));
  await flush();
}

/** Every value the test server holds behind a masked field of this patient's Expediering list
 * (recorded with `nllc fetch --reveal`), except NLL's own placeholder name: what must never
 * be on screen or paper unless revealed. Empty when nothing was recorded, so callers check. */
export function hiddenValues(pnr: string, flow = "expediering"): string[] {
  const r = RECORDED.revealed.find((x) => x.request.personnummer === pnr && x.request.flow === flow);
  const values = (r?.revealed ?? []).flatMap((a) => ("ok" in a ? [a.ok.value] : []));
  return [...new Set(values)].filter((v) => v !== "Personuppgift skyddad");
}

/** The recorded value behind one masked key of this patient's Expediering list. */
export function hiddenValue(pnr: string, key: string): string {
  const r = RECORDED.revealed.find((x) => x.request.personnummer === pnr && x.request.flow === "expediering");
  for (const a of r?.revealed ?? []) if ("ok" in a && a.ok.key === key) return a.ok.value;
  throw new Error(`no recorded value for ${key}`);
}
