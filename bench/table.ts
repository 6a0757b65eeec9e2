/** Plain-text tables for the benchmark report. */

export type Cell = string | number | undefined;

function format(cell: Cell): string {
  if (cell === undefined) return "–";
  if (typeof cell === "string") return cell;
  if (!Number.isFinite(cell)) return "–";
  if (Math.abs(cell) >= 100) return Math.round(cell).toLocaleString("en-US");
  if (Math.abs(cell) >= 10) return cell.toFixed(1);
  return cell.toFixed(2);
}

/** Renders rows under a header with columns padded to their widest cell (Markdown-compatible). */
export function renderTable(header: string[], rows: Cell[][]): string {
  const text = [header, ...rows.map((row) => row.map(format))];
  const widths = header.map((_, c) => Math.max(...text.map((row) => (row[c] ?? "").length)));
  const line = (row: string[]) => "| " + row.map((cell, c) => cell.padEnd(widths[c])).join(" | ") + " |";
  const rule = "|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|";
  return [line(text[0]), rule, ...text.slice(1).map(line)].join("\n");
}

/** "4.2×", or "–" when either side is missing. */
export function ratio(ours: number | undefined, theirs: number | undefined): string {
  if (ours === undefined || theirs === undefined || !Number.isFinite(ours) || !Number.isFinite(theirs) || theirs === 0)
    return "–";
  return `${(ours / theirs).toFixed(2)}×`;
}
