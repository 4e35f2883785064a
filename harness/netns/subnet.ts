/**
 * Choosing a private /24 for a lab that nothing on this host uses yet: not the machine's own
 * networks and not another run's lab (each lab puts its host address on a root-namespace veth,
 * so a concurrent run's /24 shows up in the root namespace's addresses and routes).
 */

/** An IPv4 prefix as a 32-bit network number and a length. */
export interface Cidr {
  readonly network: number;
  readonly length: number;
}

/** Dotted quad to a 32-bit unsigned number. */
export function ipv4ToNumber(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4) throw new RangeError(`not an IPv4 address: ${ip}`);
  let n = 0;
  for (const p of parts) {
    const v = Number(p);
    if (!/^\d{1,3}$/.test(p) || v > 255) throw new RangeError(`not an IPv4 address: ${ip}`);
    n = n * 256 + v;
  }
  return n;
}

/** `a.b.c.d/len` (a bare address is a /32) to a {@link Cidr}; undefined for `default` and the like. */
export function parseCidr(text: string): Cidr | undefined {
  const [ip, len] = text.split('/');
  if (ip === undefined || !/^\d+\.\d+\.\d+\.\d+$/.test(ip)) return undefined;
  const length = len === undefined ? 32 : Number(len);
  if (!Number.isInteger(length) || length < 0 || length > 32) return undefined;
  const mask = length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
  return { network: (ipv4ToNumber(ip) & mask) >>> 0, length };
}

/** True when the two prefixes share at least one address. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  const len = Math.min(a.length, b.length);
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  return (a.network & mask) >>> 0 === (b.network & mask) >>> 0;
}

// Shorter prefixes than this (10.0.0.0/8 through a VPN, say) do not make a /24 unusable: the
// lab's more specific connected route wins, and refusing them could leave nothing to pick.
const MIN_CONFLICTING_LENGTH = 16;

/**
 * The third octet X of a free `BASE.X.0/24`, trying X from `start` upwards (wrapping), or
 * undefined when every /24 of `BASE.0.0/16` is in use.
 *
 * @param base the first two octets, e.g. `10.213`
 * @param inUse prefixes of addresses and routes already on the host (from {@link parseCidr})
 */
export function pickFreeSubnet(base: string, inUse: readonly Cidr[], start = 0): number | undefined {
  const relevant = inUse.filter((c) => c.length >= MIN_CONFLICTING_LENGTH);
  for (let i = 0; i < 256; i++) {
    const x = (start + i) % 256;
    const candidate = parseCidr(`${base}.${x}.0/24`)!;
    if (!relevant.some((c) => cidrsOverlap(c, candidate))) return x;
  }
  return undefined;
}

/** Checks a subnet base of the form `A.B` (two octets). */
export function checkSubnetBase(base: string): string {
  if (!/^\d{1,3}\.\d{1,3}$/.test(base) || base.split('.').some((o) => Number(o) > 255)) {
    throw new RangeError(`subnet base must be two octets like 10.213, got '${base}'`);
  }
  return base;
}

/** Prefixes from `ip -j -4 addr show` (each address with its prefix length). */
export function prefixesFromAddrJson(json: string): Cidr[] {
  const out: Cidr[] = [];
  for (const link of JSON.parse(json) as { addr_info?: { local?: string; prefixlen?: number }[] }[]) {
    for (const a of link.addr_info ?? []) {
      const c = a.local ? parseCidr(`${a.local}/${a.prefixlen ?? 32}`) : undefined;
      if (c) out.push(c);
    }
  }
  return out;
}

/** Prefixes from `ip -j -4 route show table all` (`default` is skipped). */
export function prefixesFromRouteJson(json: string): Cidr[] {
  const out: Cidr[] = [];
  for (const r of JSON.parse(json) as { dst?: string }[]) {
    const c = r.dst ? parseCidr(r.dst) : undefined;
    if (c) out.push(c);
  }
  return out;
}
