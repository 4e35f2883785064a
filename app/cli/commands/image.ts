import { targetError, usageError } from '../exit-codes.ts';

/** Options of `kconform image build` as commander parsed them. */
export interface ImageBuildCommandOptions {
  kafka?: string;
  rebuild?: boolean;
  mirror?: string;
}

/**
 * `kconform image build`: builds the local JRE and Kafka images for the container target.
 * Progress goes to stderr; the image name goes to stdout, for scripts.
 */
export async function imageBuildCommand(opts: ImageBuildCommandOptions): Promise<void> {
  // Loaded here so `kconform --help` does not pay for the build modules.
  const { buildImages, ImageBuildError } = await import('../../../harness/containers/image-build.ts');
  const { ContainerEngineUnavailableError } = await import('../../../harness/containers/engine.ts');
  const { KafkaResolveError, KafkaVersionNotFoundError, PrerequisiteError } = await import(
    '../../../harness/kafka-dist/index.ts'
  );
  try {
    const result = await buildImages({ kafka: opts.kafka, rebuild: opts.rebuild, mirror: opts.mirror });
    process.stdout.write(`${result.kafkaImage}\n`);
  } catch (err) {
    if (err instanceof RangeError || err instanceof KafkaVersionNotFoundError) throw usageError(err.message);
    if (
      err instanceof ImageBuildError ||
      err instanceof ContainerEngineUnavailableError ||
      err instanceof KafkaResolveError ||
      err instanceof PrerequisiteError
    ) {
      throw targetError(err.message);
    }
    throw err;
  }
}
