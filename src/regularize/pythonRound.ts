/**
 * Python 3's round(): halves go to the even neighbour (round(10.5) = 10, round(3.5) = 4). torch's
 * pruning counts `round(amount · n)` with it, so the pruned count must use the same rule.
 */
export function pythonRound(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff < 0.5) return floor;
  if (diff > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}
