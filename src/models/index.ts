/** Seeded models on tf.layers: linear, logistic, MLP, LeNet-5, and the initialisers they use. */
export * from "./initializers";
export * from "./seededDropout";
export * from "./builders";
export * from "./residualMlp";
export { parameterCount } from "./summary";
