/**
 * Unknown option names, as torch refuses an unexpected keyword argument (`__init__() got an
 * unexpected keyword argument 'step_size'`): every builder that takes an options object (optimizers,
 * schedulers, losses, models, data loaders, `fit`) names the option, the one it probably stands for
 * and the valid ones. Typos and torch's snake_case names are the mistakes this catches.
 */

/** The option `option` probably stands for: same letters up to case and "_", then one or two edits away, then a prefix. */
export function closestOption(option: string, allowed: readonly string[]): string | undefined {
  const plain = (name: string): string => name.toLowerCase().replaceAll("_", "");
  const wanted = plain(option);
  const near = allowed
    .map((name) => ({ name, distance: editDistance(plain(name), wanted) }))
    .filter(({ distance }) => distance <= 2)
    .sort((a, b) => a.distance - b.distance)[0]?.name;
  return (
    allowed.find((name) => plain(name) === wanted) ??
    near ??
    allowed.find((name) => wanted.length >= 4 && (plain(name).startsWith(wanted) || wanted.startsWith(plain(name))))
  );
}

/** Levenshtein distance (option names are short). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row.push(Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
    previous = row;
  }
  return previous[b.length];
}

/** An option `owner` does not have, with the one it likely stands for and the valid ones. */
export function unexpectedOptionOf(owner: string, option: string, allowed: readonly string[]): string {
  const guess = closestOption(option, allowed);
  return `${owner} got an unexpected option '${option}'${guess === undefined ? "" : ` (did you mean '${guess}'?)`}; its options are ${allowed.join(", ")}`;
}

/** Throws a TypeError (torch's class for an unknown keyword argument) for the first key of `options` not in `allowed`. */
export function checkOptionNames(owner: string, options: object | undefined, allowed: readonly string[]): void {
  if (typeof options !== "object" || options === null) return;
  for (const option of Object.keys(options))
    if (!allowed.includes(option)) throw new TypeError(unexpectedOptionOf(owner, option, allowed));
}
