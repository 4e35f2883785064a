/**
 * The container target on a real engine: Kafka from kconform's local image (or the image in
 * $KCONFORM_CONTAINER_IMAGE) starts through testcontainers, a kafkajs client round-trips 1,000
 * records, pause/unpause, kill/restart (the data stays in the container) and a client cut take
 * effect and heal, and stopping leaves no container behind.
 *
 * With KCONFORM_MATRIX=1 a 3-node container cluster also runs: it forms, a partition isolating
 * one node gets it fenced by the others, and healing brings it back.
 *
 * Needs a container engine and the image: `.ci/install-podman.sh` and `kconform image build`
 * (both run by .ci/run). Without them the suite is skipped and says why.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startKafkaContainer,
  LABEL_TARGET,
  type StartedKafkaContainer,
} from '../../harness/containers/container-target.ts';
import { detectEngine, type ContainerEngine } from '../../harness/containers/engine.ts';
import { kafkaImageName } from '../../harness/containers/image-files.ts';
import { findOnPath, imageLayout } from '../../harness/containers/image-build.ts';
import { RawClient } from '../../protocol/client/raw-client.ts';
import { brokerCount } from '../../harness/kafka-dist/metadata-probe.ts';
import { LATEST_KAFKA_VERSION } from '../../harness/kafka-dist/resolve-kafka.ts';
import { consumeValues, produceValues } from '../kafka-dist/kafka-clients.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';
import { apiVersionsBody } from '../../harness/drivers/request-bodies.ts';

const image = process.env.KCONFORM_CONTAINER_IMAGE ?? kafkaImageName(LATEST_KAFKA_VERSION);

async function whyNot(): Promise<{ engine?: ContainerEngine; reason?: string }> {
  try {
    await import('testcontainers');
  } catch {
    return { reason: 'the testcontainers package is not installed (it belongs in package.json)' };
  }
  let engine: ContainerEngine;
  try {
    // Patient: test files run in parallel, and a busy engine can take seconds to answer; a skip here would hide the suite.
    engine = await detectEngine({ timeoutMs: 15_000 });
  } catch (err) {
    return { reason: (err as Error).message };
  }
  const cli = engine.kind === 'podman' ? findOnPath('podman') : findOnPath('docker');
  // Only a local image can be checked here; an upstream one is pulled by the engine.
  if (image.startsWith('localhost/') && cli && (await imageLayout(cli, image)) === undefined) {
    return { engine, reason: `image ${image} is missing: run \`kconform image build\`` };
  }
  return { engine };
}

const { engine, reason } = await whyNot();
if (reason) console.warn(`[kconform] container suite skipped: ${reason}`);

/** Sends ApiVersions on a fresh connection; resolves true when Kafka answers within `timeoutMs`. */
async function answers(bootstrap: string, timeoutMs: number): Promise<boolean> {
  let client: RawClient | undefined;
  try {
    client = await RawClient.connect(bootstrap, 'kconform-container-test', timeoutMs);
    await client.request(ApiKey.ApiVersions, 0, apiVersionsBody(), timeoutMs);
    return true;
  } catch {
    return false;
  } finally {
    client?.close();
  }
}

/** Containers (or, with `network`, networks) the engine still knows with this label value. */
function labelled(cli: string, label: string, what: 'container' | 'network' = 'container'): string[] {
  const args =
    what === 'container'
      ? ['ps', '-a', '-q', '--filter', `label=${label}`]
      : ['network', 'ls', '-q', '--filter', `label=${label}`];
  return execFileSync(cli, args, { encoding: 'utf8' }).split('\n').filter(Boolean);
}

/** Polls Metadata at `bootstrap` until it lists `brokers` brokers; the time it took, or -1. */
async function untilBrokers(bootstrap: string, brokers: number, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if ((await brokerCount(bootstrap, 2_000)) === brokers) return Date.now() - t0;
    await new Promise((r) => setTimeout(r, 500));
  }
  return -1;
}

const values = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

