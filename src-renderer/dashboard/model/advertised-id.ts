/**
 * Which dashboard's peer id this instance advertises on the LAN (its mDNS
 * record). Several pages with host control can share one host (the Electron
 * window plus loopback browser tabs when testing several peers on one
 * machine); the first one claims the slot, and another only takes it over
 * when the advertised id is stale (no longer registered on the broker).
 */
export function shouldAdvertise(input: {
  myId: string;
  /** The peer id the host currently advertises (LanState, self instance). */
  advertised: string | null;
  /** Ids registered on our broker, or null when the broker does not list them. */
  brokerIds: readonly string[] | null;
}): boolean {
  const { myId, advertised, brokerIds } = input;
  if (myId === '' || advertised === myId) return false;
  if (advertised === null) return true;
  return brokerIds !== null && !brokerIds.includes(advertised);
}
