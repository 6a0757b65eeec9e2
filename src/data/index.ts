/**
 * Datasets for the tutorials: real image sets (MNIST offline, Fashion-MNIST and CIFAR-10 cached
 * downloads), seeded synthetic sets, a seeded minibatch loader, and preprocessing.
 */
export * from "./dataset";
export * from "./idx";
export { mnist, mnistDir } from "./mnist";
export * from "./fashionMnist";
export * from "./cifar10";
export { readTar, writeTar, corruptTarMessage, type TarEntry } from "./tar";
export {
  dataDir,
  ensureFile,
  httpGet,
  sha256,
  downloadFailedMessage,
  checksumMismatchMessage,
  cachedMismatchMessage,
  dataDirMessage,
  recordVerified,
  type DownloadSettings,
  type RemoteFile,
} from "./download";
export { invalidSplitMessage, invalidLimitMessage, type ImageDatasetOptions, type Split } from "./images";
export * from "./synthetic";
export * from "./loader";
export * from "./preprocess";
export * from "./augment";
export * from "./augmentedLoader";
