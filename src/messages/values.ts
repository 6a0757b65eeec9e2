/**
 * How every message of the library echoes a value the caller gave: numbers as JavaScript prints
 * them, anything else as JSON, so a string reads as one (`Invalid epochs: "2"`, not `Invalid epochs:
 * 2`, which looks valid). The optimizers started it; every folder's messages use this one.
 */
export function shown(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (value === undefined) return "undefined";
  if (typeof value === "function") return "a function";
  if (typeof value === "bigint") return `${value}n`;
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return `a ${typeof value} that JSON cannot show`;
  }
}
