/**
 * HTML escaping for user text (titles, labels, table cells) placed into the `text/html` fallback.
 * Figure JSON that goes into a `<script>` block is escaped separately by {@link jsonForScript}.
 */

const HTML_ESCAPES: { [char: string]: string } = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for an HTML text node or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]);
}

/**
 * `JSON.stringify` that is safe inside `<script>…</script>`: `<`, `>` and `&` become `\u003c`-style
 * escapes (same JSON value, but no `</script>` or `<!--` can close or confuse the block), and so do
 * U+2028/U+2029, which older JavaScript parsers treat as line breaks inside strings.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
