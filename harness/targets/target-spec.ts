/**
 * `--target` SPECs: `NAME` or `NAME@ARG`, one form per registered kind (reference |
 * kafka[@VERSION[,zk]] | container[@IMAGE] | external@HOST:PORT). A bare `kafka` is the newest
 * supported release, as a bare `container` is the default image. Parsing is the kinds' own;
 * this module is where the rest of kconform imports it from.
 */
export {
  kindOf,
  kindsWith,
  parseTargetSpec,
  splitTargetSpecs,
  targetKinds,
  targetKindsHelp,
  targetSpecHelp,
  type TargetSpec,
} from './registry.ts';
export { TargetSpecError } from './target-kind.ts';
