/**
 * Runs `optimlab` with this file's arguments when OPTIMLAB_RUNNER_CLI_ENTRY=1 (the test runner also
 * loads every file under dist/test, and this one must do nothing then).
 */
import { main } from "../../cli/main";

if (process.env.OPTIMLAB_RUNNER_CLI_ENTRY === "1") {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
