import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  builtinKernelSpec,
  findKernelSpec,
  invalidKernelNameMessage,
  jupyterDataDir,
  jupyterDataDirs,
  kernelCommand,
  KERNEL_DISPLAY_NAME,
  listKernelSpecs,
  packageRoot,
} from "../../kernel/kernelspecs";
import {
  installKernelSpec,
  kernelsDirFor,
  noEnvironmentMessage,
  notInstalledMessage,
  uninstallKernelSpec,
} from "../../kernel/install";
import { main, usageError } from "../../kernel/cli";
import { LOGO_SIZES, logoFileName, renderLogo } from "../../kernel/logo";

describe("jupyter data paths (jupyter_core rules)", () => {
  it("finds the user data dir per platform, JUPYTER_DATA_DIR first", () => {
    assert.equal(jupyterDataDir({ HOME: "/h" }, "linux"), "/h/.local/share/jupyter");
    assert.equal(jupyterDataDir({ HOME: "/h", XDG_DATA_HOME: "/xdg" }, "linux"), "/xdg/jupyter");
    assert.equal(jupyterDataDir({ HOME: "/h" }, "darwin"), "/h/Library/Jupyter");
    assert.equal(jupyterDataDir({ HOME: "/h", JUPYTER_DATA_DIR: "/custom" }, "darwin"), "/custom");
  });

  it("orders JUPYTER_PATH, user, environment, system; JUPYTER_PREFER_ENV_PATH swaps user and environment", () => {
    const env = { HOME: "/h", JUPYTER_PATH: "/a:/b/", VIRTUAL_ENV: "/venv" };
    assert.deepEqual(jupyterDataDirs(env, "linux"), [
      "/a",
      "/b",
      "/h/.local/share/jupyter",
      "/venv/share/jupyter",
      "/usr/local/share/jupyter",
      "/usr/share/jupyter",
    ]);
    assert.deepEqual(jupyterDataDirs({ ...env, JUPYTER_PREFER_ENV_PATH: "1" }, "linux").slice(2, 4), [
      "/venv/share/jupyter",
      "/h/.local/share/jupyter",
    ]);
    assert.deepEqual(jupyterDataDirs({ ...env, JUPYTER_PREFER_ENV_PATH: "no" }, "linux").slice(2, 4), [
      "/h/.local/share/jupyter",
      "/venv/share/jupyter",
    ]);
  });
});

