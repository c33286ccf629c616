import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Wakeups } from '../../ports/wakeups.ts';
import type { RedisConnection } from './redisConnection.ts';
import { nextTurnOnce } from '../../perTurn.ts';

/**
 * Redis pub/sub for the wake-ups of every world of this process: one subscriber connection (made on the first
 * listener), a channel per world. Messages carry the announcing process's id, so a process does not hear itself.
 */
export class RedisWakeupHub {
  private readonly id = randomUUID();
  private subscriber: Redis | null = null;
  private readonly listeners = new Map<string, Set<() => void>>();

  constructor(private readonly connection: RedisConnection) {}

  /** The wake-ups of the world whose keys are under `ns`. */
  forNamespace(ns: string): Wakeups {
    // Channels are not keys: the connection's prefix is not added to them by ioredis, so it is here.
    const channel = `${this.connection.prefix}${ns}events`;
    // The likes of one turn of the event loop make one message. A hint: lost while Redis is away, and the others'
    // polls find the events anyway.
    const publish = nextTurnOnce(() => this.connection.publish(channel, this.id));
    return {
      announce: () => void publish(),
      listen: (wake) => this.listen(channel, wake),
    };
  }

  private listen(channel: string, wake: () => void): () => void {
    let wakes = this.listeners.get(channel);
    if (!wakes) {
      this.listeners.set(channel, (wakes = new Set()));
      const subscriber = this.connect();
      if (subscriber.status === 'ready') subscriber.subscribe(channel).catch(() => {});
    }
    wakes.add(wake);
    return () => {
      wakes.delete(wake);
      if (wakes.size > 0 || this.listeners.get(channel) !== wakes) return;
      this.listeners.delete(channel);
      if (this.subscriber?.status === 'ready') this.subscriber.unsubscribe(channel).catch(() => {});
    };
  }

  private connect(): Redis {
    if (this.subscriber) return this.subscriber;
    const subscriber = this.connection.client.duplicate({ autoResubscribe: false });
    // Every (re)connection subscribes to the channels listened to then; outages are the main connection's to report.
    subscriber.on('ready', () => {
      const channels = [...this.listeners.keys()];
      if (channels.length > 0) subscriber.subscribe(...channels).catch(() => {});
    });
    subscriber.on('error', () => {});
    subscriber.on('message', (channel: string, from: string) => {
      if (from === this.id) return;
      for (const wake of this.listeners.get(channel) ?? []) wake();
    });
    this.subscriber = subscriber;
    return subscriber;
  }

  close(): void {
    this.subscriber?.disconnect(false);
    this.subscriber = null;
    this.listeners.clear();
  }
}
