/** A model's save artifacts with its optimizer (`includeOptimizer: true`), kept in memory. */
import * as tf from "@tensorflow/tfjs";

export async function savedWithOptimizer(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
    { includeOptimizer: true },
  );
  return artifacts as tf.io.ModelArtifacts;
}
