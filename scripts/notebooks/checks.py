"""The TypeScript check helpers defined in the first code cell of every notebook whose generator imports
CHECK_HELPER (`grep -l "from checks import" scripts/notebooks/make_*.py`).

`checkAgainstControl` is the collection's helper (docs/notebooks.md, rule 2): the same check must hold on the
effect and fail on the negative control. `check` names both cases and formats what each measured, and collects
the rows that the assertion cell displays, so the reader sees every control fail.
"""

CHECK_HELPER = r'''
/** Runs one check on the effect and on its negative control: it must hold on the first and fail on the second. */
function checkAgainstControl<T>(claim: string, check: (run: T) => boolean, effect: T, control: T, detail: string) {
  const onEffect = check(effect);
  const onControl = check(control);
  if (!onEffect) throw new Error(`${claim}: the check fails on the effect (${detail})`);
  if (onControl) throw new Error(`${claim}: the check also passes on the negative control, so it proves nothing (${detail})`);
  return { claim, "check on the effect": onEffect, "check on the control": onControl, detail };
}
/** The rows of this notebook's checks table: `check(claim, holds, show, [effect name, effect], [control name, control])`. */
const checks: ReturnType<typeof checkAgainstControl>[] = [];
function check<T>(claim: string, holds: (v: T) => boolean, show: (v: T) => string, effect: [string, T], control: [string, T]): void {
  checks.push(checkAgainstControl(`${claim} — effect: ${effect[0]}; negative control: ${control[0]}`, holds, effect[1], control[1], `effect: ${show(effect[1])}; control: ${show(control[1])}`));
}
'''.strip("\n")
