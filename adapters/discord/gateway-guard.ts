import type { Client } from 'discord.js';
import type { Logger } from '../../src/log.js';
import type { EdgeMetrics } from '../edge-metrics.js';
import { judgeDispatch } from './schemas.js';

interface Packet {
  t?: unknown;
  d?: unknown;
}

/**
 * Puts the schema check between the gateway and discord.js: a MESSAGE_CREATE or INTERACTION_CREATE
 * that is not of the documented shape is dropped (logged by id and counted) before discord.js builds
 * a message or an interaction from it, so it never reaches a handler. discord.js builds them
 * synchronously inside its packet handler, where a throw would end the process; any that is left is
 * caught here. discord.js offers no hook for this, so its WebSocketManager#handlePacket (which also
 * replays the packets queued before READY through itself) is wrapped on this client alone.
 */
export function guardGateway(client: Client, log: Logger, metrics: EdgeMetrics): void {
  const ws = client.ws as unknown as { handlePacket: (packet?: Packet, shard?: unknown) => boolean };
  const original = ws.handlePacket.bind(ws);
  ws.handlePacket = (packet, shard) => {
    if (packet) {
      const verdict = judgeDispatch(packet.t, packet.d);
      if (!verdict.ok) {
        metrics.refused.inc({ platform: 'discord', why: 'schema' });
        const id = (packet.d as { id?: unknown } | null | undefined)?.id;
        log.warn({ dispatch: String(packet.t), event: typeof id === 'string' ? id.slice(0, 24) : undefined, reason: verdict.reason }, 'discord dispatch dropped: malformed payload');
        return true;
      }
    }
    try {
      return original(packet, shard);
    } catch (err) {
      metrics.refused.inc({ platform: 'discord', why: 'client-threw' });
      const e = err as { name?: string };
      log.error({ dispatch: String(packet?.t), err: { type: e?.name ?? typeof err } }, 'discord dispatch could not be read');
      return true;
    }
  };
}
