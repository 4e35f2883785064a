import { describe, expect, it } from 'vitest';
import { isEngineServerError } from './container-target.ts';

describe('isEngineServerError', () => {
  it('is true for the engine failing itself (HTTP 5xx), as podman did under load', () => {
    expect(
      isEngineServerError(
        'cannot start localhost/kconform-kafka:4.4.0 in podman (unix:///run/podman/podman.sock): (HTTP code 500) server error - write child: broken pipe',
      ),
    ).toBe(true);
  });

  it('is false for an answer about the request (no such image, a conflict) and for Kafka not becoming ready', () => {
    expect(isEngineServerError('(HTTP code 404) no such container - no such image')).toBe(false);
    expect(isEngineServerError('(HTTP code 409) conflict - name already in use')).toBe(false);
    expect(isEngineServerError('the 3 Kafka containers did not form a cluster within 120000 ms')).toBe(false);
  });
});
