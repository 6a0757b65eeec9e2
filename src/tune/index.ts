/** Hyperparameter tuning: grid and random search, and the learning-rate range test (danfojs DataFrames). */
export * from "./space";
export * from "./search";
export * from "./lrRangeTest";
