import { describe, expect, it } from 'vitest';
import { containerLogs, demuxLogs } from './container-logs.ts';

function frame(stream: 1 | 2, text: string): Buffer {
  const body = Buffer.from(text);
  const head = Buffer.alloc(8);
  head[0] = stream;
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
}

describe('demuxLogs', () => {
  it('joins stdout and stderr frames in order', () => {
    expect(demuxLogs(Buffer.concat([frame(1, 'out 1\n'), frame(2, 'err 1\n'), frame(1, 'out 2\n')]))).toBe(
      'out 1\nerr 1\nout 2\n',
    );
  });

  it('keeps a truncated last frame and passes unframed text through', () => {
    expect(demuxLogs(frame(2, 'abcdef').subarray(0, 11))).toBe('abc');
    expect(demuxLogs(Buffer.from('plain tty output\n'))).toBe('plain tty output\n');
  });
});

describe('containerLogs', () => {
  it('asks for the tail and never throws', async () => {
    let asked: unknown;
    const ok = {
      logs: async (o: unknown) => {
        asked = o;
        return frame(1, 'x\n');
      },
    };
    expect(await containerLogs(ok, 5)).toBe('x\n');
    expect(asked).toEqual({ stdout: true, stderr: true, follow: false, tail: 5 });
    expect(await containerLogs({ logs: async () => Promise.reject(new Error('gone')) })).toBe('');
  });
});
