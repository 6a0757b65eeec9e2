import * as tf from "@tensorflow/tfjs";
import { Adadelta } from "./adadelta";
import { Adagrad } from "./adagrad";
import { Adam } from "./adam";
import { Adamax } from "./adamax";
import { AdamW } from "./adamw";
import { ASGD } from "./asgd";
import { Rprop } from "./rprop";
import { NAdam } from "./nadam";
import { RAdam } from "./radam";
import { RMSprop } from "./rmsprop";
import { SGD } from "./sgd";

/**
 * Every optimizer class, registered with `tf.serialization` under its `className`
 * ("optimlab.Adam", …), so `model.save`/`tf.loadLayersModel` and `fromConfig` find them. The
 * names are prefixed so they never replace tfjs's own "Adam", "SGD", … in the registry.
 */
export const OPTIMIZER_CLASSES = [
  SGD,
  Adam,
  AdamW,
  RMSprop,
  Adagrad,
  Adadelta,
  NAdam,
  RAdam,
  Adamax,
  ASGD,
  Rprop,
] as const;

for (const cls of OPTIMIZER_CLASSES) tf.serialization.registerClass(cls);
