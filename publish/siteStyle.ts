/** `assets/site.css`: the site's own styles (KaTeX, texmath and highlight.js bring theirs). */
export const SITE_STYLE = `:root { --text: #1f2328; --muted: #59636e; --border: #d1d9e0; --code-bg: #f6f8fa; --accent: #0969da; --error-bg: #ffebe9; --error: #cf222e; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--text); font: 16px/1.6 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
header.site { border-bottom: 1px solid var(--border); padding: 0.6rem 1.5rem; display: flex; gap: 1.5rem; align-items: baseline; flex-wrap: wrap; }
header.site a { color: var(--accent); text-decoration: none; }
header.site .brand { font-weight: 600; color: var(--text); }
main { max-width: 1000px; margin: 0 auto; padding: 1rem 1.5rem 4rem; }
footer.pager { max-width: 1000px; margin: 0 auto 3rem; padding: 0 1.5rem; display: flex; justify-content: space-between; }
a { color: var(--accent); }
pre, code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.88em; }
.cell { margin: 1.2rem 0; }
.cell-code .input { display: flex; gap: 0.5rem; }
.prompt { flex: 0 0 4.5rem; color: var(--muted); font: 0.8em ui-monospace, monospace; text-align: right; padding-top: 0.6rem; }
.input pre { flex: 1; margin: 0; padding: 0.6rem 0.8rem; background: var(--code-bg); border: 1px solid var(--border); border-radius: 6px; overflow-x: auto; }
.outputs { margin-left: 5rem; }
.output-rich { display: flex; gap: 0.5rem; margin-left: -5rem; }
.output-body { flex: 1; min-width: 0; overflow-x: auto; }
.output-stream, .output-text, .output-error { margin: 0.4rem 0; padding: 0.4rem 0.6rem; white-space: pre-wrap; word-break: break-word; }
.output-stderr { background: #fff8c5; }
.output-error { background: var(--error-bg); border-left: 3px solid var(--error); }
.output-image { max-width: 100%; height: auto; }
.plotly-figure { width: 100%; min-height: 200px; }
table.dataframe, .output-html table { border-collapse: collapse; margin: 0.5rem 0; font-size: 0.9em; }
table.dataframe th, table.dataframe td, .output-html th, .output-html td { border: 1px solid var(--border); padding: 0.25rem 0.6rem; }
table.dataframe caption { text-align: left; font-weight: 600; padding-bottom: 0.3rem; }
.banner-error { background: var(--error-bg); border: 1px solid var(--error); border-radius: 6px; padding: 0.8rem 1rem; margin: 1rem 0; }
.banner-error pre { white-space: pre-wrap; margin: 0.4rem 0 0; }
.cell-markdown img { max-width: 100%; }
ul.notebooks { list-style: none; padding: 0; }
ul.notebooks li { padding: 0.7rem 0; border-bottom: 1px solid var(--border); }
ul.notebooks .status-failed { color: var(--error); font-weight: 600; }
ul.notebooks .meta { color: var(--muted); font-size: 0.85em; }
.katex-display { overflow-x: auto; overflow-y: hidden; }
`;
