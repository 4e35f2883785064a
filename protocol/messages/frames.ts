/**
 * Request and response frames with every codec of the pinned specs available: the frame
 * functions of frame-codec.ts, with the generated index imported so all APIs are registered.
 * Tools and tests use this; the reference broker uses frame-codec.ts and loads only the APIs it
 * serves (see codec-registry.ts).
 */
import './generated/index.ts';

export * from './frame-codec.ts';
