import { sv, type Texts } from "./sv";
import { en } from "./en";
export type { Texts };
let current: Texts = sv;
/** Swedish unless the settings say English. */
export function setLanguage(lang: string) {
  current = lang === "en" ? en : sv;
}
export function texts(): Texts {
  return current;
}