describe.skipIf(reason !== undefined)(`container target (${image})`, () => {
  let kafka: StartedKafkaContainer;
  let targetLabel: string;
  const cli = engine?.kind === 'docker' ? 'docker' : 'podman';

  beforeAll(async () => {
    const t0 = Date.now();
    kafka = await startKafkaContainer({ image, engine, startTimeoutMs: 120_000 });
    console.log(`[kconform] ${image} ready on ${kafka.bootstrap} in ${Date.now() - t0} ms`);
    const labels = JSON.parse(
      execFileSync(cli, ['inspect', '--format', '{{json .Config.Labels}}', kafka.containerId], { encoding: 'utf8' }),
    ) as Record<string, string>;
    targetLabel = `${LABEL_TARGET}=${labels[LABEL_TARGET]}`;
  }, 180_000);
  afterAll(async () => {
    await kafka?.stop();
  }, 60_000);

  it('round-trips 1,000 records with kafkajs', async () => {
    const sent = values('rt', 1000);
    await produceValues(kafka.bootstrap, 'container-roundtrip', sent);
    expect(await consumeValues(kafka.bootstrap, 'container-roundtrip', 1000)).toEqual(sent);
  }, 120_000);

  it('a paused container answers nothing; unpaused, it answers again', async () => {
    await kafka.faults.pause(1);
    try {
      expect(await answers(kafka.bootstrap, 2_000)).toBe(false);
    } finally {
      await kafka.faults.resume(1);
    }
    expect(await answers(kafka.bootstrap, 10_000)).toBe(true);
  }, 60_000);

  it('a client cut off by a network disconnect gets no answer; healed, it does', async () => {
    await kafka.faults.cutClient(1);
    try {
      expect(await answers(kafka.bootstrap, 2_000)).toBe(false);
    } finally {
      await kafka.faults.healNetwork();
    }
    expect(await answers(kafka.bootstrap, 10_000)).toBe(true);
  }, 60_000);

  it('kill stops it; restart brings it back with the data it had', async () => {
    await kafka.faults.kill(1);
    expect(await answers(kafka.bootstrap, 2_000)).toBe(false);
    const state = execFileSync(cli, ['inspect', '--format', '{{.State.Running}}', kafka.containerId], {
      encoding: 'utf8',
    }).trim();
    expect(state).toBe('false');
    const t0 = Date.now();
    await kafka.faults.restart(1);
    console.log(`[kconform] container kill -> serving again in ${Date.now() - t0} ms`);
    expect(await consumeValues(kafka.bootstrap, 'container-roundtrip', 1000)).toEqual(values('rt', 1000));
  }, 180_000);

  it('stop leaves no container behind', async () => {
    expect(labelled(cli, targetLabel)).toHaveLength(1);
    await kafka.stop();
    expect(labelled(cli, targetLabel)).toEqual([]);
  }, 60_000);
});

describe.runIf(reason === undefined && process.env.KCONFORM_MATRIX === '1')(
  `3-node container cluster (${image})`,
  () => {
    let cluster: StartedKafkaContainer;
    const cli = engine?.kind === 'docker' ? 'docker' : 'podman';

    beforeAll(async () => {
      const t0 = Date.now();
      cluster = await startKafkaContainer({ image, engine, brokers: 3, startTimeoutMs: 180_000 });
      console.log(`[kconform] 3 containers of ${image} formed a cluster in ${Date.now() - t0} ms`);
    }, 240_000);
    afterAll(async () => {
      await cluster?.stop();
    }, 60_000);

    it('every node lists all three; records round-trip', async () => {
      for (const n of cluster.nodes) expect(await brokerCount(n.bootstrap)).toBe(3);
      const sent = values('c', 200);
      await produceValues(cluster.nodes[0]!.bootstrap, 'container-cluster', sent);
      expect(await consumeValues(cluster.nodes[1]!.bootstrap, 'container-cluster', 200)).toEqual(sent);
    }, 120_000);

    it('a partition isolating node 1 gets it fenced by the others; healing brings it back', async () => {
      const [, n2] = cluster.nodes;
      await cluster.faults.partition([[1], [2, 3]]);
      try {
        const fenced = await untilBrokers(n2!.bootstrap, 2, 60_000);
        console.log(`[kconform] isolated node fenced after ${fenced} ms`);
        expect(fenced).toBeGreaterThanOrEqual(0);
      } finally {
        await cluster.faults.healNetwork();
      }
      const back = await untilBrokers(n2!.bootstrap, 3, 60_000);
      console.log(`[kconform] healed node listed again after ${back} ms`);
      expect(back).toBeGreaterThanOrEqual(0);
    }, 180_000);

    it('stop leaves no container and no network behind', async () => {
      const labels = JSON.parse(
        execFileSync(cli, ['inspect', '--format', '{{json .Config.Labels}}', cluster.containerId], {
          encoding: 'utf8',
        }),
      ) as Record<string, string>;
      const label = `${LABEL_TARGET}=${labels[LABEL_TARGET]}`;
      expect(labelled(cli, label)).toHaveLength(3);
      expect(labelled(cli, label, 'network')).toHaveLength(1);
      await cluster.stop();
      expect(labelled(cli, label)).toEqual([]);
      expect(labelled(cli, label, 'network')).toEqual([]);
    }, 60_000);
  },
);
