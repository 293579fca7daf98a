// What axe-core in the real window (tests/e2e) does not cover. Contrast of what it cannot measure: the focus ring against every background it can meet
// (WCAG 1.4.11, ≥ 3:1), and the greyed "not read" tabs (text, ≥ 4.5:1). Colours are read from
// styles.css itself, so a changed colour is checked here. Text contrast in general is checked by
// axe-core in the real window (tests/e2e).
import { afterEach, describe, expect, it } from "vitest";
import css from "../styles.css?raw";
import { FAKE_PATIENTS } from "../fake/answers";
import { $, fetchPatient, setup, teardown } from "./helpers";

afterEach(() => teardown());

function variable(name: string): string {
  const m = new RegExp(`${name}:\\s*(#[0-9a-fA-F]{6})`).exec(css);
  if (!m) throw new Error(`no ${name} in styles.css`);
  return m[1];
}

function luminance(hex: string): number {
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((x) => (x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4));
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}

export function contrast(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

describe("contrast", () => {
  it("the two-tone focus ring stands out at ≥ 3:1 on every background of the screen", () => {
    const ink = variable("--focus-ink");
    const halo = variable("--focus-halo");
    const backgrounds = ["--bg", "--panel", "--accent", "--accent-soft", "--header-bg", "--red", "--red-soft", "--amber-soft", "--yellow", "--blue-soft"].map(variable);
    for (const bg of backgrounds) expect(Math.max(contrast(ink, bg), contrast(halo, bg)), bg).toBeGreaterThanOrEqual(3);
    // The two tones against each other too: the ring reads as a ring.
    expect(contrast(ink, halo)).toBeGreaterThanOrEqual(3);
    expect(css).toMatch(/:focus-visible[^{]*\{\s*outline: 3px solid var\(--focus-ink\)[^}]*box-shadow: 0 0 0 2px var\(--focus-halo\)/);
  });

  it("greyed tabs keep ≥ 4.5:1 text on the page and on hover", () => {
    const rule = /\.tab\.not-read \{ color: var\((--[a-z-]+)\)/.exec(css);
    expect(rule).not.toBeNull();
    const fg = variable(rule![1]);
    for (const bg of [variable("--bg"), "#e9edf2"]) expect(contrast(fg, bg)).toBeGreaterThanOrEqual(4.5);
  });
});

describe("names and cards", () => {
  it("the language button is named by its visible text, in the language it names", async () => {
    await setup();
    const b = $("#lang-switch");
    expect(b.hasAttribute("aria-label")).toBe(false);
    expect(b.textContent).toBe("English");
    expect(b.getAttribute("lang")).toBe("en");
  });

  it("each cell carries its column's title, shown beside it when rows become cards", async () => {
    await setup();
    await fetchPatient(FAKE_PATIENTS.protectedPatient);
    const heads = [...document.querySelectorAll("#table [role=columnheader]")].map((e) => e.textContent);
    const labels = [...document.querySelectorAll('#table [data-row="0"] [role=cell]')].map((e) => e.getAttribute("data-label"));
    expect(labels).toEqual(heads);
    expect(css).toMatch(/@media \(max-width: 640px\)[\s\S]*\.vt-cards \.vt-cell::before \{\s*content: attr\(data-label\)/);
  });
});
