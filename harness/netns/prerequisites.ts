/**
 * What a network lab needs from the machine: root, iproute2's `ip`, and a firewall front end
 * (`iptables-restore` from iptables, or `nft` from nftables) to drop packets inside node
 * namespaces. A missing piece is a {@link PrerequisiteError} naming the package to install,
 * which the CLI maps to exit code 3.
 */
import { delimiter } from 'node:path';
import { findOnPath, PrerequisiteError } from '../kafka-dist/prerequisites.ts';
import type { FirewallKind } from './firewall-rules.ts';

export { PrerequisiteError };

/** Tools found for a lab. */
export interface NetnsTools {
  /** Path of `ip`. */
  readonly ip: string;
  readonly firewall: FirewallKind;
  /** Path of `iptables-restore` or `nft`. */
  readonly firewallBin: string;
}

/** Which firewall to use: a given one, or `auto` (iptables where present, else nft). */
export type FirewallChoice = FirewallKind | 'auto';

/** The apt-get line that installs everything a lab needs (Debian/Ubuntu package names). */
export const NETNS_INSTALL_HINT = 'apt-get install -y iproute2 iptables';

/** Options of {@link checkNetnsPrerequisites}; the defaults are this process's. */
export interface NetnsPrerequisiteOptions {
  firewall?: FirewallChoice;
  env?: NodeJS.ProcessEnv;
  /** The effective uid to judge. */
  uid?: number;
  /** Searched after PATH: `sudo` and `su` without `-` often leave the sbin directories off a root PATH. */
  extraPath?: readonly string[];
}

const SBIN_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/** Finds the tools, or throws {@link PrerequisiteError} saying what to install. */
export function checkNetnsPrerequisites(opts: NetnsPrerequisiteOptions = {}): NetnsTools {
  const firewall = opts.firewall ?? 'auto';
  const uid = 'uid' in opts ? opts.uid : process.geteuid?.();
  if (uid !== 0) {
    throw new PrerequisiteError(
      'root',
      `network namespaces need root (CAP_SYS_ADMIN and CAP_NET_ADMIN); this process runs as uid ${uid ?? 'unknown'}: run the network-fault suites as root`,
    );
  }
  const env = opts.env ?? process.env;
  const search = { ...env, PATH: [env.PATH ?? '', ...(opts.extraPath ?? SBIN_DIRS)].filter(Boolean).join(delimiter) };
  const ip = findOnPath('ip', search);
  if (!ip)
    throw new PrerequisiteError(
      'ip',
      `\`ip\` (iproute2) not found on PATH: install it, e.g. \`${NETNS_INSTALL_HINT}\``,
    );
  const iptables = firewall === 'nft' ? undefined : findOnPath('iptables-restore', search);
  if (iptables) return { ip, firewall: 'iptables', firewallBin: iptables };
  const nft = firewall === 'iptables' ? undefined : findOnPath('nft', search);
  if (nft) return { ip, firewall: 'nft', firewallBin: nft };
  const wanted =
    firewall === 'nft'
      ? '`nft` (nftables)'
      : firewall === 'iptables'
        ? '`iptables-restore` (iptables)'
        : '`iptables-restore` (iptables) or `nft` (nftables)';
  const hint = firewall === 'nft' ? 'apt-get install -y nftables' : NETNS_INSTALL_HINT;
  throw new PrerequisiteError(
    firewall === 'nft' ? 'nft' : 'iptables',
    `${wanted} not found on PATH: install it, e.g. \`${hint}\``,
  );
}
