/**
 * The bench process's own rows are one thread's (the threads table runs children with their own
 * `OPTIMLAB_THREADS`): fit would otherwise split the MLP over the cores by default. Imported first
 * by run.ts, before the backend reads the variable; a value already set is kept.
 */
process.env.OPTIMLAB_THREADS ??= "1";

export {};
