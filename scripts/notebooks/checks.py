"""The TypeScript `check` helper every depth notebook (13-19) defines in its first code cell."""

CHECK_HELPER = r'''
// Every assertion is a claim tested twice with the same predicate: on the experiment (it must hold)
// and on a negative control where the effect is absent (it must fail, or the check proves nothing).
const checks: { claim: string; on: string; measured: string; result: string }[] = [];
function check<T>(claim: string, holds: (v: T) => boolean, show: (v: T) => string, effect: [string, T], control: [string, T]): string {
  const onEffect = holds(effect[1]);
  const onControl = holds(control[1]);
  checks.push({ claim, on: effect[0], measured: show(effect[1]), result: onEffect ? "holds ✓" : "FAILS ✗" });
  checks.push({ claim: "", on: `negative control: ${control[0]}`, measured: show(control[1]), result: onControl ? "HOLDS ✗ (vacuous check)" : "fails ✓ (as it must)" });
  if (!onEffect) throw new Error(`${claim}: does not hold on ${effect[0]} (${show(effect[1])})`);
  if (onControl) throw new Error(`${claim}: also holds on the negative control ${control[0]} (${show(control[1])}), so it cannot detect the effect`);
  return `${claim}: ✓ (${show(effect[1])}; control ${show(control[1])})`;
}
'''.strip("\n")
