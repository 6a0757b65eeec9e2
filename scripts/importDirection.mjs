// The architecture of CONTRIBUTING.md as a lint rule: which top-level folder (and which library
// folder of src/) may import which. A folder always may import itself; anything not listed is an
// error. test/ and scripts/ may import anything. Keep this table and the picture in CONTRIBUTING.md
// in step.
import fs from "node:fs";
import path from "node:path";

/**
 * Allowed imports per folder. An entry is a folder ("src/optim") or one file without extension
 * ("src/display/protocol"): the display protocol and HTML escaping are the bottom layer every
 * library object may implement, the rest of src/display (format, display, markup) is not.
 */
export const ALLOWED_IMPORTS = {
  // The wording every folder's messages share (quoted values, unknown options): the bottom layer.
  "src/messages": [],
  "src/backend": [],
  "src/i18n": [],
  "src/display": ["src/i18n"],
  "src/data": ["src/backend", "src/messages"],
  "src/losses": ["src/backend", "src/messages"],
  "src/transforms": ["src/backend", "src/messages"],
  "src/regularize": ["src/backend", "src/transforms", "src/display/protocol", "src/messages"],
  "src/models": ["src/backend", "src/regularize", "src/messages"],
  "src/optim": ["src/backend", "src/transforms", "src/display/protocol", "src/messages"],
  "src/surfaces": ["src/backend", "src/optim", "src/messages"],
  "src/train": [
    "src/messages",
    "src/backend",
    "src/data",
    "src/models",
    "src/losses",
    "src/transforms",
    "src/regularize",
    "src/optim",
    "src/display/protocol",
    "src/display/escapeHtml",
    "src/i18n",
  ],
  "src/plot": ["src/backend", "src/display", "src/i18n", "src/train", "src/messages"],
  "src/tune": [
    "src/backend",
    "src/data",
    "src/display",
    "src/train",
    "src/optim",
    "src/plot",
    "src/i18n",
    "src/messages",
  ],
  "src/widgets": ["src/display", "src/plot", "src/i18n", "src/messages"],
  // src/index.ts: the package entry, composes every library folder.
  src: ["src/*"],
  protocol: [],
  kernel: ["protocol", "src/*", "src"],
  runner: ["protocol", "kernel/kernelspecs"],
  publish: ["runner", "protocol", "src/display", "src/i18n", "src/plot"],
  cli: ["kernel", "runner", "publish", "protocol", "src/*", "src"],
  // The kernel benchmarks drive kernels with protocol/kernelHarness.ts, as the kernel tests do.
  bench: ["src/*", "src", "protocol", "kernel", "runner"],
};

const FREE = new Set(["test", "scripts"]);

/** "src/optim" for src/optim/lrScheduler/x.ts, "src" for src/index.ts, "kernel" for kernel/engine/x.ts. */
export function folderOf(relative) {
  const parts = relative.split("/");
  if (parts[0] === "src") return parts.length > 2 ? `src/${parts[1]}` : "src";
  return parts.length > 1 ? parts[0] : undefined;
}

/**
 * Is `from` (a file, relative to the repository) allowed to import `target` (relative, no
 * extension; a folder import names its index)?
 */
export function importAllowed(from, target) {
  const source = folderOf(from);
  const destination = folderOf(`${target}.ts`) ?? target;
  if (source === undefined || FREE.has(source) || source === destination) return true;
  const allowed = ALLOWED_IMPORTS[source];
  if (!allowed) return false;
  return allowed.some(
    (entry) =>
      entry === destination ||
      (entry === "src/*" && destination.startsWith("src/")) ||
      entry === target ||
      entry === target.replace(/\/index$/, "") ||
      (entry === "src" && target === "src/index"),
  );
}

const rule = {
  meta: {
    type: "problem",
    docs: { description: "Imports follow the folder directions drawn in CONTRIBUTING.md" },
    schema: [],
    messages: {
      upward:
        "{{from}} may not import {{target}} (allowed: {{allowed}}). Imports flow one way; see CONTRIBUTING.md, Architecture.",
    },
  },
  create(context) {
    const root = context.cwd;
    const file = path.relative(root, context.filename).split(path.sep).join("/");
    const check = (node, specifier) => {
      if (typeof specifier !== "string" || !specifier.startsWith(".")) return;
      let target = path
        .relative(root, path.resolve(path.dirname(context.filename), specifier))
        .split(path.sep)
        .join("/");
      target = target.replace(/\.(js|ts|json)$/, "");
      if (target.startsWith("..")) return;
      if (fs.existsSync(path.join(root, target)) && fs.statSync(path.join(root, target)).isDirectory())
        target += "/index";
      if (!importAllowed(file, target)) {
        const from = folderOf(file);
        context.report({
          node,
          messageId: "upward",
          data: { from, target, allowed: (ALLOWED_IMPORTS[from] ?? []).join(", ") || "nothing outside itself" },
        });
      }
    };
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === "Literal" && check(node.source, node.source.value),
      CallExpression: (node) => {
        if (
          node.callee.type === "Identifier" &&
          node.callee.name === "require" &&
          node.arguments[0]?.type === "Literal"
        )
          check(node.arguments[0], node.arguments[0].value);
      },
    };
  },
};

export const plugin = { rules: { "import-direction": rule } };

export const importDirectionRules = [
  {
    files: ["**/*.ts"],
    plugins: { optimlab: plugin },
    rules: { "optimlab/import-direction": "error" },
  },
];
