// ESLint flat config: typescript-eslint with type information for every TypeScript folder.
// Formatting is Prettier's job (`npm run format:check`); this file holds correctness rules and the
// import-direction rule that enforces the architecture drawn in CONTRIBUTING.md.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import { importDirectionRules } from "./scripts/importDirection.mjs";

const nodeTest = {
  from: "package",
  package: "node:test",
  name: ["test", "it", "describe", "suite", "before", "after"],
};

export default tseslint.config(
  { ignores: ["dist/**", "site/**", "node_modules/**", ".cache/**", "test/runner/notebooks/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    files: ["**/*.ts"],
    languageOptions: {
      parserOptions: { project: "./tsconfig.eslint.json", tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
      "@typescript-eslint/no-floating-promises": ["error", { allowForKnownSafeCalls: [nodeTest] }],
      // `tf.tidy(() => …) as tf.Scalar` is the tfjs idiom; generic arguments there read worse, not better.
      "@typescript-eslint/no-unnecessary-type-assertion": "off",
      // Numbers, booleans and null read fine in a message; arrays and objects must be formatted on purpose.
      "@typescript-eslint/restrict-template-expressions": [
        "error",
        { allowNumber: true, allowBoolean: true, allowNullish: true },
      ],
    },
  },
  {
    // Tests and benchmarks read untyped wire JSON and pass methods to assert.throws; the library keeps the
    // strict rules.
    files: ["test/**/*.ts", "bench/**/*.ts"],
    rules: {
      "@typescript-eslint/unbound-method": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/no-base-to-string": "off",
      "@typescript-eslint/restrict-template-expressions": "off",
      "@typescript-eslint/restrict-plus-operands": "off",
      "@typescript-eslint/require-await": "off",
      "@typescript-eslint/no-require-imports": "off",
    },
  },
  {
    // The cell engine compiles and evaluates notebook code and loads modules when a cell needs them:
    // `new Function` and `require()` are what it is for.
    files: ["kernel/engine/**/*.ts"],
    rules: { "@typescript-eslint/no-implied-eval": "off", "@typescript-eslint/no-require-imports": "off" },
  },
  // Hand-written declarations of untyped packages copy the package's documented unions verbatim.
  { files: ["**/*.d.ts"], rules: { "@typescript-eslint/no-redundant-type-constituents": "off" } },
  ...importDirectionRules,
  {
    files: ["**/*.js", "**/*.mjs"],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      sourceType: "commonjs",
      globals: {
        require: "readonly",
        module: "writable",
        process: "readonly",
        console: "readonly",
        __dirname: "readonly",
        URL: "readonly",
      },
    },
    rules: { ...tseslint.configs.disableTypeChecked.rules, "@typescript-eslint/no-require-imports": "off" },
  },
  { files: ["**/*.mjs"], languageOptions: { sourceType: "module" } },
  {
    // Browser scripts shipped with the site.
    files: ["publish/assets/**/*.js"],
    languageOptions: { sourceType: "script", globals: { window: "readonly", document: "readonly" } },
  },
);
