/**
 * `--targets SPEC,SPEC`: a comma-separated list in which a target spec may itself hold a comma
 * (`kafka@3.9.2,zk`), and the names each target gets in the diff and on disk.
 */
import { parseTargetSpec, splitTargetSpecs, type TargetSpec } from '../../harness/targets/target-spec.ts';

/** One target to compare. */
export interface ComparedTarget {
  /** The spec as written. */
  spec: string;
  parsed: TargetSpec;
  /** Unique among the targets: the spec, numbered when the same spec is listed twice. */
  label: string;
  /** The run directory's name: index and spec, safe in paths and in topic names (shared targets put the run id in topic names). */
  dirName: string;
}

/** Splits and parses `--targets`; throws an Error with the reason on a bad list. */
export function parseTargetList(value: string): ComparedTarget[] {
  const specs = splitTargetSpecs(value);
  if (specs.length < 2) throw new Error(`--targets needs at least two targets (SPEC,SPEC), got ${specs.length}`);
  const parsed = specs.map((s) => parseTargetSpec(s));
  const repeated = (s: string) => specs.filter((x) => x === s).length > 1;
  return specs.map((spec, i) => ({
    spec,
    parsed: parsed[i]!,
    label: repeated(spec) ? `${spec}#${specs.slice(0, i + 1).filter((x) => x === spec).length}` : spec,
    dirName: `${i}-${spec.replace(/[^A-Za-z0-9._-]+/g, '-')}`,
  }));
}
