/** The fake Discord speaks the protocol a raw client expects: gateway handshake, heartbeats, intents, REST errors. */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { FakeDiscord } from './fake-discord-server.js';

interface Frame {
  op: number;
  t?: string;
  s?: number;
  // biome-ignore lint/suspicious/noExplicitAny: arbitrary gateway JSON read field by field
  d: any;
}

/** A minimal gateway client: collects frames, waits for one that matches. */
async function connect(url: string) {
  const socket = new WebSocket(`${url}?v=10&encoding=json`);
  const frames: Frame[] = [];
  const waiters: { match: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  socket.on('message', (raw) => {
    const frame = JSON.parse(raw.toString()) as Frame;
    frames.push(frame);
    for (const w of waiters.splice(0)) {
      if (w.match(frame)) w.resolve(frame);
      else waiters.push(w);
    }
  });
  await once(socket, 'open');
  const next = (match: (f: Frame) => boolean) =>
    new Promise<Frame>((resolve) => {
      const seen = frames.find(match);
      if (seen) resolve(seen);
      else waiters.push({ match, resolve });
    });
  return { socket, frames, next, send: (f: unknown) => socket.send(JSON.stringify(f)) };
}

describe('fake discord', () => {
  let fake: FakeDiscord;

  before(async () => {
    fake = await FakeDiscord.start({ heartbeatIntervalMs: 45_000 });
  });

  after(async () => {
    await fake.close();
  });

  test('REST needs the bot token; GET /gateway/bot names the fake gateway', async () => {
    const bad = await fetch(`${fake.apiUrl}/v10/gateway/bot`, { headers: { authorization: 'Bot nope' } });
    assert.equal(bad.status, 401);
    const ok = await fetch(`${fake.apiUrl}/v10/gateway/bot`, { headers: { authorization: `Bot ${fake.token}` } });
    assert.equal(ok.status, 200);
    assert.equal(((await ok.json()) as { url: string }).url, fake.gatewayUrl);
  });

  test('HELLO, IDENTIFY -> READY + GUILD_CREATE, heartbeat -> ACK, and intents filter message content', async () => {
    const client = await connect(fake.gatewayUrl);
    const hello = await client.next((f) => f.op === 10);
    assert.equal(hello.d.heartbeat_interval, 45_000);
    client.send({ op: 2, d: { token: fake.token, intents: 1 | 512, properties: {} } });
    const ready = await client.next((f) => f.t === 'READY');
    assert.equal(ready.d.user.id, fake.bot.id);
    assert.equal((await client.next((f) => f.t === 'GUILD_CREATE')).d.id, fake.guild.id);
    client.send({ op: 1, d: ready.s });
    await client.next((f) => f.op === 11);
    assert.equal(fake.gateway.heartbeats, 1);

    const person = fake.user('ada');
    fake.postMessage({ author: person, content: 'lunch?' });
    fake.postMessage({ author: person, content: `<@${fake.bot.id}> hello` });
    fake.postMessage({ author: person, content: 'a DM', dm: true });
    const created = await client.next((f) => f.t === 'MESSAGE_CREATE' && f.d.mentions.length > 0);
    assert.equal(created.d.content, `<@${fake.bot.id}> hello`, 'mentions of the bot carry their content');
    const first = client.frames.find((f) => f.t === 'MESSAGE_CREATE');
    assert.equal(first?.d.content, '', 'without MessageContent other messages arrive blank');
    // Without the DirectMessages intent, the DM is never dispatched.
    assert.ok(!client.frames.some((f) => f.t === 'MESSAGE_CREATE' && f.d.channel_type === 1));
    client.socket.close();
  });

  test('a wrong token closes IDENTIFY with 4004', async () => {
    const client = await connect(fake.gatewayUrl);
    await client.next((f) => f.op === 10);
    client.send({ op: 2, d: { token: 'wrong', intents: 1, properties: {} } });
    const [code] = (await once(client.socket, 'close')) as [number];
    assert.equal(code, 4004);
    assert.equal(fake.gateway.identifies.at(-1)?.accepted, false);
  });

  test('interaction webhooks need the callback first, and Discord’s limits apply', async () => {
    const interaction = fake.slashCommand({ name: 'ask-twin', options: { question: 'hi' }, user: fake.user('bo') });
    const base = `${fake.apiUrl}/v10`;
    const json = { 'content-type': 'application/json' };
    const edit = (content: string) =>
      fetch(`${base}/webhooks/${fake.applicationId}/${interaction.token}/messages/@original`, {
        method: 'PATCH',
        headers: json,
        body: JSON.stringify({ content }),
      });
    assert.equal((await edit('too early')).status, 404);
    const callback = `${base}/interactions/${interaction.id}/${interaction.token}/callback`;
    const defer = () => fetch(callback, { method: 'POST', headers: json, body: JSON.stringify({ type: 5, data: {} }) });
    assert.equal((await defer()).status, 204);
    assert.equal((await defer()).status, 400, 'acknowledged once only');
    assert.equal((await edit('x'.repeat(2_001))).status, 400);
    assert.equal((await edit('fine')).status, 200);
    assert.equal(fake.interactionMessages(interaction.token)[0]?.content, 'fine');
  });
});
