#!/usr/bin/env node
"use strict";
// Thin launcher: the CLI is written in TypeScript and compiled to dist/ by `npm install` (prepare).
const path = require("node:path");
const fs = require("node:fs");
const entry = path.join(__dirname, "..", "dist", "cli", "main.js");
if (!fs.existsSync(entry)) {
  console.error(
    "optimlab: the CLI is not built yet. Run `npm install` (or `npm run build`) in " + path.join(__dirname, ".."),
  );
  process.exit(1);
}
require(entry)
  .main(process.argv.slice(2))
  .then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
