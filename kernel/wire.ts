/** Moved to protocol/wire.ts (shared by the kernel and the runner); kept so older imports still build. */
export * from "../protocol/wire";
