/**
 * The site's static assets, all copied so the site works offline from `file://`: plotly.js, KaTeX's
 * CSS and fonts, texmath's and highlight.js's CSS from installed packages, and the site's own CSS and
 * script from `publish/assets/` (real files, edited as CSS and JavaScript). Pages reference them as
 * `assets/…` (`../assets/…` from a translated page).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { plotlyScriptPath } from "../src/plot/plotlySource";

/** Asset URLs relative to a page at the site's root. */
export const ASSETS = {
  plotly: "assets/plotly.min.js",
  katexCss: "assets/katex/katex.min.css",
  texmathCss: "assets/texmath.css",
  highlightCss: "assets/highlight.css",
  siteCss: "assets/site.css",
  siteJs: "assets/site.js",
  images: "assets/images",
} as const;

/** The site's own files (`site.css`, `site.js`): next to this module in the source tree, or in publish/assets from dist/. */
export function siteAssetsDir(): string {
  const candidates = [path.join(__dirname, "assets"), path.join(__dirname, "..", "..", "publish", "assets")];
  const found = candidates.find((dir) => fs.existsSync(path.join(dir, "site.css")));
  if (!found)
    throw new Error(`the site's own assets (site.css, site.js) are missing; looked in ${candidates.join(" and ")}`);
  return found;
}

/** The folder of an installed package (from its package.json). */
function packageDir(name: string): string {
  return path.dirname(require.resolve(`${name}/package.json`));
}

/** Copies (or writes) every shared asset into `outDir/assets`. */
export function writeAssets(outDir: string): void {
  const at = (relative: string): string => path.join(outDir, relative);
  fs.mkdirSync(at("assets/katex"), { recursive: true });
  fs.copyFileSync(plotlyScriptPath(), at(ASSETS.plotly));
  const katexDist = path.join(packageDir("katex"), "dist");
  fs.copyFileSync(path.join(katexDist, "katex.min.css"), at(ASSETS.katexCss));
  fs.cpSync(path.join(katexDist, "fonts"), at("assets/katex/fonts"), { recursive: true });
  fs.copyFileSync(path.join(packageDir("markdown-it-texmath"), "css", "texmath.css"), at(ASSETS.texmathCss));
  fs.copyFileSync(path.join(packageDir("highlight.js"), "styles", "github.min.css"), at(ASSETS.highlightCss));
  fs.copyFileSync(path.join(siteAssetsDir(), "site.css"), at(ASSETS.siteCss));
  fs.copyFileSync(path.join(siteAssetsDir(), "site.js"), at(ASSETS.siteJs));
}

/** Empties `outDir/assets/images` (outputs of the previous build) and returns a writer into it. */
export function imageWriter(outDir: string): (name: string, content: Buffer | string) => string {
  const dir = path.join(outDir, ASSETS.images);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return (name, content) => {
    fs.writeFileSync(path.join(dir, name), content);
    return `${ASSETS.images}/${encodeURIComponent(name)}`;
  };
}