describe("kernelspec install, discovery and uninstall", () => {
  let home: string;
  let saved: NodeJS.ProcessEnv;

  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), "optimlab-specs-"));
    saved = { ...process.env };
    process.env.JUPYTER_DATA_DIR = path.join(home, "data");
    process.env.JUPYTER_PATH = path.join(home, "extra");
    delete process.env.CONDA_PREFIX;
    delete process.env.VIRTUAL_ENV;
  });

  afterEach(() => {
    process.env = saved;
    fs.rmSync(home, { recursive: true, force: true });
  });

  it("installs kernel.json and both logos into the user dir and finds them", () => {
    const dir = installKernelSpec();
    assert.equal(dir, path.join(home, "data", "kernels", "optimlab"));
    const spec = JSON.parse(fs.readFileSync(path.join(dir, "kernel.json"), "utf8"));
    assert.deepEqual(spec.argv, [
      process.execPath,
      path.join(packageRoot(), "bin", "optimlab.js"),
      "kernel",
      "start",
      "--connection-file",
      "{connection_file}",
    ]);
    assert.equal(spec.display_name, KERNEL_DISPLAY_NAME);
    assert.equal(spec.language, "typescript");
    assert.equal(spec.interrupt_mode, "message");
    assert.equal(typeof spec.metadata, "object");
    for (const size of LOGO_SIZES)
      assert.ok(fs.readFileSync(path.join(dir, logoFileName(size))).equals(renderLogo(size)));
    const found = findKernelSpec("OptimLab");
    assert.equal(found?.dir, dir);
    assert.ok(listKernelSpecs().some((entry) => entry.name === "optimlab" && entry.dir === dir));
  });

  it("lets JUPYTER_PATH win over the user dir, and skips folders without a valid kernel.json", () => {
    installKernelSpec();
    const extra = installKernelSpec({ scope: { kind: "prefix", prefix: path.join(home, "p") } });
    process.env.JUPYTER_PATH = path.join(home, "p", "share", "jupyter");
    assert.equal(findKernelSpec("optimlab")?.dir, extra);
    fs.mkdirSync(path.join(home, "data", "kernels", "broken"), { recursive: true });
    fs.writeFileSync(path.join(home, "data", "kernels", "broken", "kernel.json"), "{ not json");
    assert.equal(findKernelSpec("broken"), undefined);
  });

  it("installs under --prefix and --sys-prefix, and explains a missing environment", () => {
    assert.equal(kernelsDirFor({ kind: "prefix", prefix: "/opt/x" }), "/opt/x/share/jupyter/kernels");
    assert.equal(kernelsDirFor({ kind: "sys-prefix" }, { VIRTUAL_ENV: "/venv" }), "/venv/share/jupyter/kernels");
    assert.throws(() => kernelsDirFor({ kind: "sys-prefix" }, {}), { message: noEnvironmentMessage() });
    assert.throws(() => installKernelSpec({ name: "bad name!" }), { message: invalidKernelNameMessage("bad name!") });
  });

  it("uninstalls, and falls back to the built-in spec for our own name", () => {
    installKernelSpec({ name: "optimlab-dev" });
    assert.ok(findKernelSpec("optimlab-dev"));
    uninstallKernelSpec("optimlab-dev");
    assert.equal(findKernelSpec("optimlab-dev"), undefined);
    assert.throws(() => uninstallKernelSpec("optimlab-dev"), { message: notInstalledMessage("optimlab-dev") });
    assert.deepEqual(findKernelSpec("optimlab"), builtinKernelSpec());
    assert.equal(builtinKernelSpec().dir, path.join(packageRoot(), "kernel", "assets"));
  });

  it("substitutes the connection file into argv", () => {
    assert.deepEqual(kernelCommand(builtinKernelSpec().spec, "/run/k.json").slice(-2), [
      "--connection-file",
      "/run/k.json",
    ]);
  });

  it("drives install, list and uninstall through the CLI", async () => {
    const logs: string[] = [];
    const errors: string[] = [];
    const log = console.log;
    const error = console.error;
    console.log = (text: string) => logs.push(text);
    console.error = (text: string) => errors.push(text);
    try {
      assert.equal(await main(["install", "--prefix", path.join(home, "pre"), "--name", "ts"]), 0);
      assert.ok(fs.existsSync(path.join(home, "pre", "share", "jupyter", "kernels", "ts", "kernel.json")));
      assert.equal(await main(["install", "--user"]), 0);
      assert.equal(await main(["list", "--json"]), 0);
      const listed = JSON.parse(logs.at(-1) as string) as { kernelspecs: Record<string, { resource_dir: string }> };
      assert.equal(listed.kernelspecs.optimlab.resource_dir, path.join(home, "data", "kernels", "optimlab"));
      assert.equal(await main(["uninstall"]), 0);
      assert.equal(findKernelSpec("optimlab")?.dir, builtinKernelSpec().dir);
      assert.equal(await main(["install", "--user", "--sys-prefix"]), 1);
      assert.equal(
        errors.at(-1),
        usageError("choose one of --user, --sys-prefix, --prefix (got --user, --sys-prefix)"),
      );
      assert.equal(await main(["install", "--bogus"]), 1);
      assert.equal(errors.at(-1), usageError('unknown option "--bogus"'));
      assert.equal(await main(["start"]), 1);
      assert.equal(errors.at(-1), usageError("start needs --connection-file FILE"));
    } finally {
      console.log = log;
      console.error = error;
    }
  });
});

describe("logos", () => {
  it("commits the logos the generator draws, as valid PNGs of the right size", () => {
    for (const size of LOGO_SIZES) {
      const committed = fs.readFileSync(path.join(packageRoot(), "kernel", "assets", logoFileName(size)));
      assert.ok(committed.equals(renderLogo(size)), `kernel/assets/${logoFileName(size)} is stale: regenerate it`);
      assert.equal(committed.subarray(1, 4).toString("ascii"), "PNG");
      assert.equal(committed.readUInt32BE(16), size);
      assert.equal(committed.readUInt32BE(20), size);
    }
  });
});
