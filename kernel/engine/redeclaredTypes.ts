/**
 * Type names in a cell's diagnostics, as the learner knows them: by cell (`In[3]`), never by the
 * checker's virtual file.
 *
 * A cell is checked as a module (`__cell.ts` in the notebook's folder) and earlier cells' names are
 * global declarations. When a cell declares a type again (`enum Dir`, `class P`, `interface Q`) while
 * an earlier declaration still uses the old one (`function go(d: Dir)`), TypeScript tells the two
 * apart in its message by writing the cell's own one as `import("/…/__cell").Dir` and the global one
 * as a bare `Dir`: "Argument of type 'import("/…/__cell").Dir' is not assignable to parameter of type
 * 'Dir'". Here the cell's becomes `In[2].Dir`, the earlier cell's `In[1].Dir`, and a line says that
 * the name was declared again and what to do.
 */

/** TypeScript's name of a type declared in the cell being checked: `import("<folder>/__cell").Name`. */
const CELL_QUALIFIED = /import\("(?:[^"\\]|\\.)*\/__cell"\)\.([\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*)/gu;

/** A quoted type in a TypeScript message (`type 'Dir'`); types quote their own strings with `"`. */
const QUOTED = /'[^'\n]*'/g;

/** What the checker knows of a redeclared name's earlier cell. */
export type EarlierCellOf = (name: string) => string | undefined;

/**
 * The line under a diagnostic about a type the cell declared again: `cell` is this cell's name
 * (`In[2]`), `earlier` the one of the cell whose declaration earlier cells' declarations still use.
 */
export function redeclaredTypeMessage(name: string, cell: string, earlier: string): string {
  return (
    `${name} was declared again in this cell: ${cell}.${name} is a new type, not ${earlier}.${name}, which ` +
    `declarations of earlier cells still use. Declare the new ${name} in a cell of its own: once it has run, ` +
    `later cells see only the new ${name}.`
  );
}

/**
 * `message` (one flattened diagnostic) with the cell's qualified type names written as
 * `<cell>.Name`, the bare names of an earlier cell they clash with as `<earlier cell>.Name`, and, per
 * such name, a line from `redeclaredTypeMessage` (indented as TypeScript's own continuation lines). `cell`: this
 * cell's name (`In[2]`; `<cell>` for a cell without a count, as its stack frames say).
 */
export function nameCellTypes(message: string, cell: string, earlierCellOf: EarlierCellOf): string {
  const names = [...new Set([...message.matchAll(CELL_QUALIFIED)].map((match) => match[1]))];
  if (names.length === 0) return message;
  const clashes = new Map<string, string>();
  for (const name of names) {
    const earlier = earlierCellOf(name);
    if (earlier !== undefined) clashes.set(name, earlier);
  }
  // The bare names first (a qualified name is preceded by `.`, never matched as bare), then the cell's own.
  let text = message.replace(QUOTED, (quoted) => {
    let out = quoted;
    for (const [name, earlier] of clashes)
      out = out.replace(
        new RegExp(`(?<![\\p{ID_Continue}$.\\]"])${escape(name)}(?![\\p{ID_Continue}$])`, "gu"),
        () => `${earlier}.${name}`,
      );
    return out;
  });
  // TypeScript qualifies a cell's type only when a global type has its name (an earlier cell's, or Node's).
  text = text.replace(CELL_QUALIFIED, (_, name: string) => `${cell}.${name}`);
  const notes = [...clashes].map(([name, earlier]) => `\n  ${redeclaredTypeMessage(name, cell, earlier)}`);
  return text + notes.join("");
}

function escape(name: string): string {
  return name.replace(/\$/g, "\\$");
}
