/**
 * Discord across replicas: two real bots on one Redis and one fake Discord; exactly one holds the gateway, the other
 * stands by (healthy, saying so in /healthz). Killed without warning, the leader is replaced once its short lease
 * (DISCORD_LEADER_TTL_S=1) runs out; stopped with SIGTERM, it releases the lock at once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connectRedis, type RedisConnection } from '../../src/redis-connection.js';
import { FakeDiscord } from '../fakes/discord/fake-discord-server.js';
import { type BotOnPort, startBotOnPort } from '../support/bot-on-port.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { tempWorkdir } from '../support/run-cli.js';
import { silentLogger } from '../support/silent-logger.js';
import { waitFor } from '../support/wait-for.js';

const started = await startTestRedis();

interface Health {
  status: string;
  replica?: { discord?: string };
}

async function health(bot: BotOnPort): Promise<Health> {
  const res = await fetch(`${bot.url}/healthz`);
  return (await res.json()) as Health;
}

describe('one Discord gateway connection across replicas', { skip: 'skip' in started ? started.skip : false }, () => {
  const redis = started as TestRedis;
  let discord: FakeDiscord;
  let watch: RedisConnection;
  const bots: BotOnPort[] = [];
  before(async () => {
    discord = await FakeDiscord.start();
    watch = connectRedis(redis.url, silentLogger);
    await waitFor(() => watch.ready, 'Redis');
  });
  after(async () => {
    for (const bot of bots) bot.run.child.kill('SIGKILL');
    await Promise.all(bots.map((b) => b.run.done));
    await watch.close();
    await discord.close();
    await redis.stop();
  });

  const start = async (ttlS: number, cwd: string) => {
    const bot = await startBotOnPort(
      {
        DISCORD_TOKEN: discord.token,
        DISCORD_APPLICATION_ID: discord.applicationId,
        DISCORD_API_URL: discord.apiUrl,
        REDIS_URL: redis.url,
        DISCORD_LEADER_TTL_S: String(ttlS),
      },
      cwd,
    );
    bots.push(bot);
    return bot;
  };
  const roles = async (pair: BotOnPort[]) => Promise.all(pair.map(async (b) => (await health(b)).replica?.discord));

  test('the leader killed with SIGKILL is replaced by the standby once its lease runs out', async () => {
    await watch.sendCommand(['DEL', 'twinbot:leader:discord']);
    const cwd = tempWorkdir();
    const pair = [await start(1, cwd), await start(1, cwd)];
    await waitFor(async () => (await roles(pair)).sort().join() === 'leader,standby', 'one leader, one standby');
    assert.equal(discord.gateway.readySessions, 1, 'one gateway connection');
    const healths = await Promise.all(pair.map(health));
    assert.ok(
      healths.every((h) => h.status === 'ok'),
      'the standby is healthy too',
    );

    const [leader, standby] = (await roles(pair))[0] === 'leader' ? pair : [pair[1]!, pair[0]!];
    const identifies = discord.gateway.identifies.length;
    leader!.run.child.kill('SIGKILL');
    await leader!.run.done;
    await waitFor(async () => (await health(standby!)).replica?.discord === 'leader', 'the standby to take over');
    await waitFor(() => discord.gateway.readySessions === 1, 'the new leader to connect');
    assert.equal(discord.gateway.identifies.length, identifies + 1, 'one new IDENTIFY');
    await standby!.stop();
  });

  test('a leader stopped with SIGTERM releases the lock at once, and the standby connects', async () => {
    await waitFor(() => discord.gateway.readySessions === 0, 'the previous test to disconnect');
    await watch.sendCommand(['DEL', 'twinbot:leader:discord']);
    const cwd = tempWorkdir();
    // A long lease: without the release the standby could not take over before it ran out.
    const pair = [await start(12, cwd), await start(12, cwd)];
    await waitFor(async () => (await roles(pair)).sort().join() === 'leader,standby', 'one leader, one standby');
    const [leader, standby] = (await roles(pair))[0] === 'leader' ? pair : [pair[1]!, pair[0]!];
    const stopped = await leader!.stop();
    assert.equal(stopped.code, 0);
    assert.match(stopped.stderr, /"event":"twin.leader_resigned"/);
    assert.equal(await watch.sendCommand(['GET', 'twinbot:leader:discord']), null, 'released, not left to expire');
    await waitFor(async () => (await health(standby!)).replica?.discord === 'leader', 'the standby to take over');
    await waitFor(() => discord.gateway.readySessions === 1, 'the new leader to connect');
    await standby!.stop();
  });
});
