// The language switch. `t(key)` for the UI's own texts; `pick(sv, en)` for the bilingual texts
// the backend sends (flow labels, notices, error sentences).
import { sv, type Key } from "./sv";
import { en } from "./en";

export type Lang = "sv" | "en";
export type { Key };

const tables: Record<Lang, Record<Key, string>> = { sv, en };
let current: Lang = "sv";

export function setLang(lang: string) {
  current = lang === "en" ? "en" : "sv";
  document.documentElement.lang = current;
}

export function lang(): Lang {
  return current;
}

export function t(key: Key, params?: Record<string, string | number>): string {
  const text = tables[current][key] ?? sv[key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

export function pick(svText: string, enText: string | null | undefined): string {
  return current === "en" && enText ? enText : svText;
}
