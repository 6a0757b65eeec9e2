import * as tf from "@tensorflow/tfjs";

/**
 * A tfjs-layers class (e.g. "Dense", "Conv2D") from the serialization registry, for subclassing:
 * creating a layer to reach its class would use up a layer name. `who` names the caller in the
 * error when tfjs-layers has not registered it.
 */
export function registeredLayerClass<C>(className: string, who: string): C {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[className] as unknown as
    [C, unknown] | undefined;
  if (!entry) throw new Error(`${who}: tfjs-layers has no ${className} class registered`);
  return entry[0];
}
