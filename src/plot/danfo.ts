/**
 * danfojs, loaded on first use: it adds about two seconds to start-up, which notebooks that never
 * show a table should not pay.
 */
// danfojs declares its types only under package.json "exports", which moduleResolution "node" ignores.
import type * as Danfo from "danfojs/dist/danfojs-browser/src/index";

let loaded: typeof Danfo | undefined;

/** The danfojs module (`dfd`). */
export function danfo(): typeof Danfo {
  // Loaded on first use: danfojs takes a second to import and most notebooks never need it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy load on purpose
  loaded ??= require("danfojs") as typeof Danfo;
  return loaded;
}

/** A danfojs DataFrame. */
export type DataFrame = InstanceType<typeof Danfo.DataFrame>;
