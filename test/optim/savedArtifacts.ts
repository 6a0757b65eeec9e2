/** A model's save artifacts kept in memory (what `model.save` would write), for save/load tests. */
import * as tf from "@tensorflow/tfjs";

export async function savedInMemory(model: tf.LayersModel, config?: tf.io.SaveConfig): Promise<tf.io.ModelArtifacts> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
    config,
  );
  return artifacts as tf.io.ModelArtifacts;
}

/** With its optimizer (`includeOptimizer: true`). */
export function savedWithOptimizer(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  return savedInMemory(model, { includeOptimizer: true });
}
