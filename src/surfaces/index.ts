/** 2-D test surfaces and optimizer trajectories on them. */
export * from "./surface";
export * from "./functions";
export * from "./trajectory";
