// Test double of `nll::ids` for the fake backend only (the real check runs in Rust). Same
// inputs and the same Swedish sentences, close enough to exercise the UI.
import type { IdCheck } from "../bindings/IdCheck";
import type { GlnCheck } from "../bindings/GlnCheck";

export const FAKE_TODAY = "2026-11-23";

function luhnOk(ten: string): boolean {
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    let d = Number(ten[i]) * (i % 2 === 0 ? 2 : 1);
    if (d > 9) d -= 9;
    sum += d;
  }
  return (10 - (sum % 10)) % 10 === Number(ten[9]);
}

function bad(sv: string, en: string): IdCheck {
  return { ok: false, kind: null, twelve: null, display: null, birthDate: null, age: null, errorSv: sv, errorEn: en };
}

export function ageOn(birth: string, date: string): number {
  const [by, bm, bd] = birth.split("-").map(Number);
  const [y, m, d] = date.split("-").map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

export function checkId(text: string, today = FAKE_TODAY): IdCheck {
  const t = text.trim();
  if (!t) return bad("Inget nummer angivet.", "No number was entered.");
  const badChar = [...t].find((c) => !/[0-9+\- ]/.test(c));
  if (badChar) return bad(`Otillåtet tecken '${badChar}': bara siffror och - eller + är tillåtna.`, `Invalid character '${badChar}': only digits and - or + are allowed.`);
  const sep = t.match(/[-+]/)?.[0] ?? null;
  const digits = t.replace(/[^0-9]/g, "");
  if (digits.length !== 10 && digits.length !== 12) return bad(`Fel antal siffror: ${digits.length}, ska vara 10 eller 12.`, `Wrong number of digits: ${digits.length}, expected 10 or 12.`);
  if (sep && t.replace(/ /g, "").indexOf(sep) !== t.replace(/ /g, "").length - 5) {
    return bad("Bindestrecket eller plustecknet står på fel plats: det ska stå före de fyra sista siffrorna.", "The - or + is in the wrong place: it goes before the last four digits.");
  }
  const thisYear = Number(today.slice(0, 4));
  let twelve = digits;
  if (digits.length === 10) {
    const yy = Number(digits.slice(0, 2));
    let year = Math.floor(thisYear / 100) * 100 + yy;
    if (year > thisYear) year -= 100;
    if (sep === "+") year -= 100;
    twelve = String(year) + digits.slice(2);
  }
  const year = Number(twelve.slice(0, 4));
  const month = Number(twelve.slice(4, 6));
  let day = Number(twelve.slice(6, 8));
  const samordning = day > 60;
  if (samordning) day -= 60;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (month < 1 || month > 12 || date.getUTCDate() !== day || date.getUTCMonth() !== month - 1) {
    return bad(`Datumet finns inte: ${twelve.slice(0, 4)}-${twelve.slice(4, 6)}-${twelve.slice(6, 8)}.`, "The date does not exist.");
  }
  const birth = date.toISOString().slice(0, 10);
  if (birth > today) return bad(`Födelsedatumet ${birth} ligger i framtiden.`, `The birth date ${birth} lies in the future.`);
  if (!luhnOk(twelve.slice(2))) return bad("Kontrollsiffran stämmer inte.", "The check digit does not match.");
  const age = ageOn(birth, today);
  const plus = thisYear - year >= 100;
  return {
    ok: true,
    kind: samordning ? "samordningsnummer" : "personnummer",
    twelve,
    display: `${twelve.slice(2, 8)}${plus ? "+" : "-"}${twelve.slice(8)}`,
    birthDate: birth,
    age,
    errorSv: null,
    errorEn: null,
  };
}

/** GS1 mod-10 over 13 digits (weights 3,1 from the right of the first 12). */
export function checkGln(text: string): GlnCheck {
  const d = text.trim();
  if (!/^[0-9]{13}$/.test(d)) {
    return { ok: false, errorSv: `Ett GLN har 13 siffror (nu ${d.replace(/[^0-9]/g, "").length}).`, errorEn: "A GLN has 13 digits." };
  }
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(d[11 - i]) * (i % 2 === 0 ? 3 : 1);
  const ok = (10 - (sum % 10)) % 10 === Number(d[12]);
  return ok ? { ok, errorSv: null, errorEn: null } : { ok, errorSv: "Kontrollsiffran i GLN-numret stämmer inte.", errorEn: "The GLN check digit does not match." };
}
