/**
 * Error messages of the gradient transformations (`xxxMessage()` builders, see CONTRIBUTING.md),
 * shared by several transforms and exported so tests match them exactly.
 */

/** A chain's state does not come from this chain's `init`. */
export function chainStateMismatchMessage(expected: readonly string[], got: readonly string[]): string {
  return (
    `chain: the state has links [${got.join(", ")}] but the chain has [${expected.join(", ")}]; ` +
    `the state must come from this chain's init(). Make sure you have called init first!`
  );
}

/** Two trees that must have the same keys do not. */
export function treeMismatchMessage(what: string, expected: readonly string[], got: readonly string[]): string {
  return `${what}: expected tensors for [${expected.join(", ")}] but got [${got.join(", ")}]`;
}

/** A transformation that reads the parameters was called without them. */
export function paramsRequiredMessage(transform: string): string {
  return `${transform} needs the current parameters: call update(updates, state, params)`;
}

/** A clipping threshold that is not a positive number. */
export function invalidClipValueMessage(transform: string, value: number): string {
  return `${transform}: the threshold must be a positive number, got ${value}`;
}
