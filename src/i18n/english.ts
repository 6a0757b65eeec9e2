/**
 * English words a reader reads as prose, as opposed to the names, symbols and identifiers that read
 * the same in every language (Adam, SGD, MLP, ReLU, L1, η, `clipGradNorm`, tf.train.adam, floor(η)).
 *
 * Two users: the translator, which refuses a catalog pattern whose `{}` would leave English prose in
 * a translated line ("slope {}" must not turn "slope after 20 steps: 1.6" into "斜率 after 20 steps: 1.6"),
 * and the checker of executed translated notebooks (`publish/i18n/outputs.ts`), which reports such words.
 */

/**
 * Names that stay as they are in a translated text: optimizers, models, layers, losses, test functions,
 * schedulers, libraries, and the words JavaScript prints for values.
 */
export const NAMES: ReadonlySet<string> = new Set(
  (
    "Adam AdamW Adamax AMSGrad NAdam RAdam SGD GD RMSprop Adagrad Adadelta ASGD Rprop Nesterov Lion LAMB LARS Jacobi " +
    "MLP CNN LeNet ResNet ReLU relu Sigmoid sigmoid tanh softplus softmax He Xavier Glorot " +
    "Reshape Dense Flatten Conv MaxPooling BatchNorm " +
    "MSE MAE BCE Huber ECE Rosenbrock Beale Himmelblau Booth Distill " +
    "StepLR CosineAnnealingLR LinearLR OneCycleLR ExponentialLR ReduceLROnPlateau " +
    "MNIST mnist CIFAR cifar PyTorch torch Keras TensorFlow tfjs tf optim Python TypeScript JavaScript Node Jupyter JupyterLab " +
    "optimlab wasm tfjs-node SIMD WebGL CPU GPU amsgrad " +
    "Infinity NaN true false null undefined " +
    "log ln exp sqrt cos sin tan min max argmin argmax floor ceil abs sign bce logit logits lr eps"
  ).split(" "),
);

/** A Latin word with the characters around it that tell a name from a word of prose. */
const WORD = /[A-Za-z]+(?:['’][a-z]+)?(?:-[A-Za-z]+)*/g;

/** Code in backticks, a call with an options object (`optim.SGD({ momentum: β })`), and an English gloss right after a Chinese term ("暂退法（Dropout）", "预热（warm-up，LinearLR）"). */
const NOT_PROSE_SPANS = [/`[^`]*`/g, /[\w$]\(\{[^{}]*\}\)/g, /(?<=[\u3400-\u9fff])（[^（）]*）/g, /\b[A-Za-z][\w-]*(?=（[^）]*[\u3400-\u9fff])/g];

/** Is this word, at `index` in `text`, a name, an identifier or a symbol rather than a word of prose? */
function isToken(word: string, text: string, index: number): boolean {
  const bare = word.replace(/['’]s$/, "");
  if (bare.length < 2) return true; // x, y, f, s, p: symbols and units
  if (NAMES.has(bare) || NAMES.has(word)) return true;
  if (/^[A-Z]{2,}s?$/.test(bare)) return true; // acronyms: MSE, ECE, GPU, GPUs
  if (/[a-z][A-Z]/.test(bare)) return true; // camelCase identifiers: clipGradNorm, weightDecay
  const before = text[index - 1] ?? "";
  const after = text[index + word.length] ?? "";
  if (/[\w.$·]/.test(before) || /[\d_$]/.test(after)) return true; // tf.train.adam, x·mask, float32, l1_lambda, beta1
  if (after === "." && /[A-Za-z]/.test(text[index + word.length + 1] ?? "")) return true; // Pruner.prune
  if (after === "(" || after === "[") return true; // calls and indexing: floor(η), sigmoid(z)
  const assigned = /^\s?=(?!=)/.test(text.slice(index + word.length));
  if (assigned && isAssignment(word)) return true; // lr=0.3, dataset = "mnist"
  return false;
}

/** "dataset = cifar10", "lr=0.3", "rate=%{z}": a short lowercase name given a value, not a word of a sentence. */
function isAssignment(word: string): boolean {
  return word.length <= 12 && /^[a-z]+$/.test(word);
}

/**
 * The words of prose English in `text`: every Latin word of two letters or more that is not a name
 * (NAMES, an acronym), an identifier (camelCase, dotted, with digits or `_`, a call `f(…)`, in
 * backticks, a key given a value `lr=0.3`) or an English gloss kept in brackets next to its Chinese term.
 */
export function proseWords(text: string): string[] {
  let rest = text;
  for (const span of NOT_PROSE_SPANS) rest = rest.replace(span, (s) => " ".repeat(s.length));
  const words: string[] = [];
  for (const match of rest.matchAll(WORD)) {
    if (!isToken(match[0], rest, match.index ?? 0)) words.push(match[0]);
  }
  return words;
}

/** Does `text` hold English prose (a word the reader of a translation should not have to read)? */
export function hasProse(text: string): boolean {
  return proseWords(text).length > 0;
}
