import { describe, expect, it } from 'vitest';
import {
  ContainerEngineUnavailableError,
  detectEngine,
  endpointOf,
  parseVersionAnswer,
  useEngine,
  type EngineEndpoint,
} from './engine.ts';

const PODMAN_VERSION = JSON.stringify({ Version: '4.3.1', Components: [{ Name: 'Podman Engine', Version: '4.3.1' }] });
const DOCKER_VERSION = JSON.stringify({
  Version: '27.1.0',
  Components: [{ Name: 'Engine', Version: '27.1.0' }, { Name: 'containerd' }],
});

function fakeGet(answers: Record<string, string>) {
  return async (endpoint: EngineEndpoint, path: string): Promise<string> => {
    const where = 'socketPath' in endpoint ? endpoint.socketPath : endpoint.baseUrl;
    const body = answers[where];
    if (body === undefined) throw new Error('connect ECONNREFUSED');
    return path === '/_ping' ? 'OK' : body;
  };
}

describe('endpointOf', () => {
  it('reads unix and tcp DOCKER_HOST values and leaves others to testcontainers', () => {
    expect(endpointOf('unix:///run/podman/podman.sock')).toEqual({ socketPath: '/run/podman/podman.sock' });
    expect(endpointOf('tcp://10.0.0.2:2375')).toEqual({ baseUrl: 'http://10.0.0.2:2375' });
    expect(endpointOf('ssh://me@host')).toBeUndefined();
  });
});

describe('parseVersionAnswer', () => {
  it('tells podman from docker', () => {
    expect(parseVersionAnswer(PODMAN_VERSION)).toEqual({ kind: 'podman', version: '4.3.1' });
    expect(parseVersionAnswer(DOCKER_VERSION)).toEqual({ kind: 'docker', version: '27.1.0' });
  });
});

describe('detectEngine', () => {
  it('uses the first socket that exists and answers; podman gets the testcontainers settings', async () => {
    const engine = await detectEngine({
      env: {},
      sockets: ['/var/run/docker.sock', '/run/podman/podman.sock'],
      exists: () => true,
      get: fakeGet({ '/run/podman/podman.sock': PODMAN_VERSION }),
    });
    expect(engine.kind).toBe('podman');
    expect(engine.dockerHost).toBe('unix:///run/podman/podman.sock');
    expect(engine.testcontainersEnv).toEqual({
      DOCKER_HOST: 'unix:///run/podman/podman.sock',
      TESTCONTAINERS_RYUK_DISABLED: 'true',
      TESTCONTAINERS_HOST_OVERRIDE: '127.0.0.1',
    });
  });

  it('keeps Ryuk for Docker', async () => {
    const engine = await detectEngine({
      env: {},
      sockets: ['/var/run/docker.sock'],
      exists: () => true,
      get: fakeGet({ '/var/run/docker.sock': DOCKER_VERSION }),
    });
    expect(engine.testcontainersEnv).toEqual({ DOCKER_HOST: 'unix:///var/run/docker.sock' });
  });

  it('tries only DOCKER_HOST when it is set', async () => {
    const err = await detectEngine({
      env: { DOCKER_HOST: 'unix:///elsewhere.sock' },
      exists: () => true,
      get: fakeGet({ '/run/podman/podman.sock': PODMAN_VERSION }),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ContainerEngineUnavailableError);
    expect((err as Error).message).toMatch(/DOCKER_HOST=unix:\/\/\/elsewhere.sock does not answer/);
  });

  it('says what to install when nothing is there', async () => {
    const err = await detectEngine({ env: {}, sockets: ['/nope.sock'], exists: () => false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ContainerEngineUnavailableError);
    expect((err as Error).message).toMatch(/no container engine found/);
    expect((err as Error).message).toMatch(/install-podman\.sh/);
    expect((err as Error).message).toMatch(/apt-get install -y podman runc/);
  });
});

describe('useEngine', () => {
  it('sets what is unset and keeps what the user set', () => {
    const env: NodeJS.ProcessEnv = { TESTCONTAINERS_HOST_OVERRIDE: '10.1.1.1' };
    useEngine(
      {
        kind: 'podman',
        dockerHost: 'unix:///s',
        version: '4',
        testcontainersEnv: { DOCKER_HOST: 'unix:///s', TESTCONTAINERS_HOST_OVERRIDE: '127.0.0.1' },
      },
      env,
    );
    expect(env).toEqual({ DOCKER_HOST: 'unix:///s', TESTCONTAINERS_HOST_OVERRIDE: '10.1.1.1' });
  });
});
