import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FairQueue } from '../../../src/llm/gateway/fair-queue.js';

function drain<T>(queue: FairQueue<T>): T[] {
  const out: T[] = [];
  for (let item = queue.shift(); item !== undefined; item = queue.shift()) out.push(item);
  return out;
}

describe('FairQueue', () => {
  it('admits B and C within the first 3 when A floods 10 first', () => {
    const q = new FairQueue<string>({ maxPerTenant: 100 });
    for (let i = 0; i < 10; i++) q.push('A', `A${i}`);
    q.push('B', 'B0');
    q.push('C', 'C0');
    const order = drain(q);
    assert.deepEqual(order.slice(0, 3).sort(), ['A0', 'B0', 'C0']);
    assert.deepEqual(order.slice(3), ['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7', 'A8', 'A9']);
  });

  it('goes round-robin across tenants with work, FIFO within a tenant', () => {
    const q = new FairQueue<string>({ maxPerTenant: 100 });
    for (const t of ['A', 'B', 'C']) for (let i = 0; i < 3; i++) q.push(t, `${t}${i}`);
    assert.deepEqual(drain(q), ['A0', 'B0', 'C0', 'A1', 'B1', 'C1', 'A2', 'B2', 'C2']);
  });

  it('without credit, a tenant arriving mid-round joins the current round after those already in it', () => {
    const q = new FairQueue<string>({ maxPerTenant: 100 });
    for (const t of ['A', 'B', 'C']) for (let i = 0; i < 2; i++) q.push(t, `${t}${i}`);
    assert.equal(q.shift(), 'A0');
    q.push('D', 'D0');
    q.push('D', 'D1');
    assert.deepEqual(drain(q), ['B0', 'C0', 'D0', 'A1', 'B1', 'C1', 'D1']);
  });

  it('without credit, a newcomer alternates with a flood that has been served for a while', () => {
    const q = new FairQueue<string>({ maxPerTenant: 100 });
    for (let i = 0; i < 20; i++) q.push('F', `F${i}`);
    for (let i = 0; i < 10; i++) q.shift();
    for (let i = 0; i < 3; i++) q.push('Q', `Q${i}`);
    assert.deepEqual(drain(q).slice(0, 6), ['Q0', 'F10', 'Q1', 'F11', 'Q2', 'F12']);
  });

  it('with credit, an idle tenant gets up to that many calls in ahead of a flood, then alternates', () => {
    const q = new FairQueue<string>({ maxPerTenant: 100, newcomerCredit: 3 });
    for (let i = 0; i < 20; i++) q.push('F', `F${i}`);
    for (let i = 0; i < 10; i++) q.shift();
    for (let i = 0; i < 6; i++) q.push('Q', `Q${i}`);
    assert.deepEqual(drain(q).slice(0, 10), ['Q0', 'Q1', 'Q2', 'Q3', 'F10', 'Q4', 'F11', 'Q5', 'F12', 'F13']);
  });

  it('credit never lets a tenant that keeps flooding jump ahead of its own earlier calls', () => {
    const q = new FairQueue<string>({ maxPerTenant: 100, newcomerCredit: 8 });
    for (let i = 0; i < 5; i++) q.push('A', `A${i}`);
    q.push('B', 'B0');
    q.shift();
    q.push('A', 'A5');
    assert.deepEqual(drain(q), ['B0', 'A1', 'A2', 'A3', 'A4', 'A5']);
  });

  it('a retried call re-enters ahead of everything', () => {
    const q = new FairQueue<string>({ maxPerTenant: 100 });
    for (const t of ['A', 'B']) for (let i = 0; i < 2; i++) q.push(t, `${t}${i}`);
    const first = q.shift() as string;
    q.push('A', first, { front: true });
    assert.equal(q.place(first)?.position, 1);
    assert.deepEqual(drain(q), ['A0', 'B0', 'A1', 'B1']);
  });

  it('serves retried calls in the order they were retried, within a tenant and across tenants', () => {
    const q = new FairQueue<string>({ maxPerTenant: 100 });
    for (const t of ['A', 'B']) for (let i = 0; i < 3; i++) q.push(t, `${t}${i}`);
    const [a0, b0, a1] = [q.shift(), q.shift(), q.shift()] as string[];
    q.push('A', a0 as string, { front: true });
    q.push('B', b0 as string, { front: true });
    q.push('A', a1 as string, { front: true });
    assert.equal(q.head('A'), 'A0');
    assert.deepEqual(drain(q), ['A0', 'B0', 'A1', 'B1', 'A2', 'B2']);
  });

  it('keeps every place equal to the drain order through random pushes, retries, removals and shifts', () => {
    let state = 12_345;
    const random = () => {
      state = (state * 48_271) % 2_147_483_647;
      return state / 2_147_483_647;
    };
    const ops: ((q: FairQueue<string>) => void)[] = [];
    let shifted: string[] = [];
    let next = 0;
    for (let i = 0; i < 400; i++) {
      const draw = random();
      const tenant = `T${Math.floor(random() * 6)}`;
      if (draw < 0.55) {
        const item = `i${next++}`;
        ops.push((q) => q.push(tenant, item));
      } else if (draw < 0.75) {
        ops.push((q) => {
          const item = q.shift();
          if (item !== undefined) shifted.push(item);
        });
      } else if (draw < 0.88) {
        ops.push((q) => {
          const item = shifted.pop();
          if (item !== undefined) q.push(tenant, item, { front: true });
        });
      } else {
        const victim = `i${Math.floor(random() * Math.max(1, next))}`;
        ops.push((q) => q.remove(victim));
      }
    }
    const build = () => {
      shifted = [];
      const q = new FairQueue<string>({ maxPerTenant: 1_000, newcomerCredit: 2 });
      for (const op of ops) op(q);
      return q;
    };
    const q = build();
    const order = drain(build());
    assert.ok(order.length > 20, `only ${order.length} left to check`);
    assert.equal(q.size, order.length);
    for (const [index, item] of order.entries()) assert.equal(q.place(item)?.ahead, index, item);
  });

  it('bounds each tenant queue, but a retried call re-enters at the front past the bound', () => {
    const q = new FairQueue<string>({ maxPerTenant: 2 });
    assert.equal(q.push('A', 'a1'), true);
    assert.equal(q.push('A', 'a2'), true);
    assert.equal(q.push('A', 'a3'), false);
    assert.equal(q.hasRoom('A'), false);
    assert.equal(q.push('B', 'b1'), true);
    assert.equal(q.push('A', 'retry', { front: true }), true);
    assert.equal(q.depth('A'), 3);
    assert.equal(q.head('A'), 'retry');
    assert.deepEqual(q.depths(), { A: 3, B: 1 });
  });

  it('gives every item its place in admission order', () => {
    const build = () => {
      const q = new FairQueue<string>({ maxPerTenant: 100 });
      for (let i = 0; i < 10; i++) q.push('A', `A${i}`);
      q.push('B', 'B0');
      q.push('B', 'B1');
      q.push('C', 'C0');
      return q;
    };
    const q = build();
    const order = drain(build());
    assert.deepEqual(order.slice(0, 6), ['A0', 'B0', 'C0', 'A1', 'B1', 'A2']);
    for (const [index, item] of order.entries()) {
      assert.deepEqual(q.place(item), { position: index + 1, ahead: index }, item);
    }
  });

  it('keeps places exact after removals and partial service', () => {
    const build = () => {
      const q = new FairQueue<string>({ maxPerTenant: 100 });
      for (const t of ['A', 'B', 'C']) for (let i = 0; i < 4; i++) q.push(t, `${t}${i}`);
      q.shift();
      q.shift();
      q.remove('C0');
      q.remove('A2');
      q.push('D', 'D0');
      return q;
    };
    const q = build();
    const order = drain(build());
    for (const [index, item] of order.entries()) assert.equal(q.place(item)?.position, index + 1, item);
    assert.equal(q.place('nope'), undefined);
  });

  it('removes items and tenants cleanly, and clears', () => {
    const q = new FairQueue<string>({ maxPerTenant: 100 });
    q.push('A', 'a');
    q.push('B', 'b');
    assert.equal(q.remove('a'), true);
    assert.equal(q.remove('a'), false);
    assert.equal(q.size, 1);
    assert.deepEqual(q.depths(), { B: 1 });
    assert.equal(q.peek(), 'b');
    assert.deepEqual(q.clear(), ['b']);
    assert.equal(q.size, 0);
    assert.equal(q.shift(), undefined);
  });
});
