/**
 * Units after a number in the reader's language: "5.0s" / "5.0 秒". Not catalog phrases, because a
 * catalog pattern like "{} s" would also match any English line that happens to end in " s".
 */
import { language, type Language } from "./language";

const SECONDS: { [L in Language]: { short: (s: string) => string; spaced: (s: string) => string; minutes: (m: string, s: string) => string } } = {
  en: { short: (s) => `${s}s`, spaced: (s) => `${s} s`, minutes: (m, s) => `${m}m${s}s` },
  zh: { short: (s) => `${s} 秒`, spaced: (s) => `${s} 秒`, minutes: (m, s) => `${m} 分 ${s} 秒` },
};

/** A duration in seconds as a progress bar shows it: `5.0s`, `42s`, `1m05s` (`5.0 秒`, `1 分 05 秒`). */
export function formatDuration(seconds: number, lang: Language = language()): string {
  if (!Number.isFinite(seconds)) return "?";
  const units = SECONDS[lang];
  if (seconds < 60) return units.short(seconds.toFixed(seconds < 10 ? 1 : 0));
  const minutes = Math.floor(seconds / 60);
  return units.minutes(String(minutes), String(Math.round(seconds - 60 * minutes)).padStart(2, "0"));
}

/** An already formatted number of seconds with its unit: `3.2 s` (`3.2 秒`). */
export function withSeconds(value: string, lang: Language = language()): string {
  return SECONDS[lang].spaced(value);
}

/** Seconds written after numbers inside a composed phrase ("0.11, 0.05 s vs 0.53 s"), in the reader's language. */
export function localizeUnits(text: string, lang: Language = language()): string {
  return lang === "en" ? text : text.replace(/(\d)\s?s(?![\w.(])/g, (_, digit: string) => SECONDS[lang].spaced(digit));
}
