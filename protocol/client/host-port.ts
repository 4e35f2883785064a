/** Splits `host:port` (the last colon separates, so bracketless IPv6 hosts keep theirs). */
export function splitHostPort(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at), port: Number(address.slice(at + 1)) };
}
