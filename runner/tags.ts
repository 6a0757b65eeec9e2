/**
 * Cell tags the runner understands (in `metadata.tags`):
 *  - `skip-execution`: the cell is not sent to the kernel.
 *  - `raises-exception` / `raises-exception=RangeError`: the cell must fail (with that ename).
 *  - `timeout=N`: this cell's timeout in seconds, overriding the notebook and command-line values.
 *  - `parameters`: the cell holding default parameters; injected values go right after it.
 */
import { cellTags, NotebookError, type Cell } from "./notebook";

export const TAG_SKIP = "skip-execution";
export const TAG_RAISES = "raises-exception";
export const TAG_PARAMETERS = "parameters";
export const TAG_INJECTED = "injected-parameters";

export interface CellDirectives {
  skip: boolean;
  /** `undefined`: the cell must not raise; `null`: any error; a string: that error name. */
  raises: string | null | undefined;
  timeoutSeconds?: number;
  parameters: boolean;
}

export const tagMessages = {
  badTimeout: (tag: string, where: string) =>
    `${where}: the tag "${tag}" is not valid: use timeout=N with N a positive number of seconds`,
} as const;

/** What a cell's tags ask for; a bad tag throws NotebookError naming `where` (the file and the cell). */
export function cellDirectives(cell: Cell, where = "a cell"): CellDirectives {
  const directives: CellDirectives = { skip: false, raises: undefined, parameters: false };
  for (const tag of cellTags(cell)) {
    const [name, value] = splitTag(tag);
    if (name === TAG_SKIP) directives.skip = true;
    else if (name === TAG_PARAMETERS) directives.parameters = true;
    else if (name === TAG_RAISES) directives.raises = value === undefined || value === "" ? null : value;
    else if (name === "timeout") {
      const seconds = Number(value);
      if (value === undefined || !Number.isFinite(seconds) || seconds <= 0)
        throw new NotebookError(tagMessages.badTimeout(tag, where));
      directives.timeoutSeconds = seconds;
    }
  }
  return directives;
}

function splitTag(tag: string): [string, string | undefined] {
  const at = tag.indexOf("=");
  return at < 0 ? [tag.trim(), undefined] : [tag.slice(0, at).trim(), tag.slice(at + 1).trim()];
}
